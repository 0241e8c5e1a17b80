from django.urls import path, register_converter

from . import converters, views

register_converter(converters.FourDigitYearConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "mm")

app_name = "newsroom"

urlpatterns = [
    path("autor/<slug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
    path("subiect/<slug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("arhiva/<yyyy:year>/", views.ArticleYearArchiveView.as_view(), name="archive-year"),
    path(
        "arhiva/<yyyy:year>/<mm:month>/",
        views.ArticleMonthArchiveView.as_view(),
        name="archive-month",
    ),
    path(
        "arhiva/<yyyy:year>/<mm:month>/<mm:day>/",
        views.ArticleDayArchiveView.as_view(),
        name="archive-day",
    ),
    path("v/<int:pk>/", views.ArticleBeaconView.as_view(), name="article-beacon"),
    path("cauta/", views.SearchView.as_view(), name="search"),
    path(
        "previzualizare/<str:token>/",
        views.ArticlePreviewView.as_view(),
        name="article-preview",
    ),
    path("corecturi/", views.CorrectionListView.as_view(), name="correction-list"),
    path("<slug:slug>/", views.SectionDetailView.as_view(), name="section-detail"),
    path(
        "<slug:section_slug>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="article-detail",
    ),
]
