"""Test settings: only what must differ from base, each with its reason."""

from .base import *  # noqa: F403
from .base import STORAGES

SECRET_KEY = "test-only-insecure-key"  # noqa: S105 - tests never run in production
# Fast hashing: password strength is not what the tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Per-process cache: no Redis needed, nothing shared between xdist workers.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Manifest storage needs collectstatic before any page renders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps' folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run at once, inside the test; tests of the worker itself switch to the database backend.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Tests expect fresh renders; gazeta/pagecache's tests turn page files on in a temp folder.
# Nothing leaves the process: no purge stream, no CDN.
GAZETA_PAGE_FILES = False
GAZETA_PAGE_PURGE_REDIS_URL = ""
GAZETA_CDN_PURGE_URL = ""
