"""The comments area of an article page, for the Jinja2 templates (``gazeta/core/jinja2.py``)."""

from django.conf import settings
from jinja2 import pass_context

from gazeta.comments.forms import blank_form, shown_form
from gazeta.comments.personal import HELD_PARAM, held_comment_from_token, remembered_commenter
from gazeta.comments.policy import policy
from gazeta.comments.selectors import comment_thread
from gazeta.comments.text import safe_website
from gazeta.core import render_scope
from gazeta.core.jinja2 import render_fragment


@pass_context
def article_comments(context, article):
    """The approved thread (one query), the reader's own held comment when their link carries
    its token, and the form (the reader's bound form after a failed submit, else one filled
    from their consent cookie)."""
    request = context.get("request")
    held_id = held_comment_from_token(request.GET.get(HELD_PARAM, "")) if request else None
    thread, count = comment_thread(article=article, held_comment_id=held_id)
    submitted = context.get("comment_form")
    reply_to = None
    if submitted is None:
        remembered = None
        if request is not None:
            remembered = remembered_commenter(request)
            reply_to = _find(thread, request.GET.get("raspunde"))
        form = blank_form(
            article=article.pk,
            parent=reply_to.comment.pk if reply_to is not None else None,
            remembered=remembered,
        )
    else:
        form = shown_form(submitted)
        if submitted.data.get("parent"):
            reply_to = _find(thread, submitted.data.get("parent"))
    return render_fragment(
        "comments/article_comments.html",
        {
            "article": article,
            "thread": thread,
            "count": count,
            "form": form,
            "comment_error": context.get("comment_error", ""),
            "reply_to": reply_to,
            "max_depth": settings.GAZETA_COMMENT_MAX_DEPTH,
            # Each reply link's label, translated once for the whole thread.
            "reply_to_label": render_scope.gettext("Reply to %(name)s"),
            "comments_open": policy.comments_open(article),
            "request": request,
        },
    )


def _find(nodes, raw_id):
    try:
        wanted = int(raw_id)
    except (TypeError, ValueError):
        return None
    for node in nodes:
        if node.comment.pk == wanted and not node.is_own_held:
            return node
        found = _find(node.replies, wanted)
        if found is not None:
            return found
    return None


def register(env) -> None:
    env.globals.update(article_comments=article_comments)
    env.filters.update(http_url=safe_website)
