"""Purging page files when content changes: collected per transaction, acted on after commit.

Other code calls ``pages_changed(paths=...)`` (with ``article_pages(article)`` for an article)
or ``articles_changed(ids=...)`` wherever a change escapes the model signals that
``receivers`` listens to, such as ``QuerySet.update()`` or ``bulk_update()``.
"""

import logging
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from . import fanout, files
from .dependencies import (
    article_own_and_feed_pages,
    article_pages,
    authors_pages,
    published_articles,
    section_renamed_pages,
    tags_pages,
)
from .tasks import cdn_purge

__all__ = ["article_pages", "articles_changed", "pages_changed", "purge_enabled"]

logger = logging.getLogger(__name__)


def files_enabled() -> bool:
    return bool(settings.GAZETA_PAGE_FILES) and not settings.DEBUG


def purge_enabled() -> bool:
    """Whether anything would be purged: page files here, or a CDN to tell."""
    return files_enabled() or bool(settings.GAZETA_CDN_PURGE_URL)


class Batch:
    """What one transaction changed; turned into addresses after commit, in one go."""

    def __init__(self):
        self.paths: set[str] = set()
        self.article_ids: set[int] = set()  # every page showing the article
        self.own_page_ids: set[int] = set()  # the article's own page only (comments)
        self.tag_ids: set[int] = set()  # the topic's own pages
        self.author_ids: set[int] = set()
        # (article id, topic or author id): the article joined or left that topic or byline,
        # which changes the topic's or author's pages only when the article is published.
        self.article_tags: set[tuple[int, int]] = set()
        self.article_authors: set[tuple[int, int]] = set()
        # Renamed rows: the pages of their published articles show the name.
        self.renamed: dict[str, set[int]] = {
            "tags": set(),
            "authors": set(),
            "agencies": set(),
            "sections": set(),
        }
        self.sweep = False
        self.done = False
        self.callback = None

    def resolve(self) -> set[str]:
        """The addresses to purge, read from the database as committed."""
        paths = set(self.paths)
        joined = {article for article, _ in self.article_tags | self.article_authors}
        public = set()
        if self.article_ids or joined:
            articles = published_articles().filter(pk__in=self.article_ids | joined)
            for article in articles.prefetch_related("tags", "authors"):
                paths |= article_pages(article)
                public.add(article.pk)
        if self.own_page_ids:
            for article in published_articles().filter(pk__in=self.own_page_ids):
                paths.add(article.get_absolute_url())
        tags = self.tag_ids | {tag for article, tag in self.article_tags if article in public}
        authors = self.author_ids | {
            author for article, author in self.article_authors if article in public
        }
        if tags:
            paths |= tags_pages(tags)
        if authors:
            paths |= authors_pages(authors)
        for relation in ("tags", "authors", "agencies"):
            if self.renamed[relation]:
                articles = published_articles().filter(
                    **{f"{relation}__in": self.renamed[relation]}
                )
                paths |= article_own_and_feed_pages(articles.distinct())
        if self.renamed["sections"]:
            paths |= section_renamed_pages(self.renamed["sections"])
        return paths


_local = threading.local()


def _registered(batch: Batch, connection) -> bool:
    if batch.done:
        return False
    # A rolled-back savepoint drops the callbacks registered inside it, and the batch with them.
    return any(entry[1] is batch.callback for entry in getattr(connection, "run_on_commit", ()))


def current_batch(using: str | None = None) -> Batch | None:
    """The batch of the transaction under way, or None outside a transaction."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return None
    batch = getattr(_local, "batch", None)
    if batch is None or not _registered(batch, connection):
        batch = Batch()
        batch.callback = lambda: _flush(batch)
        transaction.on_commit(batch.callback, using=using, robust=True)
        _local.batch = batch
    return batch


def forget_batch() -> None:
    """Start the next change in a new batch. Only tests need this: their own transaction
    never commits, so the batch of their setup would otherwise take in what they change."""
    _local.batch = None


def _flush(batch: Batch) -> None:
    batch.done = True
    started = time.perf_counter()
    paths = batch.resolve()
    if paths or batch.sweep:
        apply(paths, sweep=batch.sweep)
        logger.debug(
            "Purged %d addresses%s in %.1f ms",
            len(paths),
            " and every page file" if batch.sweep else "",
            (time.perf_counter() - started) * 1000,
        )


def record(update, using=None) -> None:
    """Apply ``update`` to the current transaction's batch (or to one flushed at once outside
    a transaction). Does nothing when purging is off."""
    if not purge_enabled():
        return
    batch = current_batch(using)
    if batch is None:
        batch = Batch()
        update(batch)
        _flush(batch)
    else:
        update(batch)


def pages_changed(*, paths: Iterable[str] = (), everything: bool = False, using=None) -> None:
    """The pages at ``paths`` (site-relative addresses such as ``/sport/``) changed: their
    files go once the current transaction commits (at once outside one), on every machine,
    and the CDN hook is told. ``everything`` removes every page file (the section menu that
    every page shows changed)."""

    def update(batch):
        batch.paths.update(paths)
        batch.sweep = batch.sweep or everything

    record(update, using)


def articles_changed(*, ids: Iterable[int], own_page_only: bool = False, using=None) -> None:
    """The articles with ``ids`` changed: after commit, every page that shows them (see
    ``article_pages``) is purged, or with ``own_page_only`` only their own pages (a comment).
    ``ids`` may be a lazy queryset of ids: it is read only when purging is on."""

    def update(batch):
        target = batch.own_page_ids if own_page_only else batch.article_ids
        target.update(ids)

    record(update, using)


def apply(paths: Iterable[str], *, sweep: bool = False) -> int:
    """Delete the page files of ``paths`` here (every file with ``sweep``), then tell the other
    machines (Redis stream) and the CDN hook. Returns how many pages had a file here."""
    paths = sorted(set(paths))
    removed = 0
    if files_enabled():
        root = str(settings.GAZETA_PAGE_FILES_DIR)
        removed = files.delete(root, paths)
        if sweep:
            removed += files.delete_all(root)
    fanout.publish(paths, sweep=sweep)
    if settings.GAZETA_CDN_PURGE_URL and (paths or sweep):
        try:
            cdn_purge.enqueue(paths=paths, everything=sweep)
        except Exception:
            logger.exception("CDN purge of %d addresses not queued", len(paths))
    return removed
