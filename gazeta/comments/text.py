"""Reader comments are plain text. This turns one into safe HTML: everything escaped,
paragraphs and line breaks kept, web addresses linked with ``rel="nofollow ugc noopener"``."""

from django.utils.html import Urlizer, linebreaks
from django.utils.safestring import SafeString


class CommentUrlizer(Urlizer):
    url_template = '<a href="{href}" rel="nofollow ugc noopener">{url}</a>'

    @staticmethod
    def is_email_simple(value):
        # An address typed in a comment stays text: no mailto links that harvesters follow.
        return False


_urlize = CommentUrlizer()


def render_comment_body(text: str) -> SafeString:
    return SafeString(linebreaks(_urlize(text, trim_url_limit=60, autoescape=True)))


def safe_website(url: str) -> str:
    """The commenter's website only when it is an http(s) address, else nothing."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""
