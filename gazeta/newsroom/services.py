"""Writes to the newsroom that have consequences. Admin, importers and commands call these."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from gazeta.core.text import normalize_romanian, romanian_slugify

from .models import Agency, Article, ArticleRedirect, Author, Byline, Credit, Section, Tag
from .search import search_index_remove, search_index_update

# Names are normalised first, so the cedilla spelling never reaches this check.
DESK_PREFIXES = ("redacția", "redactia")


def unique_slug(model, text: str, *, exclude_pk=None, max_length: int = 80) -> str:
    """An ASCII slug for ``text`` not yet used by another row of ``model`` (``-2``, ``-3``…)."""
    base = romanian_slugify(text, max_length=max_length) or model._meta.model_name
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _named_get_or_create(model, *, name: str, **defaults):
    """The ``model`` row whose slug is that of ``name``, created (and validated, so a name
    that is too long is a clear error) when missing."""
    name = normalize_romanian(name.strip())
    slug = romanian_slugify(name)
    row = model.objects.filter(slug=slug).first()
    if row is None:
        row = model(name=name, slug=slug, **defaults)
        row.full_clean(validate_unique=False)
        row.save()
    return row


def section_get_or_create(*, name: str) -> Section:
    """The section called ``name`` (matched by slug), created when missing."""
    return _named_get_or_create(Section, name=name)


def author_get_or_create(*, name: str) -> Author:
    """The author or desk called ``name``; names starting with “Redacția” are desks."""
    is_desk = normalize_romanian(name.strip()).lower().startswith(DESK_PREFIXES)
    return _named_get_or_create(Author, name=name, is_desk=is_desk)


def agency_get_or_create(*, name: str) -> Agency:
    """The wire agency called ``name``, created when missing."""
    return _named_get_or_create(Agency, name=name)


def tag_get_or_create(*, name: str) -> Tag:
    """The tag called ``name``, created when missing."""
    return _named_get_or_create(Tag, name=name)


@transaction.atomic
def article_save(
    *,
    article: Article,
    authors: Iterable[Author] | None = None,
    agencies: Iterable[Agency] | None = None,
    tags: Iterable[Tag] | None = None,
) -> Article:
    """Save ``article`` with a unique ASCII slug and, when given, its ordered bylines, wire
    credits and tags. A published article whose address changes keeps its old address as a
    301; a published article whose text changes gets an "updated" time. The search index
    follows in the same transaction."""
    previous = None
    if article.pk:
        previous = (
            Article.objects.select_related("section")
            .filter(pk=article.pk)
            .only(
                "slug",
                "section__slug",
                "status",
                "published_at",
                "revised_at",
                "headline",
                "standfirst",
                "body",
            )
            .first()
        )
    article.normalize_text_fields()
    if not article.slug:
        article.slug = unique_slug(Article, article.headline, exclude_pk=article.pk)
    if previous is not None and previous.is_published:
        old_path = previous.get_absolute_url()
        if old_path != article.get_absolute_url():
            ArticleRedirect.objects.update_or_create(
                old_path=old_path, defaults={"article": article}
            )
        text_changed = (previous.headline, previous.standfirst, previous.body) != (
            article.headline,
            article.standfirst,
            article.body,
        )
        # Leave an "updated" time the caller set itself (an import) alone.
        if text_changed and article.revised_at == previous.revised_at:
            article.revised_at = timezone.now()
    article.full_clean(exclude=["slug", "authors", "agencies", "tags"], validate_unique=False)
    article.save()
    search_index_update(articles=[article])
    # A redirect never shadows the article's own current address.
    ArticleRedirect.objects.filter(old_path=article.get_absolute_url()).delete()
    if authors is not None:
        article.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=article, author=a, position=i) for i, a in enumerate(authors)
        )
    if agencies is not None:
        article.credits.all().delete()
        Credit.objects.bulk_create(
            Credit(article=article, agency=a, position=i) for i, a in enumerate(agencies)
        )
    if tags is not None:
        article.tags.set(list(tags))
    return article


@transaction.atomic
def article_delete(*, article: Article) -> None:
    """Delete ``article`` (its bylines, credits, old addresses and comments go with it) and
    drop it from the search index."""
    search_index_remove(article_ids=[article.pk])
    article.delete()
