"""Sitemaps (sitemaps.org protocol), the Google News sitemap and robots.txt.

Addresses are built on ``GAZETA_SITE_URL`` like the canonical links, whatever host the request
used. Django's ``Sitemap`` splits a sitemap into pages of at most 50,000 addresses; the index
lists every page."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.http import Http404, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from gazeta.core.cache import public_cache

from .models import Article, Author, Section, Tag
from .structured_data import absolute_url, article_lastmod, language

# Google News: only articles published in the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000
# Paths crawlers have no business in: the back office, search results, comment posting, the API.
# /v/ is the most-read beacon: a crawler fetching it would count as a reader.
ROBOTS_DISALLOW = ("/admin/", "/cauta/", "/comentarii/", "/api/", "/v/")


class SiteSitemap(Sitemap):
    """Addresses on ``GAZETA_SITE_URL``, the same as the pages' canonical links."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.GAZETA_SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.GAZETA_SITE_URL).netloc


def _latest_change(articles):
    """Subquery: when the newest change among ``articles`` (published or edited) happened."""
    changed = Greatest("published_at", "updated_at", output_field=DateTimeField())
    return Subquery(
        articles.annotate(changed=changed).order_by("-changed").values("changed")[:1],
        output_field=DateTimeField(),
    )


class ArticleSitemap(SiteSitemap):
    def items(self):
        return (
            Article.objects.published()
            .select_related("section")
            .only("slug", "section__slug", "published_at", "revised_at", "updated_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, article):
        return article_lastmod(article)

    def get_latest_lastmod(self):
        """The newest publication or change of a published article: two index reads, each
        stopping at its first published row (``revised_at`` is set by a save, so it is never
        after ``updated_at``)."""
        published = Article.objects.published()
        latest = [
            published.order_by(f"-{field}").values_list(field, flat=True).first()
            for field in ("published_at", "updated_at")
        ]
        return max((d for d in latest if d), default=None)


class ListingSitemap(SiteSitemap):
    """Pages that list articles (sections, topics, authors): only those with a published
    article, each last modified when its newest article was published or edited."""

    model = None
    article_filter = ""

    def items(self):
        articles = Article.objects.published().filter(**{self.article_filter: OuterRef("pk")})
        return (
            self.model.objects.annotate(last_change=_latest_change(articles))
            .filter(last_change__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, obj):
        return obj.last_change


class SectionSitemap(ListingSitemap):
    model = Section
    article_filter = "section"


class TagSitemap(ListingSitemap):
    model = Tag
    article_filter = "tags"


class AuthorSitemap(ListingSitemap):
    model = Author
    article_filter = "authors"


class NewsSitemap(ArticleSitemap):
    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .select_related("section")
            .only("headline", "slug", "section__slug", "published_at", "revised_at", "updated_at")
            .order_by("-published_at", "-id")[:NEWS_LIMIT]
        )

    def get_latest_lastmod(self):
        return max((self.lastmod(a) for a in self.items()), default=None)


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


@dataclass
class IndexEntry:
    location: str
    lastmod: datetime | None


def _xml_response(template: str, context: dict, *, lastmod=None):
    """Rendered without the request: no context processor (no section menu query) runs."""
    headers = {"X-Robots-Tag": "noindex"}
    if lastmod:
        headers["Last-Modified"] = http_date(lastmod.timestamp())
    response = SimpleTemplateResponse(
        template, context, content_type="application/xml", headers=headers
    )
    return public_cache(response)


def _urlset(request, sitemap: Sitemap, template: str, **context):
    try:
        urls = sitemap.get_urls(page=request.GET.get("p", "1"))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such sitemap page.") from error
    return _xml_response(
        template, {"urlset": urls, **context}, lastmod=getattr(sitemap, "latest_lastmod", None)
    )


def sitemap_index(request):
    """The sitemap index: every page of every sitemap, then the Google News sitemap."""
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute_url(reverse("sitemap", kwargs={"section": name}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(IndexEntry(location, lastmod))
        entries.extend(
            IndexEntry(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        )
    news = absolute_url(reverse("sitemap-news"))
    entries.append(IndexEntry(news, NewsSitemap().get_latest_lastmod()))
    return _xml_response("sitemaps/index.xml", {"sitemaps": entries})


def sitemap(request, section):
    """One page (``?p=``) of one sitemap from ``SITEMAPS``; 404 for an unknown one."""
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    return _urlset(request, SITEMAPS[section](), "sitemaps/sitemap.xml")


def news_sitemap(request):
    """Google News sitemap: articles published in the last 48 hours, newest first."""
    return _urlset(
        request,
        NewsSitemap(),
        "sitemaps/news.xml",
        publication_name=settings.GAZETA_SITE_NAME,
        publication_language=language(),
    )


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines += [
        f"Sitemap: {absolute_url(reverse('sitemap-index'))}",
        f"Sitemap: {absolute_url(reverse('sitemap-news'))}",
    ]
    return public_cache(HttpResponse("\n".join(lines) + "\n", content_type="text/plain"))
