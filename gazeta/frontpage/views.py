from math import ceil

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from gazeta.core.cache import public_cache

from .selectors import home_page_stories


def cache_until(response, moment):
    """Public caching, but never past ``moment`` (when time alone changes the page): browsers
    and shared caches keep it at most until then."""
    public_cache(response)
    if moment is not None:
        seconds = max(0, ceil((moment - timezone.now()).total_seconds()))
        patch_cache_control(
            response,
            max_age=min(settings.GAZETA_CACHE_BROWSER_MAX_AGE, seconds),
            s_maxage=min(settings.GAZETA_CACHE_SHARED_MAX_AGE, seconds),
        )
    return response


class HomeView(TemplateView):
    """The home page: curated slots, the breaking-news banner, latest and section blocks."""

    template_name = "frontpage/home.html"

    def get(self, request, *args, **kwargs):
        page = home_page_stories()
        response = self.render_to_response(self.get_context_data(page=page, **kwargs))
        return cache_until(response, page.next_change_at)
