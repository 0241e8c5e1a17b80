"""What Gazeta keeps for one reader: the token that lets them see their own held comment,
and the consent cookie with their name, email and website. Pages showing either are private."""

from django.conf import settings
from django.core import signing

HELD_PARAM = "comentariu"
_held_signer = signing.Signer(salt="gazeta.comments.held-preview")


def held_comment_token(comment) -> str:
    return _held_signer.sign(str(comment.pk))


def held_comment_from_token(token: str) -> int | None:
    try:
        return int(_held_signer.unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def remember_commenter(request, response, data) -> None:
    """Keep name, email and website in the reader's browser only when they ticked the box."""
    cookie = settings.GAZETA_COMMENTER_COOKIE
    if data.get("remember"):
        value = signing.dumps(
            {"name": data["name"], "email": data["email"], "website": data.get("website", "")},
            salt="gazeta.comments.commenter",
            compress=True,
        )
        response.set_cookie(
            cookie,
            value,
            max_age=settings.GAZETA_COMMENTER_COOKIE_DAYS * 86_400,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    elif cookie in request.COOKIES:
        response.delete_cookie(cookie, samesite="Lax")


def remembered_commenter(request) -> dict:
    raw = request.COOKIES.get(settings.GAZETA_COMMENTER_COOKIE)
    if not raw:
        return {}
    try:
        data = signing.loads(raw, salt="gazeta.comments.commenter")
    except signing.BadSignature:
        return {}
    return {k: data.get(k, "") for k in ("name", "email", "website")} | {"remember": True}
