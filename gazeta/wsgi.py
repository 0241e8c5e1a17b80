"""WSGI entry point (granian, gunicorn). With page files on, anonymous readers' requests for a
page that has a file are answered from it before Django is reached (docs/page-files.md).

Everything loaded up to here (Django, the apps, their modules: about 100,000 objects the
garbage collector tracks) lives as long as the worker, so it is frozen out of the
collector's reach: otherwise a full collection walks it all again in the middle of some
request (51–59 ms on a search page here, against 3 ms at worst with it frozen)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazeta.settings.prod")

django_application = get_wsgi_application()

from gazeta.pagecache.serve import with_page_files  # noqa: E402 - needs the settings loaded

application = with_page_files(django_application)

gc.freeze()
