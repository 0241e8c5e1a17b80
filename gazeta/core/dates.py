"""Romanian datelines. Django's ``ro`` locale abbreviates November as "noi"; Romanian
newsrooms write "nov.", so Gazeta keeps its own table of short month names."""

from datetime import datetime

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


def local_dateline(local: datetime) -> str:
    """``01 nov. 2024, 17:21``, 24-hour clock, of a time already in the site's time zone."""
    month = ROMANIAN_SHORT_MONTHS[local.month - 1]
    return f"{local.day:02d} {month} {local.year}, {local.hour:02d}:{local.minute:02d}"
