from django import template

from gazeta.comments.selectors import comment_thread

register = template.Library()


@register.inclusion_tag("comments/article_comments.html", takes_context=True)
def article_comments(context, article):
    """The comments area of an article page: the approved thread (one query) and the form."""
    thread, count = comment_thread(article=article)
    return {"article": article, "thread": thread, "count": count, "request": context.get("request")}
