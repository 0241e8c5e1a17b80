"""Running JSON Lines imports and exports: the import commands call these and nothing else.

Import reads one line at a time, each line in its own transaction, and upserts the article
(by external id, then explicit slug, then derived slug with the same title), so running the
same file twice stores nothing twice. A bad line is reported and skipped."""

import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, TextIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from tqdm import tqdm

from gazeta.comments.models import Comment
from gazeta.comments.services import comment_import
from gazeta.newsroom.models import Article, Byline, Credit
from gazeta.newsroom.services import (
    agency_get_or_create,
    article_save,
    author_get_or_create,
    section_get_or_create,
    tag_get_or_create,
)

from .mapping import (
    IMPORTED_ARTICLE_FIELDS,
    article_record,
    article_values,
    comment_values,
    derived_slug,
    is_derived_slug,
    keeps_stored_revision,
    stored_text,
    unique_in_order,
)
from .models import ImportRun
from .parsers.jsonl import ArticleItem, CommentItem, dump_line, read_lines

logger = logging.getLogger(__name__)

STDIN = "-"
EXPORT_CHUNK_SIZE = 200


class ImportConflict(Exception):
    """A line that would overwrite a different article."""


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    comments_added: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.failed} failed; {self.comments_added} "
            f"comment{'' if self.comments_added == 1 else 's'} added"
        )


@dataclass(frozen=True)
class LineError:
    number: int
    message: str

    def __str__(self) -> str:
        return f"line {self.number}: {self.message}"


@dataclass(frozen=True)
class Input:
    lines: Iterable[bytes | str]
    name: str
    size: int | None


@contextmanager
def open_input(path: str, *, stdin: IO | None = None) -> Iterator[Input]:
    """The lines of ``path`` read as bytes, or of standard input (or ``stdin``) for ``-``.
    Raises ``OSError`` when the file cannot be opened."""
    if path == STDIN:
        stream = stdin if stdin is not None else sys.stdin
        yield Input(lines=getattr(stream, "buffer", stream), name=STDIN, size=None)
        return
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        yield Input(lines=handle, name=path, size=size or None)


def import_jsonl(
    source: Input,
    *,
    progress: bool = False,
    on_error: Callable[[LineError], None] | None = None,
) -> ImportSummary:
    """Import every line of ``source``, each in its own transaction, and record the run as an
    ``ImportRun``. Bad lines go to ``on_error`` and are counted as failed; the rest are stored.
    ``progress`` shows a bar on standard error."""
    run = ImportRun.objects.create(format="jsonl", source=source.name[:255])
    summary = ImportSummary()
    bar = tqdm(
        total=source.size,
        unit="B",
        unit_scale=True,
        desc="import",
        file=sys.stderr,
        disable=not progress,
    )
    status = ImportRun.Status.INTERRUPTED
    try:
        for line in read_lines(source.lines):
            bar.update(line.size)
            message = line.error
            if line.item is not None:
                try:
                    with transaction.atomic():
                        outcome, added = article_import(line.item)
                except ImportConflict as exc:
                    message = str(exc)
                except ValidationError as exc:
                    message = validation_message(exc)
                except DatabaseError as exc:
                    message = "database refused the article: " + " ".join(str(exc).split())
                else:
                    setattr(summary, outcome.value, getattr(summary, outcome.value) + 1)
                    summary.comments_added += added
            if message is not None:
                summary.failed += 1
                if on_error is not None:
                    on_error(LineError(line.number, message))
        status = ImportRun.Status.FINISHED
    finally:
        bar.close()
        ImportRun.objects.filter(pk=run.pk).update(
            status=status,
            finished_at=timezone.now(),
            articles_created=summary.created,
            articles_updated=summary.updated,
            articles_unchanged=summary.unchanged,
            lines_failed=summary.failed,
            comments_added=summary.comments_added,
        )
    logger.debug("JSON Lines import of %s: %s", source.name, summary)
    return summary


def article_import(item: ArticleItem) -> tuple[Outcome, int]:
    """Create or update the article ``item`` describes, with its bylines, wire credits, tags
    and comments; returns what happened to the article and how many comments were added."""
    article = article_match(item)
    section = section_get_or_create(name=item.section)
    authors = unique_in_order(author_get_or_create(name=name) for name in item.byline)
    agencies = unique_in_order(agency_get_or_create(name=name) for name in item.sources)
    tags = unique_in_order(tag_get_or_create(name=name) for name in item.tags)

    if article is None:
        article = Article(
            **article_values(item),
            section=section,
            slug=item.slug or "",
            external_id=item.external_id,
        )
        article_save(article=article, authors=authors, agencies=agencies, tags=tags)
        outcome = Outcome.CREATED
    else:
        before = article_state(article)
        stored_revision = article.revised_at
        for field, value in article_values(item).items():
            setattr(article, field, value)
        article.section = section
        if item.slug:
            article.slug = item.slug
        if item.external_id:
            article.external_id = item.external_id
        article.normalize_text_fields()
        after = article_state(article, authors=authors, agencies=agencies, tags=tags)
        if after == before and keeps_stored_revision(stored_revision, item.updated_at):
            article.revised_at = stored_revision
            outcome = Outcome.UNCHANGED
        else:
            article_save(article=article, authors=authors, agencies=agencies, tags=tags)
            outcome = Outcome.UPDATED
    return outcome, comments_import(article=article, items=item.comments, parent=None)


def article_match(item: ArticleItem) -> Article | None:
    """The stored article ``item`` describes, if any: same external id; else the article at
    the explicit slug; else, without a slug, the article with the same title at the slug
    derived from it (or a numbered variant). ``ImportConflict`` when the slug is held by an
    article with another external id."""
    if item.external_id:
        article = Article.objects.filter(external_id=item.external_id).first()
        if article is not None:
            if item.slug and Article.objects.filter(slug=item.slug).exclude(pk=article.pk).exists():
                raise ImportConflict(f'slug "{item.slug}" is already used by another article')
            return article
    if item.slug:
        article = Article.objects.filter(slug=item.slug).first()
        if article is not None and _other_identity(article, item):
            raise ImportConflict(
                f'slug "{item.slug}" is already used by the article with external_id '
                f'"{article.external_id}"'
            )
        return article
    title = stored_text(item.title)
    base = derived_slug(title)
    candidates = Article.objects.filter(headline=title, slug__startswith=base).order_by("id")
    for article in candidates:
        if is_derived_slug(article.slug, base) and not _other_identity(article, item):
            return article
    return None


def _other_identity(article: Article, item: ArticleItem) -> bool:
    return bool(
        item.external_id and article.external_id and article.external_id != item.external_id
    )


def article_state(article: Article, *, authors=None, agencies=None, tags=None) -> tuple:
    """What an import can change on ``article`` (besides its "updated" time): its columns,
    ordered authors and agencies, and its set of tags (read from the database unless given)."""
    if authors is None:
        author_ids = list(article.bylines.order_by("position").values_list("author_id", flat=True))
        agency_ids = list(article.credits.order_by("position").values_list("agency_id", flat=True))
        tag_ids = set(article.tags.values_list("pk", flat=True))
    else:
        author_ids = [a.pk for a in authors]
        agency_ids = [a.pk for a in agencies]
        tag_ids = {t.pk for t in tags}
    columns = tuple(getattr(article, field) for field in IMPORTED_ARTICLE_FIELDS)
    return columns, author_ids, agency_ids, tag_ids


def comments_import(
    *, article: Article, items: Iterable[CommentItem], parent: Comment | None
) -> int:
    """Store ``items`` and their replies under ``parent``; returns how many were new."""
    added = 0
    for item in items:
        comment, created = comment_import(article=article, parent=parent, **comment_values(item))
        added += created
        added += comments_import(article=article, items=item.replies, parent=comment)
    return added


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def export_jsonl(output: TextIO, *, status: str | None = None, section: str | None = None) -> int:
    """Write every article (optionally only one ``status`` or one section, by slug or name)
    to ``output`` as JSON Lines, ordered by id, comments nested; returns how many."""
    articles = (
        Article.objects.order_by("id")
        .select_related("section")
        .prefetch_related(
            Prefetch(
                "bylines",
                queryset=Byline.objects.select_related("author").order_by("position", "id"),
            ),
            Prefetch(
                "credits",
                queryset=Credit.objects.select_related("agency").order_by("position", "id"),
            ),
            "tags",
            Prefetch("comments", queryset=Comment.objects.order_by("created_at", "id")),
        )
    )
    if status:
        articles = articles.filter(status=status)
    if section:
        articles = articles.filter(Q(section__slug=section) | Q(section__name=section))
    count = 0
    for article in articles.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        record = article_record(
            article,
            authors=[byline.author for byline in article.bylines.all()],
            agencies=[credit.agency for credit in article.credits.all()],
            tags=article.tags.all(),
            comments=article.comments.all(),
        )
        output.write(dump_line(record))
        count += 1
    return count
