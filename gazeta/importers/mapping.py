"""Pure functions between the JSON Lines format and Gazeta's models: a parsed item to the
values a newsroom or comment service takes, and a stored article back to a record."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from gazeta.core.text import normalize_romanian, romanian_slugify, strip_control_chars

from .parsers.jsonl import ArticleItem, CommentItem

# What ``unique_slug`` in newsroom.services starts from before numbering collisions.
ARTICLE_SLUG_MAX_LENGTH = 80
ARTICLE_SLUG_FALLBACK = "article"
# Article columns an import sets besides ``revised_at`` (see ``keeps_stored_revision``);
# an existing article whose values all match is unchanged.
IMPORTED_ARTICLE_FIELDS = (
    "headline",
    "slug",
    "external_id",
    "section_id",
    "status",
    "published_at",
    "standfirst",
    "body",
    "is_featured",
    "comments_open",
)


def stored_text(value: str) -> str:
    """``value`` as a text column stores it (comma-below diacritics, no control characters)."""
    return normalize_romanian(strip_control_chars(value))


def derived_slug(title: str) -> str:
    """The slug a new article called ``title`` gets when no other article holds it."""
    return romanian_slugify(stored_text(title), max_length=ARTICLE_SLUG_MAX_LENGTH) or (
        ARTICLE_SLUG_FALLBACK
    )


def is_derived_slug(slug: str, base: str) -> bool:
    """``slug`` is ``base`` or one of its numbered variants (``base-2``, ``base-3``…)."""
    if slug == base:
        return True
    prefix, _, number = slug.rpartition("-")
    return prefix == base and number.isdigit()


def keeps_stored_revision(stored: datetime | None, given: datetime | None) -> bool:
    """Whether an article's stored "updated" time stands against the ``given`` one when
    nothing else changed: the same time, or a later one than the line's (Gazeta marked the
    article updated after the source did, e.g. ``article_save`` when a re-import changed the
    text but not the time). An import never moves that time back on its own."""
    if stored == given:
        return True
    return stored is not None and (given is None or given < stored)


def article_values(item: ArticleItem) -> dict[str, Any]:
    """Article field values (other than section, slug and external id) for ``item``."""
    return {
        "headline": item.title,
        "standfirst": item.lead,
        "body": item.body_html,
        "status": item.status,
        "published_at": item.published_at,
        "revised_at": item.updated_at,
        "is_featured": item.featured,
        "comments_open": item.comments_open,
    }


def comment_values(item: CommentItem) -> dict[str, Any]:
    """Keyword arguments for ``comment_import`` (besides article and parent)."""
    return {
        "name": item.name,
        "email": item.email,
        "website": item.website,
        "body": item.body,
        "status": item.status,
        "created_at": item.created_at,
    }


def unique_in_order(objects: Iterable[Any]) -> list[Any]:
    """``objects`` without repeats (by primary key), first occurrence kept."""
    seen: set[Any] = set()
    kept = []
    for obj in objects:
        if obj.pk not in seen:
            seen.add(obj.pk)
            kept.append(obj)
    return kept


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with the site time zone's offset: ``2024-11-01T17:21:00+02:00``."""
    return timezone.localtime(value).isoformat() if value else None


def article_record(article, *, authors, agencies, tags, comments) -> dict[str, Any]:
    """The record for ``article``: ordered ``authors`` and ``agencies``, any ``tags``, and all
    its ``comments`` (oldest first) nested as replies. Keys with no value are left out."""
    record: dict[str, Any] = {"title": article.headline, "slug": article.slug}
    if article.external_id:
        record["external_id"] = article.external_id
    record["section"] = article.section.name
    record["status"] = article.status
    if article.published_at:
        record["published_at"] = isoformat(article.published_at)
    if article.revised_at:
        record["updated_at"] = isoformat(article.revised_at)
    record["byline"] = [author.name for author in authors]
    record["sources"] = [agency.name for agency in agencies]
    record["tags"] = sorted(tag.name for tag in tags)
    record["featured"] = article.is_featured
    record["comments_open"] = article.comments_open
    record["lead"] = article.standfirst
    record["body_html"] = article.body
    record["comments"] = comment_records(comments)
    return record


def comment_records(comments: Iterable[Any]) -> list[dict[str, Any]]:
    """Comments of one article, oldest first, as a list of records with nested ``replies``.
    A reply whose parent is not among ``comments`` is kept at the top level."""
    comments = list(comments)
    records = {c.pk: comment_record(c) for c in comments}
    roots = []
    for comment in comments:
        parent = records.get(comment.parent_id) if comment.parent_id else None
        if parent is None:
            roots.append(records[comment.pk])
        else:
            parent.setdefault("replies", []).append(records[comment.pk])
    return roots


def comment_record(comment) -> dict[str, Any]:
    record: dict[str, Any] = {"name": comment.name, "email": comment.email}
    if comment.website:
        record["website"] = comment.website
    record["body"] = comment.body
    record["created_at"] = isoformat(comment.created_at)
    record["status"] = comment.status
    return record
