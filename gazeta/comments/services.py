"""Writes to comments that have consequences. Views, admin actions and importers call these."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gazeta.newsroom.models import Article
from gazeta.pagecache.purge import articles_changed

from .models import Ban, Comment
from .policy import CommentRefused, Submission, policy
from .tasks import notify_moderators_of_held_comment, notify_parent_of_reply

ANONYMOUS_NAME = "Anonim"


@transaction.atomic
def comment_import(
    *,
    article: Article,
    parent: Comment | None,
    name: str,
    email: str,
    website: str,
    body: str,
    status: str,
    created_at: datetime,
    ip_address: str | None = None,
) -> tuple[Comment, bool]:
    """Store a comment brought over from another system as it was there: its own status and
    time, no moderation policy, no notices. Returns ``(comment, created)``; a comment identical
    in article, parent, email, time and text is returned instead of being stored twice.
    Side effect: inserts at most one Comment row. Raises ``ValidationError`` for bad fields."""
    comment = Comment(
        article=article,
        parent=parent,
        name=name,
        email=email.strip(),
        website=website.strip(),
        body=body,
        status=status,
        created_at=created_at,
        ip_address=ip_address,
    )
    # Compare with what would be stored (comma-below diacritics, no control characters).
    comment.normalize_text_fields()
    existing = Comment.objects.filter(
        article=article,
        parent=parent,
        email=comment.email,
        created_at=created_at,
        body=comment.body,
    ).first()
    if existing is not None:
        return existing, False
    comment.full_clean(exclude=["article", "parent"])
    comment.save()
    return comment, True


# Durable: when this returns, the comment is committed, so the caller may tell the reader so.
@transaction.atomic(durable=True)
def comment_submit(
    *,
    article: Article,
    name: str,
    email: str,
    body: str,
    website: str = "",
    parent_id: int | None = None,
    notify_replies: bool = False,
    ip_address: str | None = None,
    user_agent: str = "",
    user=None,
) -> Comment:
    """Store a reader's comment with the status the moderation policy gives it, or raise
    ``CommentRefused``; an ``OperationalError`` means nothing was stored. Queues the
    moderators' notice for a held comment and the reply notice for an approved reply once the
    transaction commits (a notice that fails to queue is logged, the comment stays)."""
    parent = None
    if parent_id:
        parent = Comment.objects.filter(pk=parent_id).select_related("parent").first()
        if parent is None:
            raise CommentRefused(
                _("The comment you are replying to does not exist."), code="parent"
            )
    submission = Submission(
        article=article,
        name=name,
        email=email,
        body=body,
        website=website,
        parent=parent,
        ip_address=ip_address,
        user=user if user is not None and user.is_authenticated else None,
    )
    policy.check_refusals(submission)
    decision = policy.decide(submission)
    comment = Comment.objects.create(
        article=article,
        parent=parent,
        name=name,
        email=email,
        website=website,
        body=body,
        status=decision.status,
        held_reason=decision.reason,
        ip_address=ip_address,
        user_agent=user_agent[:255],
        notify_replies=notify_replies,
        user=submission.user,
        created_at=submission.now,
    )
    _queue_notices(comment)
    return comment


def _queue_notices(comment: Comment) -> None:
    # Robust: these run after the commit; a failure here must not reach the view as an error
    # for a comment that is already stored.
    if comment.status == Comment.Status.PENDING:
        transaction.on_commit(
            lambda: notify_moderators_of_held_comment.enqueue(comment.pk), robust=True
        )
    elif comment.status == Comment.Status.APPROVED and comment.parent_id:
        transaction.on_commit(lambda: notify_parent_of_reply.enqueue(comment.pk), robust=True)


def _set_status(comments, status: str) -> list[Comment]:
    comments = list(comments)
    changed = [c for c in comments if c.status != status]
    for comment in changed:
        comment.status = status
    Comment.objects.bulk_update(changed, ["status"])
    articles_changed(ids={c.article_id for c in changed}, own_page_only=True)
    return changed


@transaction.atomic
def comment_hold(*, comments: Iterable[Comment]) -> int:
    """Put comments back in the moderation queue (hidden from readers). Returns how many
    changed."""
    return len(_set_status(comments, Comment.Status.PENDING))


@transaction.atomic
def comment_approve(*, comments: Iterable[Comment]) -> int:
    """Approve comments; replies among them notify their parent's author (if opted in).
    Returns how many changed."""
    changed = _set_status(comments, Comment.Status.APPROVED)
    for comment in changed:
        if comment.parent_id:
            transaction.on_commit(
                lambda pk=comment.pk: notify_parent_of_reply.enqueue(pk), robust=True
            )
    return len(changed)


@transaction.atomic
def comment_mark_spam(*, comments: Iterable[Comment]) -> int:
    """Mark comments as spam: hidden from readers. Returns how many changed."""
    return len(_set_status(comments, Comment.Status.SPAM))


@transaction.atomic
def comment_remove(*, comments: Iterable[Comment]) -> int:
    """Remove comments from the public page (kept for the record). Returns how many changed."""
    return len(_set_status(comments, Comment.Status.REMOVED))


@transaction.atomic
def commenter_ban(*, kind: str, value: str, reason: str = "", by=None) -> Ban:
    """Send every future comment from this email or IP address to spam."""
    ban, _created = Ban.objects.get_or_create(
        kind=kind, value=value.strip().lower(), defaults={"reason": reason, "created_by": by}
    )
    return ban


def commenter_export(*, email: str) -> dict:
    """Everything stored about the commenter with this email address (a data-access request)."""
    comments = (
        Comment.objects.by_commenter(email).select_related("article", "user").order_by("created_at")
    )
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "bans": [
            {
                "kind": b.kind,
                "value": b.value,
                "reason": b.reason,
                "created_at": b.created_at.isoformat(),
            }
            for b in Ban.objects.filter(kind=Ban.Kind.EMAIL, value=email.strip().lower())
        ],
        "comments": [
            {
                "id": c.pk,
                "article": c.article.headline,
                "url": c.article.get_absolute_url(),
                "in_reply_to": c.parent_id,
                "name": c.name,
                "email": c.email,
                "website": c.website,
                "body": c.body,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
                "ip_address": c.ip_address,
                "user_agent": c.user_agent,
                "notify_replies": c.notify_replies,
                "held_reason": c.held_reason,
                "account": c.user.get_username() if c.user else None,
            }
            for c in comments
        ],
    }


@transaction.atomic
def commenter_erase(*, email: str, remove_comments: bool = False) -> int:
    """Erase a commenter: their comments are deleted (``remove_comments``) or kept with the
    name “Anonim” and no email, website, IP address or browser. Returns how many comments.
    A ban on the address stays: preventing abuse is a reason to keep it."""
    comments = Comment.objects.by_commenter(email)
    articles_changed(ids=comments.values_list("article_id", flat=True), own_page_only=True)
    if remove_comments:
        count = comments.count()
        # Replies by others stay, attached to nothing visible: detach them first.
        Comment.objects.filter(parent__in=comments).exclude(pk__in=comments.values("pk")).update(
            parent=None
        )
        comments.delete()
    else:
        count = comments.update(
            name=ANONYMOUS_NAME,
            email="",
            website="",
            ip_address=None,
            user_agent="",
            notify_replies=False,
        )
    return count
