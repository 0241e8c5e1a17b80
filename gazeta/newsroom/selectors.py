"""Reads that assemble a page from several models."""

from datetime import datetime, timedelta
from functools import cache as once_per_shape

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from gazeta.core.prepared import PreparedQuery, all_together, attach_prefetched

from .models import (
    Article,
    ArticleViewCount,
    Correction,
    Tag,
    bylines_in_order,
    credits_in_order,
    ranked_by_shared_tags,
    related_span,
)
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


# The article page for readers: what ``Article.objects.for_detail().with_public_corrections()``
# reads, as queries built once per process (see core/prepared.py; the tests compare the two).
_ARTICLE = PreparedQuery(
    lambda slug, now: (
        Article.objects.published(now=now)
        .select_related("section", "featured_image")
        .filter(slug=slug)
    ),
    slug=str,
    now=datetime,
)
_BYLINES = PreparedQuery(lambda article: bylines_in_order().filter(article_id=article), article=int)
_CREDITS = PreparedQuery(lambda article: credits_in_order().filter(article_id=article), article=int)
_TAGS = PreparedQuery(lambda article: Tag.objects.filter(articles__id=article), article=int)
_CORRECTIONS = PreparedQuery(
    lambda article, now: Correction.objects.public(now=now).filter(article_id=article),
    article=int,
    now=datetime,
)


def published_article_for_page(slug: str) -> Article | None:
    """The published article at ``slug`` with its section, featured image, bylines, credits,
    topics and public corrections (``for_detail().with_public_corrections()``), or None.
    The last four are read together (one round trip on PostgreSQL)."""
    now = timezone.now()
    article = _ARTICLE.first(slug=slug, now=now)
    if article is None:
        return None
    bylines, credits, tags, corrections = all_together(
        (_BYLINES, {"article": article.pk}),
        (_CREDITS, {"article": article.pk}),
        (_TAGS, {"article": article.pk}),
        (_CORRECTIONS, {"article": article.pk, "now": now}),
    )
    attach_prefetched(article, "bylines", bylines)
    attach_prefetched(article, "credits", credits)
    attach_prefetched(article, "tags", tags)
    attach_prefetched(article, "corrections", corrections)
    return article


def _related_cards(now):
    return (
        Article.objects.published(now=now)
        .select_related("section")
        .only(*RELATED_CARD_FIELDS)
        .order_by("-published_at", "-id")
    )


# How many of the articles sharing most tags "Read also" looks at, for each place it fills:
# the articles a link names are read only for these (see ``ranked_by_shared_tags``).
RELATED_CANDIDATES_PER_PLACE = 2


@once_per_shape
def _sharing_tags_query(tag_count: int, limit: int, *, first_ranked: bool) -> PreparedQuery:
    """Articles sharing any of ``tag_count`` tags (one prepared query per count and limit).
    With ``first_ranked``, only among the ``limit × RELATED_CANDIDATES_PER_PLACE`` first of
    the ranking the topic links give alone, published up to ``now``: on a busy topic that
    reads a handful of articles instead of every one in the window (on the 1M PostgreSQL
    corpus, 8 instead of 280: 0.29 ms instead of 0.95 ms, each with its generic plan)."""
    names = [f"tag{i}" for i in range(tag_count)]

    def build(now, article, since, until=None, ranked_until=None, **tags):
        tag_ids = [tags[name] for name in names]
        if not first_ranked:
            return _related_cards(now).sharing_tags(
                tag_ids, exclude=article, since=since, until=until
            )[:limit]
        # Published means published by now: later links cannot name a published article.
        among = ranked_by_shared_tags(
            tag_ids,
            exclude=article,
            since=since,
            until=ranked_until,
            count=limit * RELATED_CANDIDATES_PER_PLACE,
        )
        # The ranked articles are in the window already, and every link of an article carries
        # its publication time: counting their links needs no window, and without one both
        # databases count them by article (the unique index; PostgreSQL's plan on the 1M
        # corpus, SQLite's on the 1k one) instead of reading the tags' window a second time
        # (SQLite: 4,100 steps instead of 6,500).
        return _related_cards(now).sharing_tags(tag_ids, exclude=article, among=among)[:limit]

    types = dict(now=datetime, article=int, since=datetime)
    if first_ranked:
        types["ranked_until"] = datetime
    else:
        types["until"] = datetime
    return PreparedQuery(build, **types, **dict.fromkeys(names, int))


@once_per_shape
def _same_section_query(shown_count: int, limit: int) -> PreparedQuery:
    """The newest of a section but ``shown_count`` articles (one prepared query per count)."""
    names = [f"shown{i}" for i in range(shown_count)]
    return PreparedQuery(
        lambda now, section, **shown: (
            _related_cards(now)
            .in_section(section)
            .exclude(pk__in=[shown[name] for name in names])[:limit]
        ),
        now=datetime,
        section=int,
        **dict.fromkeys(names, int),
    )


# More topics than this on one article is rare: read with the ORM rather than prepare more.
RELATED_PREPARED_TAGS = 12


def article_related(*, article: Article, limit: int = 4) -> list[Article]:
    """Published articles to read after ``article``: those published within
    ``GAZETA_RELATED_WINDOW_DAYS`` of it that share the most tags with it (newest first among
    equals), then the newest of its section; never itself. One query when shared tags fill
    the list (read among the first of the topic links' ranking), at most three whatever the
    archive size: the whole ranking is read only when that leaves places empty, the section
    only when shared tags do. Each query is built once per shape (core/prepared.py)."""
    now = timezone.now()
    within = timedelta(days=settings.GAZETA_RELATED_WINDOW_DAYS)
    tag_ids = [tag.pk for tag in article.tags.all()]
    related = []
    if len(tag_ids) > RELATED_PREPARED_TAGS:
        related = list(_related_cards(now).related_to(article, within=within)[:limit])
    elif tag_ids:
        since, until = related_span(article, within)
        values = dict(
            now=now,
            article=article.pk,
            since=since,
            until=until,
            **{f"tag{i}": pk for i, pk in enumerate(tag_ids)},
        )
        related = _sharing_tags_query(len(tag_ids), limit, first_ranked=True).all(
            **values, ranked_until=min(until, now)
        )
        if len(related) < limit:
            # Fewer candidates than places, or some of the first ranked are not published
            # (withdrawn, expired): the whole ranking decides.
            related = _sharing_tags_query(len(tag_ids), limit, first_ranked=False).all(**values)
    if len(related) >= limit:
        return related
    shown = [article.pk, *(a.pk for a in related)]
    return [
        *related,
        *_same_section_query(len(shown), limit - len(related)).all(
            now=now,
            section=article.section_id,
            **{f"shown{i}": pk for i, pk in enumerate(shown)},
        ),
    ]


MOST_READ_CACHE_SECONDS = 60


CARDS_QUERY_STEP = 8


@once_per_shape
def _published_cards_query(count: int) -> PreparedQuery:
    """The cards of ``count`` articles by id (one prepared query per count)."""
    names = [f"article{i}" for i in range(count)]
    return PreparedQuery(
        lambda now, **ids: (
            Article.objects.published(now=now)
            .for_listing()
            .filter(pk__in=[ids[name] for name in names])
            .defer("body")
        ),
        now=datetime,
        **dict.fromkeys(names, int),
    )


def published_cards(ids: list[int], *, now: datetime) -> dict[int, Article]:
    """The cards (``for_listing()``, without the body) of the articles of ``ids`` that are
    published at ``now``, by id. One query; none for no ids."""
    if not ids:
        return {}
    # Padded to a multiple of CARDS_QUERY_STEP with the last id, so that a few prepared
    # queries serve every count.
    padded = [*ids, *[ids[-1]] * (-len(ids) % CARDS_QUERY_STEP)]
    found = _published_cards_query(len(padded)).all(
        now=now, **{f"article{i}": pk for i, pk in enumerate(padded)}
    )
    return {card.pk: card for card in found}


def articles_most_read(*, limit: int = 5, hours: int = 24) -> list[Article]:
    """The published articles with the most views in the last ``hours``, newest first among
    equals. The ranking is cached for a minute and the cards are read fresh (one query), so
    an unpublished article leaves the list at once. Working the ranking out takes one more
    query, over the window's view counts alone (their hour index), each checked against
    the one definition of published."""
    key = f"newsroom:most-read:{limit}:{hours}"
    now = timezone.now()
    ranking = cache.get(key)
    if not ranking:
        since = hour_of(now) - timedelta(hours=hours - 1)
        live = Article.objects.published(now=now).filter(pk=OuterRef("article_id"))
        ranking = list(
            ArticleViewCount.objects.filter(Exists(live), hour__gte=since)
            .values("article")
            .annotate(recent_views=Sum("views"))
            .order_by("-recent_views", "-article__published_at", "-article")
            .values_list("article", flat=True)[:limit]
        )
        if not ranking:  # an empty ranking is cheap to work out again and fills up soon
            return []
        cache.set(key, ranking, MOST_READ_CACHE_SECONDS)
    cards = published_cards(ranking, now=now)
    return [cards[pk] for pk in ranking if pk in cards]
