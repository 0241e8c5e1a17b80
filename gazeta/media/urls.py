import re

from django.conf import settings
from django.urls import re_path

from . import views

app_name = "media"

urlpatterns = [
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
        views.serve_media,
        name="file",
    ),
]
