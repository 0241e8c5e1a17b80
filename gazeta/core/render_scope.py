"""What a page render reads again and again, read once per render.

Django keeps the active language, time zone, URL script prefix and URLconf in asgiref
``Local`` objects, which are safe across threads and async tasks but slow to read: a lock, a
context variable and, when nothing was activated (the usual case here: one language per
site), an exception caught on every read. An article page reads them some 150 times (every
translated word, every address, every date), which cost about a tenth of an uncached render.

A Jinja2 render (``gazeta/core/jinja2.py``) reads all four once when it starts and keeps them
in a plain context variable until it ends; the template helpers (``gettext``, ``reverse``,
``time_tag``) take them from there. Nothing can change them in the middle of a render, and
outside one (Python code, Django's templates) each helper reads the one value it needs from
Django.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import tzinfo

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation
from django.utils.translation import trans_null, trans_real
from django.utils.translation.trans_real import CONTEXT_SEPARATOR


@dataclass(frozen=True, slots=True)
class RenderScope:
    language: str | None  # translation.get_language()
    catalog: object  # the active translation (gettext, ngettext, pgettext, npgettext)
    timezone: tzinfo
    script_prefix: str
    urlconf: str

    @classmethod
    def read(cls) -> RenderScope:
        """Django's current values."""
        return cls(
            language=translation.get_language(),
            catalog=_catalog(),
            timezone=timezone.get_current_timezone(),
            script_prefix=get_script_prefix(),
            urlconf=get_urlconf() or settings.ROOT_URLCONF,
        )


def _catalog():
    """The active translation; with translation off, Django's ``trans_null`` (its module
    answers ``gettext`` and ``ngettext`` as a catalogue does)."""
    if settings.USE_I18N:
        return trans_real.catalog()
    return trans_null


_active: ContextVar[RenderScope | None] = ContextVar("gazeta_render_scope", default=None)


def active() -> RenderScope | None:
    """The scope of the render in progress, if any."""
    return _active.get()


def language() -> str | None:
    """The render's language, else Django's active one."""
    scope = _active.get()
    return scope.language if scope is not None else translation.get_language()


def _catalog_in_use():
    scope = _active.get()
    return scope.catalog if scope is not None else _catalog()


@contextmanager
def render_scope():
    """Read Django's values once for the render inside (an inner render keeps the outer's)."""
    if _active.get() is not None:
        yield
        return
    token = _active.set(RenderScope.read())
    try:
        yield
    finally:
        _active.reset(token)


def localtime(value=None):
    """Django's ``timezone.localtime`` (now, without ``value``) in the render's time zone."""
    scope = _active.get()
    # Without a render, Django's localtime reads the active time zone itself.
    return timezone.localtime(value, scope.timezone if scope is not None else None)


# Django's gettext functions, on the catalog of the render in progress (same answers: see
# django.utils.translation.trans_real, whose pgettext marks a missing translation by the
# context separator it would otherwise return).


def gettext(message: str) -> str:
    # An empty message id would be answered with the catalogue's header.
    return _catalog_in_use().gettext(message) if message else message


def ngettext(singular: str, plural: str, number: int) -> str:
    return _catalog_in_use().ngettext(singular, plural, number)


def pgettext(context: str, message: str) -> str:
    result = gettext(f"{context}{CONTEXT_SEPARATOR}{message}")
    return message if CONTEXT_SEPARATOR in result else result


def npgettext(context: str, singular: str, plural: str, number: int) -> str:
    result = ngettext(
        f"{context}{CONTEXT_SEPARATOR}{singular}", f"{context}{CONTEXT_SEPARATOR}{plural}", number
    )
    return ngettext(singular, plural, number) if CONTEXT_SEPARATOR in result else result
