"""Reads that assemble the home page."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache as once_per_shape

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from gazeta.core.prepared import PreparedQuery, all_together
from gazeta.newsroom.models import Article, Section
from gazeta.newsroom.selectors import published_cards

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


# The home page's queries, built once per process and shape (see core/prepared.py): compiling
# the candidates' union anew cost Django about three quarters of an uncached home page.
_SECTIONS = PreparedQuery(lambda: Section.objects.all())
_BANNERS = PreparedQuery(
    lambda now: (
        Banner.objects.not_expired(now=now)
        .with_article_live(now=now)
        .select_related("article__section")
    ),
    now=datetime,
)


@once_per_shape
def _slots_query(positions: tuple[int, ...]) -> PreparedQuery:
    """The pinned slots (read by slot position, a unique index: the slots table is the one
    scanned, never the articles, even where the database knows nothing of their sizes)."""
    return PreparedQuery(
        lambda now: (
            HomeSlot.objects.filter(position__in=positions)
            .pinned(now=now)
            .with_article_live(now=now)
            .select_related("article__section")
        ),
        now=datetime,
    )


@once_per_shape
def _candidates_query(section_count: int, slot_count: int, latest_count: int, per_section: int):
    """Every candidate for a card, newest first, in one query: for each list, its newest
    articles plus as many as the lists filled before it can take away (slots, then latest).
    Only what choosing needs is read (section, featured mark): most candidates are not shown,
    and the chosen ones are read as cards afterwards."""
    names = [f"section{i}" for i in range(section_count)]

    def build(now, **sections):
        published = Article.objects.published(now=now).for_listing()
        candidates = [
            published.filter(is_featured=True)[:slot_count],
            published[: slot_count + latest_count],
            *(
                published.filter(section=sections[name])[: slot_count + latest_count + per_section]
                for name in names
            ),
        ]
        return (
            Article.objects.filter(pk__in=_ids_of_any(candidates))
            .order_by("-published_at", "-id")
            .only("section", "is_featured")
        )

    return PreparedQuery(build, now=datetime, **dict.fromkeys(names, int))


def home_page_stories() -> HomePage:
    """The home page in one pass: the pinned slots (top story and featured stories), then
    the rules for empty, expired or not-live slots (the newest ``is_featured`` articles; the
    newest article for the top story), the latest articles, and one block of the newest per
    section. No article appears twice. Five queries in three round trips whatever the number
    of sections, slots or articles: sections; pins, banners and every candidate at once (one
    round trip on PostgreSQL); the cards of the chosen candidates."""
    now = timezone.now()
    positions = slot_positions()
    latest_count = settings.GAZETA_HOME_LATEST_COUNT
    per_section = settings.GAZETA_HOME_SECTION_COUNT

    sections = _SECTIONS.all()
    candidates_query = _candidates_query(len(sections), len(positions), latest_count, per_section)
    slots, banners, candidates = all_together(
        (_slots_query(tuple(positions)), {"now": now}),
        (_BANNERS, {"now": now}),
        (
            candidates_query,
            {"now": now, **{f"section{i}": section.pk for i, section in enumerate(sections)}},
        ),
    )

    pinned = {s.position: s.article for s in slots if s.article_is_live}
    pinned_ids = frozenset(article.pk for article in pinned.values())
    shown = set(pinned_ids)

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

    flagged = [a for a in candidates if a.is_featured]
    filled: dict[int, Article] = {}
    for position in positions:
        chosen = [pinned[position]] if position in pinned else take(flagged, 1)
        if not chosen and position == TOP_STORY:
            chosen = take(candidates, 1)
        if chosen:
            filled[position] = chosen[0]

    latest = take(candidates, latest_count)
    chosen_sections = []
    for section in sections:
        articles = take((a for a in candidates if a.section_id == section.pk), per_section)
        if articles:
            chosen_sections.append((section, articles))

    # The chosen candidates as cards (pinned articles came whole with their slots).
    chosen = [*filled.values(), *latest, *(a for _, articles in chosen_sections for a in articles)]
    cards = published_cards([a.pk for a in chosen if a.pk not in pinned_ids], now=now)
    cards.update({article.pk: article for article in pinned.values()})

    def as_cards(articles):
        return [cards[a.pk] for a in articles if a.pk in cards]

    filled = {position: cards[a.pk] for position, a in filled.items() if a.pk in cards}
    return HomePage(
        top_story=filled.get(TOP_STORY),
        featured=[filled[p] for p in positions if p != TOP_STORY and p in filled],
        latest=as_cards(latest),
        sections=[
            SectionBlock(section=section, articles=as_cards(articles))
            for section, articles in chosen_sections
        ],
        banner=_banner(banners, now),
        next_change_at=_next_change(slots, banners, now),
        pinned_ids=pinned_ids,
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
