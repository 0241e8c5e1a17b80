"""Slow follow-ups of purges, run by the task backend (see README, Production)."""

import json
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.tasks import task

CDN_TIMEOUT_SECONDS = 10


@task
def cdn_purge(paths: list[str], everything: bool = False) -> int:
    """POST the purged pages' absolute URLs to ``GAZETA_CDN_PURGE_URL`` as JSON
    (``{"urls": [...], "everything": false}``, with ``Authorization: Bearer`` when
    ``GAZETA_CDN_PURGE_TOKEN`` is set). Returns the HTTP status; an error status or an
    unreachable endpoint raises, so the task backend records the failure."""
    endpoint = settings.GAZETA_CDN_PURGE_URL
    if urlsplit(endpoint).scheme not in ("http", "https"):
        raise ValueError("GAZETA_CDN_PURGE_URL must be an http(s) address.")
    base = settings.GAZETA_SITE_URL
    payload = {"urls": [f"{base}{path}" for path in paths], "everything": everything}
    headers = {"Content-Type": "application/json"}
    if settings.GAZETA_CDN_PURGE_TOKEN:
        headers["Authorization"] = f"Bearer {settings.GAZETA_CDN_PURGE_TOKEN}"
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        endpoint, data=json.dumps(payload).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=CDN_TIMEOUT_SECONDS) as response:  # noqa: S310
        return response.status
