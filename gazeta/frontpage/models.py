from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gazeta.core.models import RomanianTextMixin
from gazeta.newsroom.models import Article

TOP_STORY = 0
# What an editor may pin or link: released articles (a scheduled one shows once it is live).
RELEASED = Q(status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED])
DEFAULT_BANNER_HOURS = 2


def slot_positions() -> range:
    """The top story (0), then the featured slots 1…``GAZETA_HOME_FEATURED_COUNT``."""
    return range(TOP_STORY, settings.GAZETA_HOME_FEATURED_COUNT + 1)


def slot_label(position: int) -> str:
    if position == TOP_STORY:
        return str(_("Top story"))
    return str(_("Featured story %(number)d")) % {"number": position}


def validate_slot_position(value: int) -> None:
    if value not in slot_positions():
        raise ValidationError(
            _("The home page has no slot %(position)d."), params={"position": value}
        )


class ArticleLinkQuerySet(models.QuerySet):
    def with_article_live(self, *, now=None):
        """Annotate ``article_is_live``: the row's article is published at ``now``, by the
        one definition of published."""
        live = Article.objects.published(now=now).filter(pk=OuterRef("article_id"))
        return self.annotate(article_is_live=Exists(live))


class HomeSlotQuerySet(ArticleLinkQuerySet):
    def pinned(self, *, now=None):
        """Slots whose pin still holds at ``now``: no end time, or one still to come. The
        article may not be live; the home page selector checks that."""
        now = now or timezone.now()
        return self.filter(Q(pinned_until__isnull=True) | Q(pinned_until__gt=now))


class HomeSlot(models.Model):
    """An article an editor pinned to a place on the home page: the top story (position 0)
    or one of the featured stories under it."""

    position = models.PositiveSmallIntegerField(
        _("slot"),
        unique=True,
        validators=[validate_slot_position],
        help_text=_("0 is the top story; 1, 2, 3… the featured stories under it."),
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="home_slots",
        limit_choices_to=RELEASED,
    )
    pinned_until = models.DateTimeField(
        _("pinned until"),
        null=True,
        blank=True,
        help_text=_(
            "After this time the slot goes back to the automatic choice. Empty: until you "
            "change the slot."
        ),
    )
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    objects = HomeSlotQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("home page slot")
        verbose_name_plural = _("home page slots")
        constraints = [
            models.UniqueConstraint(fields=["article"], name="homeslot_unique_article"),
        ]

    def __str__(self):
        return slot_label(self.position)

    def clean(self):
        if self.pinned_until and self.pinned_until <= timezone.now():
            raise ValidationError({"pinned_until": _("Choose a time in the future.")})


def default_banner_expiry():
    return timezone.now() + timedelta(hours=DEFAULT_BANNER_HOURS)


class BannerQuerySet(ArticleLinkQuerySet):
    def active(self, *, now=None):
        """Banners showing at ``now``."""
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, expires_at__gt=now)

    def not_expired(self, *, now=None):
        """Banners showing at ``now`` or later."""
        return self.filter(expires_at__gt=now or timezone.now())


class Banner(RomanianTextMixin, models.Model):
    """A breaking-news line at the top of the home page, shown from ``starts_at`` until
    ``expires_at``. When several are active, the one that started last is shown."""

    text = models.CharField(_("text"), max_length=200)
    article = models.ForeignKey(
        Article,
        verbose_name=_("linked article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to=RELEASED,
    )
    url = models.URLField(
        _("link"), blank=True, help_text=_("An address elsewhere, when no article is linked.")
    )
    starts_at = models.DateTimeField(_("shown from"), default=timezone.now)
    expires_at = models.DateTimeField(_("shown until"), default=default_banner_expiry)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    objects = BannerQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("breaking-news banner")
        verbose_name_plural = _("breaking-news banners")
        indexes = [models.Index(fields=["expires_at"], name="banner_expires_idx")]
        constraints = [
            # Equal times mean a banner ended before it started (see services.banner_clear).
            models.CheckConstraint(
                condition=Q(expires_at__gte=models.F("starts_at")),
                name="banner_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=True) | Q(url=""),
                name="banner_one_link",
                violation_error_message=_("Link an article or an address, not both."),
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.starts_at and self.expires_at and self.expires_at <= self.starts_at:
            raise ValidationError({"expires_at": _("The banner must end after it starts.")})
        if self.article_id and self.url:
            raise ValidationError(_("Link an article or an address, not both."))
