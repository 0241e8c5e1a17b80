"""``reverse`` remembered: the address of a page depends only on the URL patterns, the
site's script prefix and the arguments, so once worked out it is reused instead of matching
the patterns again. An article page links to some forty addresses (sections, topics,
authors, related articles); Django's ``reverse`` costs about 20 µs each.

Nothing here can go stale: a different prefix or URLconf is a different key, and an edited
slug is a different argument. The memo is bounded (least recently used addresses go first).
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


@lru_cache(maxsize=8192)
def _reverse(viewname, args, kwargs, prefix, urlconf):
    return django_reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs or ()))


def reverse(viewname: str, args=None, kwargs=None) -> str:
    """Django's ``reverse`` for a view name and plain arguments (str or int)."""
    return _reverse(
        viewname,
        tuple(args) if args else None,
        tuple(sorted(kwargs.items())) if kwargs else None,
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )
