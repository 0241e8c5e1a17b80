"""Addresses remembered: ``reverse`` and ``static`` as Django computes them, each worked out
once per process and then reused. An article page links to some forty addresses (sections,
topics, authors, related articles) and four static files; Django's ``reverse`` costs about
20 µs each, a hashed static file's address about as much.

Nothing here can go stale: a page's address depends only on the URL patterns, the site's
script prefix and the arguments (a different prefix or URLconf is a different key, an edited
slug a different argument); a static file's address only on the storage and its manifest,
which a release replaces together with the processes. Changed settings (tests) clear the memo.
The memos are bounded (least recently used addresses go first).
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static as django_static
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

from gazeta.core import render_scope


@lru_cache(maxsize=8192)
def _reverse(viewname, args, kwargs, prefix, urlconf):
    return django_reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs or ()))


def reverse(viewname: str, args=None, kwargs=None) -> str:
    """Django's ``reverse`` for a view name and plain arguments (str or int)."""
    scope = render_scope.active()
    if scope is not None:  # inside a page render: read once for the page
        prefix, urlconf = scope.script_prefix, scope.urlconf
    else:
        prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    return _reverse(
        viewname,
        tuple(args) if args else None,
        tuple(sorted(kwargs.items())) if kwargs else None,
        prefix,
        urlconf,
    )


@lru_cache(maxsize=1024)
def static(path: str) -> str:
    """Django's ``static``: the address of a static file (hashed name in production)."""
    return django_static(path)


@receiver(setting_changed)
def _forget_static(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS"}:
        static.cache_clear()
