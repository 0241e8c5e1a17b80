from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views import static

from .models import UPLOAD_TO

# Everything under images/ has a content hash in its name (originals and renditions): a
# changed picture is a new address, so browsers and CDNs may keep these for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
HASHED_PREFIX = UPLOAD_TO.split("/", 1)[0] + "/"
OTHER_MEDIA = "public, max-age=3600"
CONTENT_TYPES = {".webp": "image/webp", ".avif": "image/avif"}


def serve_media(request, path):
    """Uploaded files from ``MEDIA_ROOT`` when the app serves them itself
    (``GAZETA_SERVE_MEDIA``, the demo); in production nginx or a CDN answers ``/media/``
    before the app sees it (docs/media.md). Conditional requests get a 304."""
    if not settings.GAZETA_SERVE_MEDIA:
        raise Http404("Media files are not served by the application.")
    try:
        response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:  # "../" out of MEDIA_ROOT: nothing to see there
        raise Http404("No such media file.") from None
    suffix = path[path.rfind(".") :].lower()
    if suffix in CONTENT_TYPES and response.status_code == 200:
        response["Content-Type"] = CONTENT_TYPES[suffix]
    response["Cache-Control"] = IMMUTABLE if path.startswith(HASHED_PREFIX) else OTHER_MEDIA
    return response
