"""One place that decides what public pages tell browsers and CDNs about caching."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control


def public_cache(response, *, max_age: int | None = None):
    """Mark a public page as cacheable by browsers (briefly) and shared caches (longer)."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.GAZETA_CACHE_BROWSER_MAX_AGE if max_age is None else max_age,
        s_maxage=settings.GAZETA_CACHE_SHARED_MAX_AGE,
        stale_while_revalidate=settings.GAZETA_CACHE_STALE_WHILE_REVALIDATE,
        stale_if_error=settings.GAZETA_CACHE_STALE_IF_ERROR,
    )
    return response


def private_no_cache(response):
    """Previews of unpublished work and per-reader pages are never stored anywhere. Replaces
    whatever caching headers the page had, so no shared-cache lifetime is left behind."""
    del response["Cache-Control"]
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response
