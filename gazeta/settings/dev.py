"""Local development: debug on, a throwaway secret, plain static files."""

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key"  # noqa: F405
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
