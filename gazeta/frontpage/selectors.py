"""Reads that assemble the home page."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from gazeta.newsroom.models import Article, Section

from .models import TOP_STORY, Banner, HomeSlot, slot_positions


@dataclass
class SectionBlock:
    section: Section
    articles: list[Article]


@dataclass
class BreakingNews:
    text: str
    url: str


@dataclass
class HomePage:
    top_story: Article | None
    featured: list[Article]
    latest: list[Article]
    sections: list[SectionBlock]
    banner: BreakingNews | None = None
    # The next moment at which time alone changes the page (a pin or a banner starting or
    # ending): caches must not keep the page past it.
    next_change_at: datetime | None = None
    # Articles on the page because an editor pinned them (the rest were chosen by rules).
    pinned_ids: frozenset[int] = frozenset()

    def articles(self) -> list[Article]:
        """Every article card on the page, in page order."""
        return [
            *([self.top_story] if self.top_story else []),
            *self.featured,
            *self.latest,
            *(a for block in self.sections for a in block.articles),
        ]


def _ids_of_any(querysets: list[QuerySet]) -> QuerySet:
    """One subquery of the primary keys that any of the (sliced) ``querysets`` selects.
    SQLite refuses LIMIT inside UNION, so each part keeps its LIMIT in an IN (…) of its own
    and the parts are united unsliced; both databases then look rows up by primary key."""
    parts = [
        Article.objects.filter(pk__in=queryset.values("pk")).order_by().values("pk")
        for queryset in querysets
    ]
    first, *rest = parts
    return first.union(*rest, all=True) if rest else first


def home_page_stories() -> HomePage:
    """The home page in one pass: the pinned slots (top story and featured stories), then
    the rules for empty, expired or not-live slots (the newest ``is_featured`` articles; the
    newest article for the top story), the latest articles, and one block of the newest per
    section. No article appears twice. Four queries whatever the number of sections, slots
    or articles: pins, banners, sections, and every candidate card at once."""
    now = timezone.now()
    positions = slot_positions()
    latest_count = settings.GAZETA_HOME_LATEST_COUNT
    per_section = settings.GAZETA_HOME_SECTION_COUNT

    # Read by slot position (a unique index): the slots table is the one scanned, never
    # the articles, even where the database knows nothing of their sizes.
    slots = list(
        HomeSlot.objects.filter(position__in=positions)
        .pinned(now=now)
        .with_article_live(now=now)
        .select_related("article__section")
    )
    banners = list(
        Banner.objects.not_expired(now=now)
        .with_article_live(now=now)
        .select_related("article__section")
    )
    sections = list(Section.objects.all())

    # Every candidate card, newest first, in one query: for each list, its newest articles
    # plus as many as the lists filled before it can take away (slots, then latest).
    published = Article.objects.published(now=now).for_listing()
    slot_count = len(positions)
    candidates = [
        published.filter(is_featured=True)[:slot_count],
        published[: slot_count + latest_count],
        *(
            published.filter(section=section)[: slot_count + latest_count + per_section]
            for section in sections
        ),
    ]
    cards = list(Article.objects.for_listing().filter(pk__in=_ids_of_any(candidates)).defer("body"))

    pinned = {s.position: s.article for s in slots if s.article_is_live}
    shown = {article.pk for article in pinned.values()}

    def take(articles, count: int) -> list[Article]:
        """The first ``count`` of ``articles`` not shown yet, now marked shown."""
        taken = []
        for article in articles:
            if len(taken) == count:
                break
            if article.pk not in shown:
                shown.add(article.pk)
                taken.append(article)
        return taken

    flagged = [a for a in cards if a.is_featured]
    filled: dict[int, Article] = {}
    for position in positions:
        chosen = [pinned[position]] if position in pinned else take(flagged, 1)
        if not chosen and position == TOP_STORY:
            chosen = take(cards, 1)
        if chosen:
            filled[position] = chosen[0]

    latest = take(cards, latest_count)
    blocks = []
    for section in sections:
        articles = take((a for a in cards if a.section_id == section.pk), per_section)
        if articles:
            blocks.append(SectionBlock(section=section, articles=articles))

    return HomePage(
        top_story=filled.get(TOP_STORY),
        featured=[filled[p] for p in positions if p != TOP_STORY and p in filled],
        latest=latest,
        sections=blocks,
        banner=_banner(banners, now),
        next_change_at=_next_change(slots, banners, now),
        pinned_ids=frozenset(article.pk for article in pinned.values()),
    )


def _banner(banners: list[Banner], now) -> BreakingNews | None:
    """The active banner that started last (``banners`` are newest first)."""
    for banner in banners:
        if banner.starts_at <= now:
            if banner.article_id:
                url = banner.article.get_absolute_url() if banner.article_is_live else ""
            else:
                url = banner.url
            return BreakingNews(text=banner.text, url=url)
    return None


def _next_change(slots: list[HomeSlot], banners: list[Banner], now) -> datetime | None:
    moments = [b.starts_at if b.starts_at > now else b.expires_at for b in banners]
    moments += [s.pinned_until for s in slots if s.pinned_until]
    moments += [
        s.article.published_at
        for s in slots
        if not s.article_is_live and s.article.published_at and s.article.published_at > now
    ]
    return min(moments, default=None)
