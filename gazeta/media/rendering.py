"""HTML for library images: ``<picture>``/``<img srcset>`` markup, and the body figures the
editor stores as ``<img data-file="ID">`` expanded into it when a page is shown."""

import html
import re

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Image

# The ``src`` for browsers that ignore ``srcset``: the first rendition at least this wide.
FALLBACK_WIDTH = 960
# Body images fill the article's column (--measure: 42rem) or the screen below it.
BODY_SIZES = "(min-width: 44rem) 42rem, 100vw"

# Sanitised HTML (nh3's serialiser) quotes every attribute with " and escapes < > " inside
# values, so these patterns see whole tags. Figures never nest in the body's schema.
_IMG = re.compile(r"<img\b(?P<attrs>(?:\s+[\w:-]+(?:=\"[^\"]*\")?)*)\s*/?>")
_ATTR = re.compile(r"([\w:-]+)(?:=\"([^\"]*)\")?")
_FIGURE = re.compile(r"<figure\b[^>]*>.*?</figure>", re.DOTALL)
_LIBRARY_ID = re.compile(r'\sdata-file="(\d+)"')


def picture_context(
    image: Image,
    *,
    sizes: str,
    loading: str = "lazy",
    fetchpriority: str = "",
    css_class: str = "",
    alt: str | None = None,
) -> dict:
    """What ``components/picture.html`` needs: WebP ``srcset`` (plus an AVIF ``<source>``
    when there are AVIF renditions), or the original alone until renditions exist."""
    webp = image.rendition_list("webp")
    sources = [
        {"type": f"image/{f}", "srcset": image.srcset(f)} for f in image.formats if f != "webp"
    ]
    if webp:
        src = next((r.url for r in webp if r.width >= FALLBACK_WIDTH), webp[-1].url)
        srcset = image.srcset("webp")
    else:
        src, srcset = image.url, ""
    return {
        "src": src,
        "srcset": srcset,
        "sources": sources if srcset else [],
        "sizes": sizes,
        # Strings: the site's number format would print 1200 as "1.200".
        "width": str(image.width),
        "height": str(image.height),
        "alt": image.alt_text if alt is None else alt,
        "loading": loading,
        "fetchpriority": fetchpriority,
        "css_class": css_class,
    }


def picture_html(image: Image, **options) -> SafeString:
    markup = render_to_string("components/picture.html", picture_context(image, **options))
    return mark_safe(markup.strip())  # noqa: S308 - the template escapes every value


def credit_html(image: Image) -> SafeString:
    """“Photo: Photographer / Agency” in the span the stylesheet knows, or nothing."""
    if not image.credit:
        return mark_safe("")
    text = _("Photo: %(credit)s") % {"credit": image.credit}
    return format_html('<span class="credit">{}</span>', text)


def body_library_ids(body: str) -> set[int]:
    """Library images a body shows (``<img data-file="ID">``, from the editor's picker)."""
    if not body or 'data-file="' not in body:  # most bodies: a plain search, not the pattern
        return set()
    return {int(found) for found in _LIBRARY_ID.findall(body)}


def _attrs(tag_attrs: str) -> dict[str, str]:
    return {name: html.unescape(value or "") for name, value in _ATTR.findall(tag_attrs)}


def body_with_pictures(body: str, images: dict[int, Image], *, sizes: str = BODY_SIZES) -> str:
    """``body`` (sanitised HTML) with each library image replaced by its responsive markup and
    its figure captioned with the photo credit. An image deleted from the library disappears
    with its figure. ``images`` maps ids to images; nothing is read from the database."""

    def image_of(tag: re.Match) -> Image | None:
        found = _LIBRARY_ID.search(tag.group(0))
        return images.get(int(found.group(1))) if found else None

    def picture_for(tag: re.Match) -> str:
        image = image_of(tag)
        if image is None:
            return "" if _LIBRARY_ID.search(tag.group(0)) else tag.group(0)
        alt = _attrs(tag.group("attrs")).get("alt") or image.alt_text
        return picture_html(image, sizes=sizes, alt=alt)

    def figure(match: re.Match) -> str:
        block = match.group(0)
        tags = [tag for tag in _IMG.finditer(block) if _LIBRARY_ID.search(tag.group(0))]
        if not tags:
            return block
        shown = [image_of(tag) for tag in tags]
        if any(image is None for image in shown):
            return ""
        block = _IMG.sub(picture_for, block)
        credit = credit_html(shown[0])
        if not credit or 'class="credit"' in block:
            return block
        if "</figcaption>" in block:
            return block.replace("</figcaption>", f" {credit}</figcaption>", 1)
        return block.replace("</figure>", f"<figcaption>{credit}</figcaption></figure>", 1)

    if not body_library_ids(body):
        return body
    body = _FIGURE.sub(figure, body)
    return _IMG.sub(picture_for, body)
