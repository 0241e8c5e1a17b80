from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gazeta.core.models import RomanianTextMixin
from gazeta.newsroom.models import Article

from .text import render_comment_body


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What readers may see: approved comments only."""
        return self.filter(status=Comment.Status.APPROVED)

    def for_article(self, article):
        return self.filter(article=article).order_by("created_at", "id")

    def by_commenter(self, email: str):
        return self.filter(email__iexact=email.strip())


class Comment(RomanianTextMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    name = models.CharField(_("name"), max_length=245)
    # Blank only after the commenter asked to be erased and the comment was kept anonymous.
    email = models.EmailField(_("email"), max_length=100, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    body = models.TextField(_("comment"), max_length=65_525)
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    held_reason = models.CharField(_("reason held"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    notify_replies = models.BooleanField(_("email me replies"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["email", "created_at"], name="comment_email_idx"),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_idx"),
            models.Index(fields=["status", "created_at"], name="comment_status_idx"),
        ]

    def __str__(self):
        return f"{self.name}: {self.body[:50]}"

    def save(self, *args, **kwargs):
        self.normalize_text_fields()
        self.body_html = render_comment_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @property
    def depth(self) -> int:
        depth, node = 1, self
        while node.parent_id is not None:
            depth += 1
            node = node.parent
        return depth


class Ban(models.Model):
    """An email address or IP address whose comments go straight to spam."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        IP = "ip", _("IP address")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=100)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="ban_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        super().save(*args, **kwargs)
