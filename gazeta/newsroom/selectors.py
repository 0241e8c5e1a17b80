"""Reads that assemble a page from several models."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch

from .models import Article, Byline, Section


@dataclass
class SectionBlock:
    section: Section
    articles: list[Article]


@dataclass
class HomePage:
    top_story: Article | None
    latest: list[Article]
    sections: list[SectionBlock]


def home_page_stories() -> HomePage:
    """The front page: the newest featured article as top story (else the newest), the latest
    articles after it, and a block of newest articles per section. No article appears twice
    in the top story and latest list. Queries: 2 + one per section, whatever the archive size."""
    published = Article.objects.published().for_listing()
    latest_count = settings.GAZETA_HOME_LATEST_COUNT
    top_story = published.filter(is_featured=True).first()
    candidates = list(published[: latest_count + 1])
    if top_story is None and candidates:
        top_story = candidates[0]
    latest = [a for a in candidates if top_story is None or a.pk != top_story.pk][:latest_count]
    shown = {a.pk for a in latest} | ({top_story.pk} if top_story else set())
    blocks = []
    per_section = settings.GAZETA_HOME_SECTION_COUNT
    for section in Section.objects.all():
        articles = list(published.filter(section=section).exclude(pk__in=shown)[:per_section])
        if articles:
            blocks.append(SectionBlock(section=section, articles=articles))
    return HomePage(top_story=top_story, latest=latest, sections=blocks)


def with_bylines(queryset):
    """Prefetch the ordered bylines a card or article page shows (one extra query)."""
    return queryset.prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("position"))
    )
