"""WSGI entry point (granian, gunicorn). With page files on, anonymous readers' requests for a
page that has a file are answered from it before Django is reached (docs/page-files.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazeta.settings.prod")

django_application = get_wsgi_application()

from gazeta.pagecache.serve import with_page_files  # noqa: E402 - needs the settings loaded

application = with_page_files(django_application)
