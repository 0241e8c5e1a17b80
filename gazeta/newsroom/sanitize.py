"""The article body allow-list. Everything an editor, importer or API sends goes through
``sanitize_body`` (nh3, the Rust ammonia sanitiser) before it is stored."""

import re
from urllib.parse import parse_qs, urlsplit

import nh3

from gazeta.core.text import normalize_romanian, strip_control_chars

# fmt: off
BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small",
    "blockquote", "q", "cite", "ul", "ol", "li", "a", "figure", "figcaption", "img", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "abbr", "span", "iframe",
}
# fmt: on
BODY_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    # data-file: the id of a library image, set by the body editor's picker; the page shows
    # that image's renditions in its place (gazeta.media.rendering).
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes", "data-file"},
    "iframe": {"src", "title", "width", "height"},
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
# Every embedded frame gets these, whatever it came with: loaded when scrolled to, sandboxed
# (the players need scripts and their own origin, nothing more), and sent only our origin.
IFRAME_ATTRIBUTES = {
    "loading": "lazy",
    "allowfullscreen": "",
    "referrerpolicy": "strict-origin-when-cross-origin",
    "sandbox": "allow-scripts allow-same-origin allow-presentation allow-popups",
}

# Embeds: the only frames a body may hold, rewritten to each provider's player address.
YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
YOUTUBE_PLAYER = "https://www.youtube-nocookie.com/embed/{id}"
VIMEO_PLAYER = "https://player.vimeo.com/video/{id}"
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"\d{1,12}")
_VIMEO_HASH = re.compile(r"[0-9a-f]{6,32}")
_DIGITS = re.compile(r"\d{1,5}")
# nh3 writes every attribute in double quotes with < > " escaped, so [^>]* spans a whole
# start tag; an iframe's content is raw text and cannot hold "</iframe".
_IFRAME = re.compile(r"<iframe\b([^>]*)>.*?</iframe>", re.DOTALL)
# What nh3 leaves of a class attribute whose classes were all refused (the editor's
# <figcaption class="figure-caption">); text cannot match, its "<" is escaped.
_EMPTY_CLASS = re.compile(r'(<[a-z][a-z0-9]*\b[^>]*?) class=""')


def embed_url(url: str) -> str | None:
    """The player address for a YouTube or Vimeo video link (watch page, short link, or
    player), or None for anything else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", ""):
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    video = None
    if host in YOUTUBE_HOSTS:
        if segments == ["watch"]:
            video = (query.get("v") or [""])[0]
        elif len(segments) == 2 and segments[0] in ("embed", "shorts", "live"):
            video = segments[1]
        if video and _YOUTUBE_ID.fullmatch(video):
            start = (query.get("start") or query.get("t") or [""])[0].removesuffix("s")
            player = YOUTUBE_PLAYER.format(id=video)
            return f"{player}?start={start}" if _DIGITS.fullmatch(start) else player
    elif host == "youtu.be" and len(segments) == 1 and _YOUTUBE_ID.fullmatch(segments[0]):
        return YOUTUBE_PLAYER.format(id=segments[0])
    elif host in VIMEO_HOSTS:
        if host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
            video, private = segments[1], (query.get("h") or [""])[0]
        elif host != "player.vimeo.com" and len(segments) in (1, 2):
            video, private = segments[0], segments[1] if len(segments) == 2 else ""
        if video and _VIMEO_ID.fullmatch(video):
            player = VIMEO_PLAYER.format(id=video)
            return f"{player}?h={private}" if _VIMEO_HASH.fullmatch(private or "") else player
    return None


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "iframe":
        if attribute == "src":
            return embed_url(value)
        if attribute in ("width", "height"):
            return value if _DIGITS.fullmatch(value) else None
    elif tag == "img" and attribute == "data-file":
        return value if _DIGITS.fullmatch(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=BODY_TAGS,
    clean_content_tags={"script", "style", "template", "object", "noscript"},
    attributes=BODY_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    set_tag_attribute_values={"iframe": IFRAME_ATTRIBUTES},
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
)


def sanitize_body(html: str) -> str:
    """Return ``html`` reduced to Gazeta's body allow-list (scripts, styles, handlers and
    unknown tags removed; links get ``rel="noopener noreferrer"``; frames kept only for
    allow-listed video players), with comma-below diacritics and no control characters."""
    if not html:
        return ""
    # Text is normalised before the allow-list runs and the allow-list runs last: stripping
    # a control character afterwards could turn ``java\x01script:`` (a harmless relative
    # link to nh3) into ``javascript:``. The second pass catches characters that only
    # appear once entities such as ``&#1;`` are decoded.
    for _ in range(2):
        html = _clean(normalize_romanian(strip_control_chars(html)))
    return html.strip()


def _keep_player_frames(match: re.Match) -> str:
    # A frame whose address the filter refused has no src left: it goes, content and all.
    # A kept one loses its content (fallback text no browser shows).
    attributes = match.group(1)
    return f"<iframe{attributes}></iframe>" if ' src="' in attributes else ""


def _clean(html: str) -> str:
    html = _IFRAME.sub(_keep_player_frames, _CLEANER.clean(html))
    return _EMPTY_CLASS.sub(r"\1", html)
