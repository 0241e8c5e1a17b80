from django.conf import settings

from .models import Section


def navigation(request):
    """The section menu in the masthead (one query) and the default desk name."""
    return {
        "nav_sections": list(Section.objects.only("name", "slug", "position")),
        "default_desk": settings.GAZETA_DEFAULT_DESK,
    }
