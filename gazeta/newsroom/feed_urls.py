"""Feed addresses, all under ``/feed/`` so none can clash with a section's address."""

from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("", feeds.LatestArticlesFeed(), name="latest"),
    path("atom/", feeds.LatestArticlesAtomFeed(), name="latest-atom"),
    path("sectiune/<slug:slug>/", feeds.SectionFeed(), name="section"),
    path("sectiune/<slug:slug>/atom/", feeds.SectionAtomFeed(), name="section-atom"),
    path("subiect/<slug:slug>/", feeds.TagFeed(), name="tag"),
    path("subiect/<slug:slug>/atom/", feeds.TagAtomFeed(), name="tag-atom"),
    path("autor/<slug:slug>/", feeds.AuthorFeed(), name="author"),
    path("autor/<slug:slug>/atom/", feeds.AuthorAtomFeed(), name="author-atom"),
    path("corecturi/", feeds.CorrectionsFeed(), name="corrections"),
    path("corecturi/atom/", feeds.CorrectionsAtomFeed(), name="corrections-atom"),
]
