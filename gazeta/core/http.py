"""Request helpers shared by the apps."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The reader's address as the nearest proxy we run saw it: the last entry of
    ``GAZETA_TRUSTED_PROXY_HEADER`` when that is set, else the socket's ``REMOTE_ADDR``."""
    if settings.GAZETA_TRUSTED_PROXY_HEADER:
        forwarded = request.META.get(settings.GAZETA_TRUSTED_PROXY_HEADER, "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or None
