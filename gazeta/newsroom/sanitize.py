"""The article body allow-list. Everything an editor, importer or API sends goes through
``sanitize_body`` (nh3, the Rust ammonia sanitiser) before it is stored."""

import nh3

from gazeta.core.text import normalize_romanian, strip_control_chars

# fmt: off
BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small",
    "blockquote", "q", "cite", "ul", "ol", "li", "a", "figure", "figcaption", "img", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "abbr", "span",
}
# fmt: on
BODY_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
}
# Only the classes the stylesheet knows: a caption's photo credit.
ALLOWED_CLASSES = {"span": {"credit"}, "figcaption": {"credit"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_body(html: str) -> str:
    """Return ``html`` reduced to Gazeta's body allow-list (scripts, styles, handlers and
    unknown tags removed; links get ``rel="noopener noreferrer"``), with comma-below
    diacritics and no control characters."""
    if not html:
        return ""
    # Text is normalised before the allow-list runs and the allow-list runs last: stripping
    # a control character afterwards could turn ``java\x01script:`` (a harmless relative
    # link to nh3) into ``javascript:``. The second pass catches characters that only
    # appear once entities such as ``&#1;`` are decoded.
    for _ in range(2):
        html = _clean(normalize_romanian(strip_control_chars(html)))
    return html.strip()


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
        attributes=BODY_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
