"""Romanian datelines. Django's ``ro`` locale abbreviates November as "noi"; Romanian
newsrooms write "nov.", so Gazeta keeps its own table of short month names."""

from datetime import datetime

from django.utils import timezone

ROMANIAN_SHORT_MONTHS = (
    "ian.",
    "feb.",
    "mar.",
    "apr.",
    "mai",
    "iun.",
    "iul.",
    "aug.",
    "sept.",
    "oct.",
    "nov.",
    "dec.",
)


def romanian_dateline(value: datetime) -> str:
    """``01 nov. 2024, 17:21`` in the site's time zone, 24-hour clock."""
    return local_dateline(timezone.localtime(value))


def local_dateline(local: datetime) -> str:
    """``romanian_dateline`` of a time already in the site's time zone."""
    month = ROMANIAN_SHORT_MONTHS[local.month - 1]
    return f"{local.day:02d} {month} {local.year}, {local.hour:02d}:{local.minute:02d}"
