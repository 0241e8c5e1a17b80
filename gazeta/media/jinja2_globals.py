"""Library images in the Jinja2 templates. ``picture`` and ``photo_credit`` read only the image
they are given (its renditions are on its row); ``with_pictures`` runs one query, and only for
a body that shows library images."""

from django.utils.safestring import mark_safe

from gazeta.media import rendering
from gazeta.media.models import Image


def picture(image, sizes="100vw", loading="lazy", fetchpriority="", css_class="", alt=None):
    """``{{ picture(image, sizes="(min-width: 44rem) 42rem, 100vw") }}``: ``<img srcset sizes
    width height alt loading>`` with the WebP renditions (in a ``<picture>`` when AVIF ones
    exist too), or the original until renditions are made."""
    return rendering.picture_html(
        image,
        sizes=sizes,
        loading=loading,
        fetchpriority=fetchpriority,
        css_class=css_class,
        alt=alt,
    )


def photo_credit(image):
    return rendering.credit_html(image)


def with_pictures(body):
    """A sanitised body with its library figures as responsive pictures and credits."""
    ids = rendering.body_library_ids(body)
    images = Image.objects.in_bulk(ids) if ids else {}
    # The body was sanitised when it was saved (nh3); the figures are escaped markup.
    return mark_safe(rendering.body_with_pictures(body or "", images))  # noqa: S308


def register(env) -> None:
    env.globals.update(picture=picture, photo_credit=photo_credit)
    env.filters.update(with_pictures=with_pictures)
