from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from gazeta.newsroom import sitemaps
from gazeta.newsroom.api import api

admin.site.site_header = _("Gazeta newsroom")
admin.site.site_title = _("Gazeta newsroom")
admin.site.index_title = _("Newsroom administration")


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("comentarii/", include("gazeta.comments.urls")),
    path("api/", api.urls),
    path("feed/", include("gazeta.newsroom.feed_urls")),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("sitemap/news.xml", sitemaps.news_sitemap, name="sitemap-news"),
    path("sitemap/<slug:section>.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    path("", include("gazeta.media.urls")),
    path("", include("gazeta.frontpage.urls")),
    path("", include("gazeta.newsroom.urls")),
]

handler404 = "gazeta.core.views.page_not_found"
handler500 = "gazeta.core.views.server_error"
