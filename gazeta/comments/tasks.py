"""Slow follow-ups of comment services, run by the task backend (see README, Production)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Comment


def _moderator_emails() -> list[str]:
    User = get_user_model()  # noqa: N806
    users = (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="change_comment")
            | Q(user_permissions__codename="change_comment")
        )
        .exclude(email="")
        .distinct()
    )
    return sorted({u.email for u in users})


@task
def notify_moderators_of_held_comment(comment_id: int) -> int:
    """Email every moderator that a comment waits for them. Returns the number of emails."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    recipients = _moderator_emails()
    if comment is None or comment.status != Comment.Status.PENDING or not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"comment": comment, "site_url": settings.GAZETA_SITE_URL}
        subject = render_to_string("emails/comment_held_subject.txt", context).strip()
        body = render_to_string("emails/comment_held.txt", context)
    return send_mail(subject, body, None, recipients)


@task
def notify_parent_of_reply(comment_id: int) -> int:
    """Email the author of the comment replied to, when they opted in and the reply is
    approved. Never to oneself. Returns the number of emails sent."""
    reply = Comment.objects.select_related("parent", "article").filter(pk=comment_id).first()
    if reply is None or reply.parent is None or reply.status != Comment.Status.APPROVED:
        return 0
    parent = reply.parent
    if not parent.notify_replies or not parent.email:
        return 0
    if parent.email.lower() == reply.email.lower():
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"reply": reply, "parent": parent, "site_url": settings.GAZETA_SITE_URL}
        subject = render_to_string("emails/comment_reply_subject.txt", context).strip()
        body = render_to_string("emails/comment_reply.txt", context)
    return send_mail(subject, body, None, [parent.email])


@task
def erase_old_comment_ips() -> int:
    """Forget the IP address and browser of comments older than the retention period
    (``GAZETA_COMMENT_IP_RETENTION_DAYS``). Returns how many comments were changed."""
    cutoff = timezone.now() - timedelta(days=settings.GAZETA_COMMENT_IP_RETENTION_DAYS)
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(ip_address__isnull=True, user_agent="")
        .update(ip_address=None, user_agent="")
    )
