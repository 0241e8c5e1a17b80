"""Library images in templates. ``picture`` and ``photo_credit`` read only the image they are
given (its renditions are on its row); ``with_pictures`` runs one query, and only for a body
that shows library images."""

from django import template
from django.utils.safestring import mark_safe

from gazeta.media import rendering
from gazeta.media.models import Image

register = template.Library()


@register.inclusion_tag("components/picture.html")
def picture(image, sizes="100vw", loading="lazy", fetchpriority="", css_class="", alt=None):
    """``{% picture image sizes="(min-width: 44rem) 42rem, 100vw" %}``: ``<img srcset sizes
    width height alt loading>`` with the WebP renditions (in a ``<picture>`` when AVIF ones
    exist too), or the original until renditions are made."""
    return rendering.picture_context(
        image,
        sizes=sizes,
        loading=loading,
        fetchpriority=fetchpriority,
        css_class=css_class,
        alt=alt,
    )


@register.simple_tag
def photo_credit(image):
    return rendering.credit_html(image)


@register.filter
def with_pictures(body):
    """A sanitised body with its library figures as responsive pictures and credits."""
    ids = rendering.body_library_ids(body)
    images = Image.objects.in_bulk(ids) if ids else {}
    return mark_safe(rendering.body_with_pictures(body or "", images))  # noqa: S308
