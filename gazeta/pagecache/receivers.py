"""Model signals → purges. Connected only while purging is on (``connect_if_enabled``), so a
site without page files or CDN pays nothing, not even Django's slower cascade deletes.

Each receiver records what changed in the transaction's batch (``purge.record``); the batch
is turned into addresses and purged once, after commit. The old state of a row (its previous
address, section, topics and authors) is read in ``pre_save``, since after the save only the
new one is left.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from gazeta.comments.models import Comment
from gazeta.newsroom.models import Agency, Article, Author, Byline, Correction, Credit, Section, Tag

from .dependencies import (
    article_own_and_feed_pages,
    article_pages,
    author_pages,
    correction_pages,
    home_pages,
    published_articles,
    section_pages,
    sitemap_pages,
    tag_pages,
)
from .purge import pages_changed, purge_enabled, record

# What readers see of each kind of row: a save that leaves these alone purges nothing.
SHOWN_FIELDS = {
    Section: ("name", "slug", "position", "description"),
    Tag: ("name", "slug"),
    Author: ("name", "slug", "bio", "is_desk"),
    Agency: ("name", "url"),
}


# Article fields readers never see: a save of these alone purges nothing.
HIDDEN_ARTICLE_FIELDS = frozenset({"workflow_state"})


def _hidden_only(update_fields) -> bool:
    return bool(update_fields) and set(update_fields) <= HIDDEN_ARTICLE_FIELDS


def _old_row(instance):
    if instance._state.adding or instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).first()


# Articles.


def article_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or _hidden_only(update_fields):
        return
    old = Article.objects.select_related("section").filter(pk=instance.pk).first()
    if old is not None and old.is_published:
        # Its old address, section, archives, topics and authors, before they change.
        pages_changed(paths=article_pages(old))


def article_post_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and not _hidden_only(update_fields):
        record(lambda batch: batch.article_ids.add(instance.pk))


def article_pre_delete(sender, instance, **kwargs):
    old = Article.objects.select_related("section").filter(pk=instance.pk).first()
    if old is not None and old.is_published:
        pages_changed(paths=article_pages(old))


def article_tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "pre_remove", "pre_clear"):
        return
    if reverse:  # tag.articles.add(...): instance is the tag
        tag_ids = {instance.pk}
        article_ids = (
            pk_set if pk_set is not None else set(instance.articles.values_list("pk", flat=True))
        )
    else:
        article_ids = {instance.pk}
        tag_ids = pk_set if pk_set is not None else set(instance.tags.values_list("pk", flat=True))

    def update(batch):
        batch.article_tags.update((a, t) for a in article_ids for t in tag_ids)

    record(update)


def byline_changed(sender, instance, raw=False, **kwargs):
    """A byline added or removed outside ``article_save`` (the admin's inline, the ORM)."""
    if raw:
        return

    record(lambda batch: batch.article_authors.add((instance.article_id, instance.author_id)))


def credit_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        record(lambda batch: batch.article_ids.add(instance.article_id))


# Sections, topics, authors, agencies.


def _shown_change(instance):
    """``(old row, changed)``: whether a field readers see differs from the stored row."""
    old = _old_row(instance)
    if old is None:
        return None, False
    fields = SHOWN_FIELDS[type(instance)]
    return old, any(getattr(old, f) != getattr(instance, f) for f in fields)


def _sitemaps_if(slug_changed: bool) -> set[str]:
    return sitemap_pages() if slug_changed else set()


def section_pre_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    old, changed = _shown_change(instance)
    if not changed:
        # A new section has no articles yet; the menu of other pages catches up with their
        # max age, like a new order of the menu does.
        return
    if (old.name, old.slug) == (instance.name, instance.slug):
        pages_changed(paths=section_pages(old.slug))
        return
    # Renamed: every page that shows its name next to an article. A new address also breaks
    # the menu link on every page, so then every page file goes.
    slug_changed = old.slug != instance.slug
    pages_changed(
        paths=section_pages(old.slug) | _sitemaps_if(slug_changed), everything=slug_changed
    )
    record(lambda batch: batch.renamed["sections"].add(instance.pk))


def section_deleted(sender, instance, **kwargs):
    # Only a section without articles can go (PROTECT): its pages, and its link in every menu.
    pages_changed(paths=section_pages(instance.slug), everything=True)


def tag_pre_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    old, changed = _shown_change(instance)
    if changed:
        pages_changed(paths=tag_pages(old.slug) | _sitemaps_if(old.slug != instance.slug))

        def update(batch):
            batch.tag_ids.add(instance.pk)
            batch.renamed["tags"].add(instance.pk)

        record(update)


def tag_pre_delete(sender, instance, **kwargs):
    # Its rows in the article-tag table go without m2m signals: read its articles now.
    articles = published_articles().filter(tags=instance)
    pages_changed(paths=tag_pages(instance.slug) | article_own_and_feed_pages(articles))


def author_pre_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    old, changed = _shown_change(instance)
    if changed:
        pages_changed(paths=author_pages(old.slug) | _sitemaps_if(old.slug != instance.slug))

        def update(batch):
            batch.author_ids.add(instance.pk)
            if (old.name, old.slug) != (instance.name, instance.slug):
                batch.renamed["authors"].add(instance.pk)

        record(update)


def author_deleted(sender, instance, **kwargs):
    pages_changed(paths=author_pages(instance.slug))


def agency_pre_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _old, changed = _shown_change(instance)
    if changed:
        record(lambda batch: batch.renamed["agencies"].add(instance.pk))


# Notices and comments: the article's own page (and the corrections list).


def correction_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    pages_changed(paths=correction_pages())
    record(lambda batch: batch.own_page_ids.add(instance.article_id))


def comment_saved(sender, instance, created=False, raw=False, **kwargs):
    # A new comment held for moderation or sent to spam shows nowhere yet.
    if raw or (created and instance.status != Comment.Status.APPROVED):
        return
    record(lambda batch: batch.own_page_ids.add(instance.article_id))


def comment_deleted(sender, instance, **kwargs):
    if instance.status == Comment.Status.APPROVED:
        record(lambda batch: batch.own_page_ids.add(instance.article_id))


def home_page_changed(sender, **kwargs):
    """Curation of the home page (``gazeta.frontpage``): pins and banners."""
    pages_changed(paths=home_pages())


def _home_page_signal():
    try:
        from gazeta.frontpage.signals import home_page_changed as signal
    except ImportError:
        return None
    return signal


CONNECTIONS = [
    (pre_save, article_pre_save, Article),
    (post_save, article_post_save, Article),
    (pre_delete, article_pre_delete, Article),
    (m2m_changed, article_tags_changed, Article.tags.through),
    (post_save, byline_changed, Byline),
    (post_delete, byline_changed, Byline),
    (post_save, credit_changed, Credit),
    (post_delete, credit_changed, Credit),
    (pre_save, section_pre_save, Section),
    (post_delete, section_deleted, Section),
    (pre_save, tag_pre_save, Tag),
    (pre_delete, tag_pre_delete, Tag),
    (pre_save, author_pre_save, Author),
    (post_delete, author_deleted, Author),
    (pre_save, agency_pre_save, Agency),
    (post_save, correction_changed, Correction),
    (post_delete, correction_changed, Correction),
    (post_save, comment_saved, Comment),
    (post_delete, comment_deleted, Comment),
]


def connect() -> None:
    for signal, receiver, sender in CONNECTIONS:
        signal.connect(receiver, sender=sender, dispatch_uid=f"pagecache.{receiver.__name__}")
    signal = _home_page_signal()
    if signal is not None:
        signal.connect(home_page_changed, dispatch_uid="pagecache.home_page_changed")


def disconnect() -> None:
    for signal, receiver, sender in CONNECTIONS:
        signal.disconnect(receiver, sender=sender, dispatch_uid=f"pagecache.{receiver.__name__}")
    signal = _home_page_signal()
    if signal is not None:
        signal.disconnect(home_page_changed, dispatch_uid="pagecache.home_page_changed")


def connect_if_enabled(**kwargs) -> None:
    """Connect while purging is on; called at start-up and whenever a test changes settings."""
    if purge_enabled():
        connect()
    else:
        disconnect()
