"""The site's URLs plus one view that always fails, to exercise ``handler500``."""

from django.urls import path

from gazeta.urls import handler404, handler500, urlpatterns  # noqa: F401


def crash(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("crapa/", crash), *urlpatterns]
