"""Reads that assemble a page from several models."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from .models import Article
from .popularity import hour_of

# What a compact card shows (no picture): fewer columns to read, and to group by when counting
# shared tags.
RELATED_CARD_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "published_at",
    "section__name",
    "section__slug",
)


def article_related(*, article: Article, limit: int = 4) -> list[Article]:
    """Published articles to read after ``article``: those published within
    ``GAZETA_RELATED_WINDOW_DAYS`` of it that share the most tags with it (newest first among
    equals), then the newest of its section; never itself. At most two queries whatever
    the archive size: the section is read only when shared tags leave places empty."""
    published = (
        Article.objects.published()
        .select_related("section")
        .only(*RELATED_CARD_FIELDS)
        .order_by("-published_at", "-id")
    )
    within = timedelta(days=settings.GAZETA_RELATED_WINDOW_DAYS)
    related = list(published.related_to(article, within=within)[:limit])
    if len(related) >= limit:
        return related
    shown = [article.pk, *(a.pk for a in related)]
    same_section = published.in_section(article.section_id).exclude(pk__in=shown)
    return [*related, *same_section[: limit - len(related)]]


MOST_READ_CACHE_SECONDS = 60


def articles_most_read(*, limit: int = 5, hours: int = 24) -> list[Article]:
    """The published articles with the most views in the last ``hours``, newest first among
    equals. One query: the ranking is cached for a minute and the cards are read fresh,
    so an unpublished article leaves the list at once."""
    published = Article.objects.published().for_listing()
    key = f"newsroom:most-read:{limit}:{hours}"
    ranking = cache.get(key)
    if ranking:
        cards = published.in_bulk(ranking)
        return [cards[pk] for pk in ranking if pk in cards]
    since = hour_of(timezone.now()) - timedelta(hours=hours - 1)
    articles = list(
        published.filter(view_counts__hour__gte=since)
        .annotate(recent_views=Sum("view_counts__views"))
        .order_by("-recent_views", "-published_at", "-id")[:limit]
    )
    if articles:  # an empty ranking is cheap to work out again and fills up soon
        cache.set(key, [a.pk for a in articles], MOST_READ_CACHE_SECONDS)
    return articles
