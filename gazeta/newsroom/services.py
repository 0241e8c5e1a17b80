"""Writes to the newsroom that have consequences. Admin, importers and commands call these."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gazeta.core.text import normalize_romanian, romanian_slugify

from .models import (
    PENDING_FIELDS,
    Agency,
    Article,
    ArticleRedirect,
    AuditEntry,
    Author,
    Byline,
    Correction,
    Credit,
    EditPresence,
    PendingVersion,
    Section,
    Tag,
)
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
def article_delete(*, article: Article, user=None) -> None:
    """Delete ``article`` (its bylines, credits, old addresses and comments go with it), drop
    it from the search index and record who did it in the audit log."""
    audit_record(action=AuditEntry.Action.DELETED, article=article, user=user)
    search_index_remove(article_ids=[article.pk])
    article.delete()


# Workflow and publication. The editorial state of the text (draft → in review → approved)
# and the publication state (not published → scheduled → published → not published) change
# independently, so a live article is edited and reviewed without going offline.


def audit_record(*, action: str, article: Article, user=None, detail: str = "") -> AuditEntry:
    """Write one line of the audit log (who, what, which article, when)."""
    return AuditEntry.objects.create(
        action=action,
        article=article if article.pk else None,
        headline=article.headline[:300],
        user=user if user is not None and user.is_authenticated else None,
        detail=detail,
    )


def _workflow_set(*, article: Article, state: str) -> None:
    pending = PendingVersion.objects.filter(article=article).first()
    target = pending if pending is not None else article
    target.workflow_state = state
    target.save(update_fields=["workflow_state"])


@transaction.atomic
def article_submit(*, article: Article, user) -> None:
    """A writer hands the text (or the pending changes of a live article) to the editors."""
    _workflow_set(article=article, state=Article.Workflow.IN_REVIEW)
    audit_record(action=AuditEntry.Action.SUBMITTED, article=article, user=user)


@transaction.atomic
def article_approve(*, article: Article, user) -> None:
    """An editor accepts the text as ready to publish."""
    _workflow_set(article=article, state=Article.Workflow.APPROVED)
    audit_record(action=AuditEntry.Action.APPROVED, article=article, user=user)


@transaction.atomic
def article_return(*, article: Article, user, note: str = "") -> None:
    """An editor sends the text back to its writer, with a note."""
    _workflow_set(article=article, state=Article.Workflow.DRAFT)
    audit_record(action=AuditEntry.Action.RETURNED, article=article, user=user, detail=note)


def _queue_publication_sync(*moments: datetime | None) -> None:
    """Ask the worker to run the publication sync at each future moment given."""
    from .tasks import publication_sync_task

    now = timezone.now()
    for moment in moments:
        if moment is not None and moment > now:
            transaction.on_commit(
                lambda at=moment: publication_sync_task.using(run_after=at).enqueue()
            )


def _release(*, article: Article, at: datetime, user, action: str) -> Article:
    if article.embargo_until and at < article.embargo_until:
        at = article.embargo_until
    if article.expires_at and article.expires_at <= at:
        raise ValidationError({"expires_at": _("The expiry time must come after publication.")})
    now = timezone.now()
    article.published_at = at
    article.status = Article.Status.SCHEDULED if at > now else Article.Status.PUBLISHED
    article.workflow_state = Article.Workflow.APPROVED
    article_save(article=article)
    if article.status == Article.Status.SCHEDULED:
        action = AuditEntry.Action.SCHEDULED
        detail = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    else:
        detail = ""
    audit_record(action=action, article=article, user=user, detail=detail)
    _queue_publication_sync(article.published_at, article.expires_at)
    return article


@transaction.atomic
def article_publish(*, article: Article, user) -> Article:
    """Put ``article`` online now (approving its text). An article published before keeps its
    original time; one under embargo is scheduled for the end of the embargo instead."""
    now = timezone.now()
    at = article.published_at if article.published_at and article.published_at <= now else now
    return _release(article=article, at=at, user=user, action=AuditEntry.Action.PUBLISHED)


@transaction.atomic
def article_schedule(*, article: Article, at: datetime, user) -> Article:
    """Publish ``article`` at ``at`` (not before its embargo). The worker flips it to
    published on time; readers see it from ``at`` even if the worker is late."""
    if at <= timezone.now():
        raise ValidationError({"published_at": _("A scheduled time must be in the future.")})
    return _release(article=article, at=at, user=user, action=AuditEntry.Action.SCHEDULED)


@transaction.atomic
def article_unpublish(*, article: Article, user) -> Article:
    """Take ``article`` offline (its publication time is kept for a later republish)."""
    article.status = Article.Status.DRAFT
    article_save(article=article)
    audit_record(action=AuditEntry.Action.UNPUBLISHED, article=article, user=user)
    return article


def publication_sync(*, now: datetime | None = None) -> tuple[int, int]:
    """Mark scheduled articles whose time has come as published and take expired ones
    offline; returns (went live, expired). Idempotent, so a worker that was down catches up
    on everything overdue the first time it runs. Each article is saved (not bulk-updated)
    so that its revision, its audit line and the page purge follow."""
    now = now or timezone.now()
    went_live = expired = 0
    for pk in Article.objects.due(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            article = Article.objects.select_for_update().due(now=now).filter(pk=pk).first()
            if article is None:  # another worker got there first
                continue
            article.status = Article.Status.PUBLISHED
            article.save(update_fields=["status", "updated_at"])
            audit_record(action=AuditEntry.Action.WENT_LIVE, article=article)
            went_live += 1
    for pk in Article.objects.expired(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            article = Article.objects.select_for_update().expired(now=now).filter(pk=pk).first()
            if article is None:
                continue
            article.status = Article.Status.DRAFT
            article.save(update_fields=["status", "updated_at"])
            audit_record(action=AuditEntry.Action.EXPIRED, article=article)
            expired += 1
    return went_live, expired


@transaction.atomic
def article_pending_save(*, article: Article, user, **text: str) -> PendingVersion | None:
    """Keep edits to the text of a published article as a pending version; readers keep the
    live text. Returns None (and drops the pending version) when the edits equal the live text."""
    pending = PendingVersion.objects.filter(article=article).first() or PendingVersion(
        article=article
    )
    for field in PENDING_FIELDS:
        setattr(pending, field, text.get(field, getattr(pending, field) or getattr(article, field)))
    pending.normalize_text_fields()
    if all(getattr(pending, f) == getattr(article, f) for f in PENDING_FIELDS):
        if pending.pk:
            pending.delete()
        return None
    pending.updated_by = user if user is not None and user.is_authenticated else None
    pending.full_clean(exclude=["article"])
    pending.save()
    return pending


def article_pending_discard(*, article: Article) -> None:
    """Drop the pending version of ``article`` (once its text has been saved otherwise)."""
    PendingVersion.objects.filter(article=article).delete()


def _changes_body_readers_saw(article: Article, pending: PendingVersion) -> bool:
    return article.is_published and pending.body != article.body


def notice_required(*, article: Article) -> bool:
    """Whether publishing the pending changes of ``article`` changes the body readers saw."""
    pending = PendingVersion.objects.filter(article=article).first()
    return pending is not None and _changes_body_readers_saw(article, pending)


@transaction.atomic
def article_changes_publish(
    *,
    article: Article,
    user,
    notice_kind: str = "",
    notice_text: str = "",
    notice_placement: str = Correction.Placement.TOP,
    decline_reason: str = "",
) -> Article:
    """Make the pending version of ``article`` the live text. When the body readers saw
    changes, a notice (correction, clarification, update) is published with it, or the
    editor gives a reason for publishing without one (kept in the audit log)."""
    pending = PendingVersion.objects.filter(article=article).first()
    if pending is None:
        raise ValidationError(_("This article has no pending changes."))
    body_changed = _changes_body_readers_saw(article, pending)
    notice_text, decline_reason = notice_text.strip(), decline_reason.strip()
    if body_changed and not notice_text and not decline_reason:
        raise ValidationError(
            _(
                "The body of a published article changes: add a notice for readers, "
                "or give a reason for publishing without one."
            )
        )
    for field in PENDING_FIELDS:
        setattr(article, field, getattr(pending, field))
    article.workflow_state = Article.Workflow.APPROVED
    article_save(article=article)
    pending.delete()
    if notice_text:
        notice = Correction(
            article=article,
            kind=notice_kind or Correction.Kind.CORRECTION,
            text=notice_text,
            placement=notice_placement,
        )
        notice.full_clean(exclude=["article"])
        notice.save()
    elif body_changed:
        audit_record(
            action=AuditEntry.Action.NOTICE_DECLINED,
            article=article,
            user=user,
            detail=decline_reason,
        )
    audit_record(action=AuditEntry.Action.CHANGES_PUBLISHED, article=article, user=user)
    return article


@transaction.atomic
def article_restore(*, article: Article, history_id: int, user) -> Article:
    """Bring back the text of an earlier revision. For a live article it becomes the
    pending version (published by an editor, with its notice); otherwise it is saved."""
    record = article.history.get(history_id=history_id)
    text = {field: getattr(record, field) for field in PENDING_FIELDS}
    detail = f"#{record.history_id} ({timezone.localtime(record.history_date):%Y-%m-%d %H:%M})"
    if article.is_published:
        article_pending_save(article=article, user=user, **text)
    else:
        for field, value in text.items():
            setattr(article, field, value)
        article.section_id = record.section_id
        article_save(article=article)
    audit_record(action=AuditEntry.Action.RESTORED, article=article, user=user, detail=detail)
    return article


# Soft locks: an article open in the admin is "being edited" for a few minutes.
PRESENCE_MINUTES = 5


def presence_touch(*, article: Article, user) -> list:
    """Note that ``user`` has ``article`` open; returns the other users who had it open in
    the last few minutes (a warning, not a lock: nobody is ever locked out)."""
    now = timezone.now()
    EditPresence.objects.update_or_create(article=article, user=user, defaults={"seen_at": now})
    since = now - timedelta(minutes=PRESENCE_MINUTES)
    return [
        presence.user
        for presence in EditPresence.objects.filter(article=article, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
    ]
