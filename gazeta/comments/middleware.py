from django.conf import settings
from django.utils.cache import patch_vary_headers

from gazeta.core.cache import private_no_cache

from .personal import HELD_PARAM


class PersonalisedPageMiddleware:
    """A page that shows one reader's own data (the form filled from their consent cookie,
    their comment still held for moderation) must never be stored by a shared cache. Only
    HTML pages carry the comment form: images, feeds and sitemaps stay shareable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.get("Content-Type", "").startswith("text/html")
            and (request.COOKIES.get(settings.GAZETA_COMMENTER_COOKIE) or HELD_PARAM in request.GET)
        ):
            private_no_cache(response)
            patch_vary_headers(response, ["Cookie"])
        return response
