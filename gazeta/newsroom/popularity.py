"""Most read: first-party view counts, without cookies and without a database write per view.

Article pages load a 1×1 beacon image (it works without JavaScript and from static copies of
the page). Each beacon request adds one to a counter in the cache, keyed by article and hour.
A reader is recognised for the rest of the day by a keyed hash of address, browser and
article; the key (salt) lives only in the cache and changes every day, so a refresh counts
once and nothing that identifies a reader is kept. ``view_counts_flush`` (command
``flush_view_counts``, task ``view_counts_flush_task``) adds the buffered counts to
``ArticleViewCount`` in one write.

Counts belong in a cache the web workers share (Redis through ``REDIS_URL``, where ``add``,
``incr`` and ``decr`` are atomic). With the per-process memory cache each worker counts on its
own and flushes its own buffer when no flush has run for a while.
"""

import hashlib
import logging
import re
import secrets
from datetime import UTC, datetime, timedelta
from itertools import batched

from django.core.cache import cache
from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone

from .models import Article, ArticleViewCount

logger = logging.getLogger(__name__)

PREFIX = "popularity:"
# Counters wait this long in the cache for a flush before they expire.
BUFFER_HOURS = 48
# An hour's counters are dropped from the cache once it ended this long ago and was flushed.
CLOSED_HOUR_GRACE = timedelta(minutes=5)
# Without a flush for this long (no scheduled command), a beacon request flushes.
FLUSH_OVERDUE_SECONDS = 300
FLUSH_LOCK_SECONDS = 120
# How long "is this a published article?" is remembered for the beacon.
ARTICLE_KNOWN_SECONDS = 600
ARTICLE_UNKNOWN_SECONDS = 60
# Hourly rows older than this are deleted by the flush; "most read" needs two days at most.
RETENTION = timedelta(days=30)
ROBOT_PATTERN = re.compile(
    r"bot|spider|crawl|slurp|archiver|facebookexternalhit|headless|lighthouse|preview"
    r"|curl/|wget/|python-|go-http-client|libwww",
    re.IGNORECASE,
)
# A transparent 1×1 GIF.
BEACON_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

_LOCK_KEY = f"{PREFIX}flush-lock"
_FLUSHED_KEY = f"{PREFIX}flushed"


def is_robot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(ROBOT_PATTERN.search(user_agent))


def hour_of(moment: datetime) -> datetime:
    """The start of the UTC hour ``moment`` falls in: the bucket its views are counted in."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _hour_key(hour: datetime) -> str:
    return hour.strftime("%Y%m%d%H")


def _counter_key(hour: datetime, article_id: int) -> str:
    return f"{PREFIX}views:{_hour_key(hour)}:{article_id}"


def _slots_key(hour: datetime) -> str:
    return f"{PREFIX}slots:{_hour_key(hour)}"


def _slot_key(hour: datetime, number: int) -> str:
    return f"{PREFIX}slot:{_hour_key(hour)}:{number}"


def _buffer_seconds() -> int:
    return (BUFFER_HOURS + 2) * 3600


def _daily_salt(day) -> bytes:
    key = f"{PREFIX}salt:{day.isoformat()}"
    cache.add(key, secrets.token_hex(16), timeout=2 * 86_400)
    salt = cache.get(key)
    if salt is None:  # evicted between the two calls
        salt = secrets.token_hex(16)
        cache.set(key, salt, timeout=2 * 86_400)
    return salt.encode()


def _is_countable_article(article_id: int) -> bool:
    key = f"{PREFIX}article:{article_id}"
    known = cache.get(key)
    if known is None:
        known = Article.objects.published().filter(pk=article_id).exists()
        cache.set(key, known, ARTICLE_KNOWN_SECONDS if known else ARTICLE_UNKNOWN_SECONDS)
    return known


def _register(hour: datetime, article_id: int) -> None:
    """Note that ``article_id`` has a counter in this hour, so the flush can find it without
    listing cache keys (which the cache API can't do)."""
    slots = _slots_key(hour)
    cache.add(slots, 0, timeout=_buffer_seconds())
    number = cache.incr(slots)
    cache.set(_slot_key(hour, number), article_id, timeout=_buffer_seconds())


def view_record(*, article_id: int, ip: str, user_agent: str, purpose: str = "", now=None) -> bool:
    """Count one reader's view of a published article in the cache. Robots, prefetches,
    unknown or unpublished articles and the same reader's repeat views that day are not
    counted. Writes nothing to the database (reads it once per article every few minutes).
    Returns whether the view was counted."""
    if is_robot(user_agent) or "prefetch" in purpose.lower():
        return False
    if not _is_countable_article(article_id):
        return False
    now = now or timezone.now()
    day = timezone.localdate(now)
    reader = hashlib.blake2b(
        f"{ip}\n{user_agent}\n{article_id}".encode(), key=_daily_salt(day), digest_size=16
    ).hexdigest()
    if not cache.add(f"{PREFIX}seen:{day.isoformat()}:{reader}", 1, timeout=86_400):
        return False
    hour = hour_of(now)
    counter = _counter_key(hour, article_id)
    if cache.add(counter, 1, timeout=_buffer_seconds()):
        _register(hour, article_id)
        return True
    try:
        cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=_buffer_seconds())
        _register(hour, article_id)
    return True


def _buffered_counts(now: datetime) -> tuple[dict[tuple[datetime, int], str], list[str]]:
    """Counter keys per (hour, article) still in the cache, and the bookkeeping keys of hours
    that are over (dropped after the flush)."""
    hours = [hour_of(now) - timedelta(hours=n) for n in range(BUFFER_HOURS)]
    slot_totals = cache.get_many([_slots_key(h) for h in hours])
    slot_keys = {
        _slot_key(h, number): h
        for h in hours
        for number in range(1, (slot_totals.get(_slots_key(h)) or 0) + 1)
    }
    article_ids = cache.get_many(list(slot_keys))
    counters = {
        (hour, article_ids[key]): _counter_key(hour, article_ids[key])
        for key, hour in slot_keys.items()
        if key in article_ids
    }
    closed = {h for h in hours if h + timedelta(hours=1) + CLOSED_HOUR_GRACE <= now}
    stale = [_slots_key(h) for h in closed if _slots_key(h) in slot_totals]
    stale += [key for key, hour in slot_keys.items() if hour in closed]
    stale += [key for (hour, _), key in counters.items() if hour in closed]
    return counters, stale


def _add_to_table(counts: dict[tuple[int, datetime], int], *, now: datetime) -> int:
    """One upsert that adds to the stored counts (``views = views + new``), so concurrent
    flushes never overwrite each other. Rows of articles deleted meanwhile are skipped.
    Returns the number of views written."""
    existing = set(
        Article.objects.filter(pk__in={a for a, _ in counts}).values_list("pk", flat=True)
    )
    rows = [(a, h, n) for (a, h), n in counts.items() if a in existing]
    meta = ArticleViewCount._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    article_col, hour_col, views_col = (
        quote(meta.get_field(name).column) for name in ("article", "hour", "views")
    )
    hour_field = meta.get_field("hour")
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in batched(rows, 500):
            params = []
            for article_id, hour, views in batch:
                params += [article_id, hour_field.get_db_prep_value(hour, connection), views]
            cursor.execute(
                f"INSERT INTO {table} ({article_col}, {hour_col}, {views_col}) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s, %s)'] * len(batch))} "
                f"ON CONFLICT ({article_col}, {hour_col}) "
                f"DO UPDATE SET {views_col} = {table}.{views_col} + excluded.{views_col}",
                params,
            )
        ArticleViewCount.objects.filter(hour__lt=hour_of(now) - RETENTION).delete()
    return sum(views for _, _, views in rows)


def view_counts_flush(*, now=None) -> int:
    """Add the view counts buffered in the cache to ``ArticleViewCount`` in one bulk write,
    then drop the cache keys of hours that are over. Touches no table when nothing was
    counted or another flush is running. Returns the number of views written."""
    now = now or timezone.now()
    if not cache.add(_LOCK_KEY, 1, timeout=FLUSH_LOCK_SECONDS):
        return 0
    try:
        cache.set(_FLUSHED_KEY, 1, timeout=FLUSH_OVERDUE_SECONDS)
        counters, stale = _buffered_counts(now)
        values = cache.get_many(list(counters.values()))
        claimed: dict[tuple[int, datetime], int] = {}
        written = 0
        for (hour, article_id), key in counters.items():
            views = values.get(key) or 0
            if views > 0:
                # Take what was read; views counted meanwhile stay for the next flush.
                try:
                    cache.decr(key, views)
                except ValueError:
                    continue
                claimed[(article_id, hour)] = claimed.get((article_id, hour), 0) + views
        if claimed:
            try:
                written = _add_to_table(claimed, now=now)
            except Exception:
                for (article_id, hour), views in claimed.items():
                    cache.add(_counter_key(hour, article_id), 0, timeout=_buffer_seconds())
                    cache.incr(_counter_key(hour, article_id), views)
                raise
        cache.delete_many(stale)
        if written:
            logger.info("Flushed %d views of %d articles.", written, len({a for a, _ in claimed}))
        return written
    finally:
        cache.delete(_LOCK_KEY)


def view_counts_flush_if_overdue() -> int:
    """Flush when no flush ran for ``FLUSH_OVERDUE_SECONDS`` (no scheduled command, or a
    per-process cache): at most one write per interval, never one per view."""
    if cache.get(_FLUSHED_KEY) is not None:
        return 0
    return view_counts_flush()


@task
def view_counts_flush_task() -> int:
    """Run ``view_counts_flush`` from the task worker. Returns the number of views written."""
    return view_counts_flush()
