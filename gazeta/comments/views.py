import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import OperationalError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gazeta.core.cache import private_no_cache
from gazeta.core.db import one_sqlite_writer_per_process
from gazeta.core.http import client_ip
from gazeta.newsroom.models import Article

from .forms import CommentForm
from .models import Comment
from .personal import HELD_PARAM, held_comment_token, remember_commenter
from .policy import CommentRefused
from .services import comment_submit

logger = logging.getLogger(__name__)


def is_same_origin(request) -> bool:
    """Cross-site request forgery check that keeps article pages free of per-reader tokens
    (so they can be cached and served as files): browsers say where a POST comes from in
    ``Sec-Fetch-Site`` or ``Origin``; older ones at least in ``Referer``."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin or origin == "null":
        return False
    netloc = urlsplit(origin).netloc
    allowed = {request.get_host(), urlsplit(settings.GAZETA_SITE_URL).netloc}
    allowed.update(urlsplit(o).netloc for o in settings.CSRF_TRUSTED_ORIGINS)
    return netloc in allowed


def render_form_again(request, article, form, *, status: int, message: str = ""):
    """The article page with the reader's form, their text intact, and what went wrong."""
    response = render(
        request,
        "newsroom/article_detail.html",
        {"article": article, "object": article, "comment_form": form, "comment_error": message},
        status=status,
    )
    return private_no_cache(response)


def render_retry(request, form):
    """The reader's text in a page that needs no database: when the database cannot answer
    at all, the article page cannot be drawn, but nothing the reader typed is lost."""
    response = render(request, "comments/retry.html", {"form": form}, status=503)
    response["Retry-After"] = "5"
    return private_no_cache(response)


def _article_or_404(raw_id) -> Article:
    try:
        article_id = int(raw_id)
    except (TypeError, ValueError):
        raise Http404("No article.") from None
    article = (
        Article.objects.for_detail().with_public_corrections().published().filter(pk=article_id)
    ).first()
    if article is None:
        raise Http404("No article.")
    return article


@csrf_exempt  # Replaced by the same-origin check below; see is_same_origin.
@require_POST
def comment_post(request):
    form = CommentForm(request.POST)
    try:
        article = _article_or_404(request.POST.get("article"))
    except OperationalError:
        logger.warning("Comment not stored: database unavailable", exc_info=True)
        return render_retry(request, form)
    if not is_same_origin(request):
        return render_form_again(
            request,
            article,
            form,
            status=403,
            message=_("Your comment could not be verified. Please send it again from the page."),
        )
    if not form.is_valid():
        return render_form_again(request, article, form, status=400)
    data = form.cleaned_data
    try:
        with one_sqlite_writer_per_process():
            comment = comment_submit(
                article=article,
                parent_id=data.get("parent"),
                name=data["name"],
                email=data["email"],
                website=data.get("website", ""),
                body=data["body"],
                notify_replies=data.get("notify_replies", False),
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:255],
                user=request.user,
            )
    except CommentRefused as refused:
        response = render_form_again(
            request, article, form, status=refused.status, message=str(refused.message)
        )
        if refused.status == 429:
            response["Retry-After"] = str(settings.GAZETA_COMMENT_FLOOD_SECONDS)
        return response
    except OperationalError:
        logger.warning("Comment not stored: database busy", exc_info=True)
        try:
            response = render_form_again(
                request,
                article,
                form,
                status=503,
                message=_("We could not save your comment just now. Please send it again."),
            )
        except OperationalError:
            return render_retry(request, form)
        response["Retry-After"] = "5"
        return response

    url = article.get_absolute_url()
    if comment.status == Comment.Status.APPROVED:
        target = f"{url}#comment-{comment.pk}"
    else:
        target = f"{url}?{HELD_PARAM}={held_comment_token(comment)}#comment-{comment.pk}"
    response = HttpResponseRedirect(target, status=303)
    remember_commenter(request, response, data)
    return response
