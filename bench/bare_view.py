"""The baseline for Gazeta's own pages: a bare Django project with one view that returns the
same bytes from memory for every address (no middleware, no database, no template).

``bench/pages.py`` runs it under granian with the same options and worker count as Gazeta;
the bytes come from the file named in ``BARE_VIEW_BODY``. Not part of the site.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    SECRET_KEY=secrets.token_urlsafe(64),
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_I18N=False,
)

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after configure()
from django.http import HttpResponse  # noqa: E402
from django.urls import re_path  # noqa: E402

BODY = Path(os.environ["BARE_VIEW_BODY"]).read_bytes()


def page(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [re_path(r"", page)]

application = get_wsgi_application()
