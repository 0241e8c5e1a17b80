from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("comentarii/", include("gazeta.comments.urls")),
    path("", include("gazeta.newsroom.urls")),
]

handler404 = "gazeta.core.views.page_not_found"
handler500 = "gazeta.core.views.server_error"
