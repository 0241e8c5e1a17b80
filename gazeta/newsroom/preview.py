"""Secret, expiring preview links for unpublished articles and pending versions.

The link carries a signed article id (Django's TimestampSigner with SECRET_KEY), so it
needs no table and stops working after ``GAZETA_PREVIEW_LINK_HOURS`` or when SECRET_KEY
changes. Whoever holds the link sees the newest unpublished text, nothing else."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "gazeta.newsroom.preview"


def preview_token(*, article) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(article.pk))


def preview_url(*, article) -> str:
    return reverse("newsroom:article-preview", kwargs={"token": preview_token(article=article)})


def article_id_from_token(token: str) -> int | None:
    """The article id in ``token``, or None if it is forged or has expired."""
    max_age = settings.GAZETA_PREVIEW_LINK_HOURS * 3600
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return int(value) if value.isdigit() else None
