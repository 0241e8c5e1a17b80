"""The article body allow-list. Everything an editor, importer or API sends goes through
``sanitize_body`` (nh3, the Rust ammonia sanitiser) before it is stored."""

import nh3

BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small",
    "blockquote", "q", "cite", "ul", "ol", "li", "a", "figure", "figcaption", "img", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "abbr", "span",
}
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
    unknown tags removed; links get ``rel="noopener noreferrer"``)."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
        attributes=BODY_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()
