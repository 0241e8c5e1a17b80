"""What search engines, social networks and feed readers are told about pages: absolute
addresses, dates, and schema.org JSON-LD.

Every absolute address is built on ``GAZETA_SITE_URL`` (like the canonical link), never on the
host a request came in on, so feeds, sitemaps and structured data agree with each other."""

import html
import json
import re
import struct
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from gazeta.core import render_scope
from gazeta.core.urls import reverse, static

from .models import Article

SCHEMA_CONTEXT = "https://schema.org"
# OpenGraph wants a territory; the site's language is one of settings.LANGUAGES.
OG_LOCALES = {"ro": "ro_RO", "en": "en_GB"}
# The search page's query parameter.
SEARCH_PARAM = "q"


def _is_absolute(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def absolute_url(path: str) -> str:
    """``path`` on the public site; addresses that are already absolute are left alone."""
    if path.startswith("//"):
        return f"{urlsplit(settings.GAZETA_SITE_URL).scheme}:{path}"
    if _is_absolute(path):
        return path
    return f"{settings.GAZETA_SITE_URL}{path}"


def home_url() -> str:
    return absolute_url(reverse("frontpage:home"))


def w3c_datetime(value) -> str:
    """W3C/ISO 8601 datetime in the site's time zone, whole seconds: 2024-11-01T17:21:00+02:00."""
    return render_scope.localtime(value).replace(microsecond=0).isoformat()


def article_modified_at(article: Article):
    """When readers were last told the text changed: the "updated" time the page shows, else
    the publication time. JSON-LD, OpenGraph and feeds all use this one value."""
    return article.revised_at if article.was_revised else article.published_at


def article_lastmod(article: Article):
    """The last change to an article's row, never earlier than its publication (sitemaps)."""
    return max(d for d in (article.published_at, article.revised_at, article.updated_at) if d)


def language() -> str:
    """The site's language as an ISO 639 code (``ro``): the one ``GAZETA_LANGUAGE`` sets."""
    return (render_scope.language() or settings.LANGUAGE_CODE).split("-")[0]


def og_locale() -> str:
    return OG_LOCALES.get(language(), language())


def publisher_logo_url() -> str:
    logo = settings.GAZETA_PUBLISHER_LOGO
    return absolute_url(logo if _is_absolute(logo) else static(logo))


@cache
def _png_size(static_path: str) -> tuple[int, int] | None:
    """Width and height read from a PNG's header, or None for other formats or a missing file."""
    found = None if _is_absolute(static_path) else finders.find(static_path)
    if not found:
        return None
    with open(found, "rb") as png:
        header = png.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", header[16:24])


_BODY_IMAGE = re.compile(r'<img[^>]*\ssrc="([^"]+)"')


def _featured_image_file(article: Article) -> tuple[str, int, int] | None:
    """Address, width and height of the featured image's largest rendition (the original
    until renditions exist), or None. Reads the image ``for_detail()`` joined."""
    image = article.featured_image if article.featured_image_id else None
    if image is None:
        return None
    largest = image.largest_rendition()
    if largest is not None:
        return absolute_url(largest.url), largest.width, largest.height
    return absolute_url(image.url), image.width, image.height


def article_image_url(article: Article) -> str:
    """The article's picture for search engines and link previews: its featured image, else
    the first image of its body, else the site's logo."""
    featured = _featured_image_file(article)
    if featured is not None:
        return featured[0]
    found = _BODY_IMAGE.search(article.body or "")
    return absolute_url(html.unescape(found.group(1))) if found else publisher_logo_url()


def article_image(article: Article) -> dict | str:
    """The JSON-LD ``image`` of an article: an ImageObject for a featured image (largest
    rendition, size, caption, credit), else the address ``article_image_url`` picks."""
    featured = _featured_image_file(article)
    if featured is None:
        return article_image_url(article)
    url, width, height = featured
    image = article.featured_image
    data = {"@type": "ImageObject", "url": url, "contentUrl": url, "width": width}
    data["height"] = height
    if image.caption or image.alt_text:
        data["caption"] = image.caption or image.alt_text
    if image.credit:
        data["creditText"] = image.credit
    return data


def publisher_logo() -> dict:
    logo = {"@type": "ImageObject", "url": publisher_logo_url()}
    size = _png_size(settings.GAZETA_PUBLISHER_LOGO)
    if size:
        logo["width"], logo["height"] = size
    return logo


def publisher() -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.GAZETA_SITE_NAME,
        "url": home_url(),
        "logo": publisher_logo(),
    }


def _author(author) -> dict:
    return {
        "@type": "Organization" if author.is_desk else "Person",
        "name": author.name,
        "url": absolute_url(author.get_absolute_url()),
    }


def _agency(agency) -> dict:
    data = {"@type": "Organization", "name": agency.name}
    if agency.url:
        data["url"] = agency.url
    return data


def article_author_names(article: Article) -> str:
    """The byline as one line of text (“Ana Pop, Ion Ionescu și Maria Popa”), or the desk."""
    names = [byline.author.name for byline in article.bylines.all()]
    return get_text_list(names, _("and")) if names else settings.GAZETA_DEFAULT_DESK


def article_credit_names(article: Article) -> list[str]:
    """Wire agencies in credit order: the origin first, then those that relayed it."""
    return [credit.agency.name for credit in article.credits.all()]


def article_jsonld(article: Article) -> dict:
    """schema.org NewsArticle for an article page. Uses only what ``for_detail()`` prefetched
    and joined. ``image`` is the featured image (an ImageObject), else the first body image,
    else the site's logo."""
    url = absolute_url(article.get_absolute_url())
    authors = [_author(byline.author) for byline in article.bylines.all()] or [
        {"@type": "Organization", "name": settings.GAZETA_DEFAULT_DESK, "url": home_url()}
    ]
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "author": authors,
        "publisher": publisher(),
        "articleSection": article.section.name,
        "inLanguage": language(),
        "isAccessibleForFree": True,
        "image": [article_image(article)],
    }
    if article.standfirst:
        data["description"] = article.description
    if article.published_at:
        data["datePublished"] = w3c_datetime(article.published_at)
        data["dateModified"] = w3c_datetime(article_modified_at(article))
    tags = [tag.name for tag in article.tags.all()]
    if tags:
        data["keywords"] = tags
    agencies = [_agency(credit.agency) for credit in article.credits.all()]
    if agencies:
        data["sourceOrganization"] = agencies
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": f"{c.get_kind_display()}: {c.text}",
            "datePublished": w3c_datetime(c.published_at),
            "url": absolute_url(c.get_absolute_url()),
        }
        for c in article.corrections.all()
    ]
    if corrections:
        data["correction"] = corrections
    return data


def article_breadcrumbs_jsonld(article: Article) -> dict:
    trail = [
        (_("Home"), home_url()),
        (article.section.name, absolute_url(article.section.get_absolute_url())),
        (article.headline, absolute_url(article.get_absolute_url())),
    ]
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": item}
            for position, (name, item) in enumerate(trail, start=1)
        ],
    }


def website_jsonld() -> dict:
    """schema.org WebSite with the search box Google may show under the site's result."""
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "WebSite",
        "name": settings.GAZETA_SITE_NAME,
        "url": home_url(),
        "inLanguage": language(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute_url(
                    f"{reverse('newsroom:search')}?{SEARCH_PARAM}={{search_term_string}}"
                ),
            },
            "query-input": "required name=search_term_string",
        },
    }


def organization_jsonld() -> dict:
    return {"@context": SCHEMA_CONTEXT, **publisher()}


# Same escapes as django.utils.html.json_script: nothing inside can close the <script>.
# (Replaced one after the other: str.translate with a table is several times slower.)
_JSON_SCRIPT_ESCAPES = (
    (">", "\\u003E"),
    ("<", "\\u003C"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def jsonld_script(data: dict) -> SafeString:
    """A ``<script type="application/ld+json">`` element holding ``data``, safe to put in HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _JSON_SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(  # noqa: S308 - every character that could end the script is escaped
        f'<script type="application/ld+json">{text}</script>'
    )
