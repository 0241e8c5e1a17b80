from django import template
from django.conf import settings

from gazeta.comments.forms import CommentForm
from gazeta.comments.personal import HELD_PARAM, held_comment_from_token, remembered_commenter
from gazeta.comments.policy import policy
from gazeta.comments.selectors import comment_thread
from gazeta.comments.text import safe_website

register = template.Library()


@register.inclusion_tag("comments/article_comments.html", takes_context=True)
def article_comments(context, article):
    """The comments area of an article page: the approved thread (one query), the reader's
    own held comment when their link carries its token, and the form (the reader's bound
    form after a failed submit, else one filled from their consent cookie)."""
    request = context.get("request")
    held_id = held_comment_from_token(request.GET.get(HELD_PARAM, "")) if request else None
    thread, count = comment_thread(article=article, held_comment_id=held_id)
    form = context.get("comment_form")
    reply_to = None
    if form is None:
        initial = {"article": article.pk}
        if request is not None:
            initial |= remembered_commenter(request)
            reply_to = _reply_target(request, thread)
            if reply_to is not None:
                initial["parent"] = reply_to.comment.pk
        form = CommentForm(initial=initial)
    elif form.data.get("parent"):
        reply_to = _find(thread, form.data.get("parent"))
    return {
        "article": article,
        "thread": thread,
        "count": count,
        "form": form,
        "comment_error": context.get("comment_error", ""),
        "reply_to": reply_to,
        "max_depth": settings.GAZETA_COMMENT_MAX_DEPTH,
        "comments_open": policy.comments_open(article),
        "request": request,
    }


def _reply_target(request, thread):
    return _find(thread, request.GET.get("raspunde"))


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


@register.filter
def http_url(value):
    """The commenter's website only when it is http(s): Django's escaping does not stop
    ``javascript:`` in an ``href``."""
    return safe_website(value)
