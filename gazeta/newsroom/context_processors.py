from django.conf import settings

from gazeta.core.prepared import PreparedQuery

from .models import Section

# On every page: built once per process (see core/prepared.py).
_SECTIONS = PreparedQuery(lambda: Section.objects.only("name", "slug", "position"))


def navigation(request):
    """The section menu in the masthead (one query) and the default desk name."""
    return {
        "nav_sections": _SECTIONS.all(),
        "default_desk": settings.GAZETA_DEFAULT_DESK,
    }
