"""Writes that curate the home page. The admin and the ``pin_articles`` command call these."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils import timezone

from gazeta.newsroom.models import Article

from .models import Banner, HomeSlot
from .signals import home_page_changed
from .tasks import home_page_refresh


def _announce(sender: type, *, moments: Iterable[datetime | None] = ()) -> None:
    """After commit, tell listeners the home page changed, and queue a refresh for each
    future moment at which time alone will change it again (when the task backend can run
    work later; the page's cache lifetime is capped to the same moments either way)."""
    now = timezone.now()
    later = sorted({m for m in moments if m is not None and m > now})
    transaction.on_commit(lambda: home_page_changed.send(sender=sender), robust=True)
    if later and home_page_refresh.get_backend().supports_defer:
        for moment in later:
            transaction.on_commit(
                lambda moment=moment: home_page_refresh.using(run_after=moment).enqueue(),
                robust=True,
            )


@transaction.atomic
def slot_pin(*, position: int, article: Article, until: datetime | None = None) -> HomeSlot:
    """Pin ``article`` to the home page slot at ``position`` (0 is the top story) until
    ``until``, or until the slot is changed when None; the article leaves any other slot.
    Raises ``ValidationError`` for an unknown slot, an unreleased article or a past time.
    Announces the change after commit."""
    HomeSlot.objects.filter(article=article).exclude(position=position).delete()
    slot = HomeSlot.objects.select_for_update().filter(position=position).first()
    slot = slot or HomeSlot(position=position)
    slot.article, slot.pinned_until = article, until
    slot.full_clean()
    slot.save()
    _announce(HomeSlot, moments=[until, article.published_at])
    return slot


@transaction.atomic
def slot_unpin(*, position: int) -> bool:
    """Empty the slot at ``position``, so the automatic choice fills it again. Returns
    whether a pin was removed; announces the change after commit."""
    deleted, _ = HomeSlot.objects.filter(position=position).delete()
    if deleted:
        _announce(HomeSlot)
    return bool(deleted)


@transaction.atomic
def banner_set(
    *,
    text: str,
    expires_at: datetime,
    starts_at: datetime | None = None,
    article: Article | None = None,
    url: str = "",
    banner: Banner | None = None,
) -> Banner:
    """Show a breaking-news banner from ``starts_at`` (now when None) until ``expires_at``,
    linking ``article`` or ``url``; changes ``banner`` when given, else adds one. Other
    banners still showing when it starts end at that moment, so an older banner never comes
    back after this one. Raises ``ValidationError``; announces the change after commit."""
    banner = banner or Banner()
    banner.text, banner.article, banner.url = text, article, url
    banner.starts_at, banner.expires_at = starts_at or timezone.now(), expires_at
    banner.full_clean()
    banner.save()
    (
        Banner.objects.active(now=banner.starts_at)
        .exclude(pk=banner.pk)
        .update(expires_at=banner.starts_at)
    )
    _announce(Banner, moments=[banner.starts_at, banner.expires_at])
    return banner


@transaction.atomic
def banner_clear(*, banners: Iterable[Banner] | None = None) -> int:
    """End now every banner that is showing or waiting to show (or only ``banners``), so
    none is shown from now on. Returns how many were ended; announces the change after
    commit when there were any."""
    now = timezone.now()
    ending = Banner.objects.not_expired(now=now)
    if banners is not None:
        ending = ending.filter(pk__in=[b.pk for b in banners])
    # A banner that has not started yet ends before it starts: both times become now.
    count = ending.update(starts_at=Least(F("starts_at"), Value(now)), expires_at=now)
    if count:
        _announce(Banner)
    return count


@transaction.atomic
def banner_delete(*, banner: Banner) -> None:
    """Delete ``banner`` (a mistake, say); announces the change after commit."""
    banner.delete()
    _announce(Banner)
