"""Sitemaps checked against the sitemaps.org protocol and Google's News sitemap rules, read
with xml.etree: namespaces, required elements, limits and W3C datetimes; and robots.txt."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from gazeta.newsroom import sitemaps
from gazeta.newsroom.models import Article
from gazeta.newsroom.services import article_save

from .factories import ArticleFactory, AuthorFactory, DraftFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

SITE = "https://www.gazeta.test"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
URL_CHILDREN = {f"{{{SM}}}{name}" for name in ("loc", "lastmod", "changefreq", "priority")}
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime): a date, or a time with its zone.
W3C_DATETIME = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.GAZETA_SITE_URL = SITE


def absolute(path: str) -> str:
    return f"{SITE}{path}"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == SITE, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def w3c(value: datetime) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def get_xml(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def check_urlset(root: ET.Element, *, news: bool = False) -> dict[str, ET.Element]:
    """The sitemaps.org rules every urlset follows; returns its <url> elements by <loc>."""
    assert root.tag == f"{{{SM}}}urlset"
    urls = {}
    for url in root:
        assert url.tag == f"{{{SM}}}url"
        allowed = URL_CHILDREN | ({f"{{{NEWS}}}news"} if news else set())
        assert {child.tag for child in url} <= allowed
        (loc,) = url.findall(f"{{{SM}}}loc")
        assert loc.text.startswith(SITE + "/") and len(loc.text) < 2048
        assert len(url.findall(f"{{{SM}}}lastmod")) <= 1
        for lastmod in url.findall(f"{{{SM}}}lastmod"):
            assert W3C_DATETIME.match(lastmod.text), lastmod.text
        assert loc.text not in urls, "an address is listed twice"
        urls[loc.text] = url
    assert len(urls) <= 50_000
    return urls


def lastmods(urls: dict[str, ET.Element]) -> dict[str, str]:
    return {loc: url.findtext(f"{{{SM}}}lastmod") for loc, url in urls.items()}


@pytest.fixture
def newsroom(now):
    politics = SectionFactory(name="Politică", slug="politica")
    SectionFactory(name="Sport", slug="sport")  # nothing published: not listed
    reporter = AuthorFactory(name="Ana Pop", slug="ana-pop")
    AuthorFactory(name="Fără Articole", slug="fara-articole")
    elections = TagFactory(name="Alegeri", slug="alegeri")
    TagFactory(name="Nefolosit", slug="nefolosit")
    recent = ArticleFactory(
        headline="Rezultatele alegerilor & „surprizele” serii",
        slug="rezultatele-alegerilor",
        section=politics,
        published_at=now - timedelta(hours=2),
        authors=[reporter],
    )
    recent.tags.set([elections])
    old = ArticleFactory(
        headline="Arhivă: campania din 2020",
        slug="campania-din-2020",
        section=politics,
        published_at=now - timedelta(days=3),
    )
    hidden = DraftFactory(headline="Ciornă", slug="ciorna", section=SectionFactory(slug="ascunsa"))
    hidden.tags.set([TagFactory(slug="doar-ciorne")])
    ArticleFactory(
        headline="Mâine",
        slug="maine",
        section=politics,
        status=Article.Status.SCHEDULED,
        published_at=now + timedelta(hours=3),
        authors=[AuthorFactory(slug="doar-programat")],
    )
    return {"politics": politics, "reporter": reporter, "recent": recent, "old": old}


def test_robots_txt_points_at_the_sitemap_index_and_the_news_sitemap(client, newsroom):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /cauta/" in lines
    sitemap_lines = [
        line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap:")
    ]
    assert sitemap_lines == [absolute("/sitemap.xml"), absolute("/sitemap/news.xml")]
    for url in sitemap_lines:
        assert client.get(path_of(url)).status_code == 200


def test_sitemap_index_lists_every_sitemap_with_its_last_change(client, newsroom, now):
    root = get_xml(client, reverse("sitemap-index"))
    assert root.tag == f"{{{SM}}}sitemapindex"
    entries = {}
    for sitemap in root:
        assert sitemap.tag == f"{{{SM}}}sitemap"
        assert {child.tag for child in sitemap} <= {f"{{{SM}}}loc", f"{{{SM}}}lastmod"}
        loc = sitemap.findtext(f"{{{SM}}}loc")
        lastmod = sitemap.findtext(f"{{{SM}}}lastmod")
        assert W3C_DATETIME.match(lastmod), lastmod
        entries[loc] = lastmod
    assert list(entries) == [
        absolute("/sitemap/articles.xml"),
        absolute("/sitemap/sections.xml"),
        absolute("/sitemap/tags.xml"),
        absolute("/sitemap/authors.xml"),
        absolute("/sitemap/news.xml"),
    ]
    # Every article was created "now" (updated_at); nothing was published later.
    assert set(entries.values()) == {w3c(now)}
    for loc in entries:
        check_urlset(get_xml(client, path_of(loc)), news=loc.endswith("/news.xml"))


def test_article_sitemap_lists_published_articles_with_their_last_change(
    client, newsroom, now, time_machine
):
    recent = newsroom["recent"]
    time_machine.move_to(now + timedelta(hours=1), tick=False)
    recent.body = "<p>Text nou, corectat.</p>"
    article_save(article=recent)
    urls = check_urlset(get_xml(client, reverse("sitemap", kwargs={"section": "articles"})))
    assert lastmods(urls) == {
        absolute(recent.get_absolute_url()): w3c(now + timedelta(hours=1)),
        absolute(newsroom["old"].get_absolute_url()): w3c(now),
    }


def test_lastmod_is_never_before_publication(client, now, time_machine):
    scheduled = ArticleFactory(
        status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=1)
    )
    time_machine.move_to(now + timedelta(hours=2), tick=False)
    urls = check_urlset(get_xml(client, reverse("sitemap", kwargs={"section": "articles"})))
    assert lastmods(urls) == {absolute(scheduled.get_absolute_url()): w3c(now + timedelta(hours=1))}


def test_section_tag_and_author_sitemaps_list_only_pages_with_published_articles(
    client, newsroom, now
):
    expected = {
        "sections": [newsroom["politics"].get_absolute_url()],
        "tags": [reverse("newsroom:tag-detail", kwargs={"slug": "alegeri"})],
        "authors": [newsroom["reporter"].get_absolute_url()],
    }
    for name, paths in expected.items():
        urls = check_urlset(get_xml(client, reverse("sitemap", kwargs={"section": name})))
        assert lastmods(urls) == {absolute(path): w3c(now) for path in paths}, name


def test_listing_lastmod_follows_its_newest_article(client, newsroom, now, time_machine):
    later = now + timedelta(hours=1)
    time_machine.move_to(later, tick=False)
    ArticleFactory(section=newsroom["politics"], published_at=later, authors=[newsroom["reporter"]])
    sections = check_urlset(get_xml(client, reverse("sitemap", kwargs={"section": "sections"})))
    authors = check_urlset(get_xml(client, reverse("sitemap", kwargs={"section": "authors"})))
    assert lastmods(sections) == {absolute("/politica/"): w3c(later)}
    assert lastmods(authors) == {absolute("/autor/ana-pop/"): w3c(later)}


def test_sitemaps_never_list_drafts_or_scheduled_articles(client, newsroom):
    for name in ("articles", "sections", "tags", "authors"):
        content = client.get(reverse("sitemap", kwargs={"section": name})).content.decode()
        for hidden in ("ciorna", "maine", "ascunsa", "doar-ciorne", "doar-programat"):
            assert hidden not in content, (name, hidden)
    assert "/maine/" not in client.get(reverse("sitemap-news")).content.decode()


def test_large_sitemap_is_split_into_pages_listed_in_the_index(client, now, monkeypatch):
    assert sitemaps.ArticleSitemap.limit == 50_000
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    section = SectionFactory()
    articles = [
        ArticleFactory(section=section, published_at=now - timedelta(minutes=i + 1))
        for i in range(5)
    ]
    index = get_xml(client, reverse("sitemap-index"))
    article_maps = [loc.text for loc in index.iter(f"{{{SM}}}loc") if "/articles.xml" in loc.text]
    assert article_maps == [
        absolute("/sitemap/articles.xml"),
        absolute("/sitemap/articles.xml?p=2"),
        absolute("/sitemap/articles.xml?p=3"),
    ]
    listed = []
    for url in article_maps:
        urls = check_urlset(get_xml(client, path_of(url)))
        assert len(urls) <= 2
        listed += list(urls)
    assert listed == [absolute(a.get_absolute_url()) for a in articles]


@pytest.mark.parametrize("page", ["4", "0", "x"])
def test_sitemap_page_out_of_range_is_404(client, now, page):
    ArticleFactory()
    url = reverse("sitemap", kwargs={"section": "articles"})
    assert client.get(url, {"p": page}).status_code == 404


def test_unknown_sitemap_is_404(client, db):
    assert client.get(reverse("sitemap", kwargs={"section": "nimic"})).status_code == 404


def test_news_sitemap_follows_google_news_rules(client, newsroom):
    response = client.get(reverse("sitemap-news"))
    assert b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in response.content
    urls = check_urlset(ET.fromstring(response.content), news=True)  # noqa: S314
    recent = newsroom["recent"]
    assert list(urls) == [absolute(recent.get_absolute_url())]
    (news,) = urls[absolute(recent.get_absolute_url())].findall(f"{{{NEWS}}}news")
    assert [child.tag for child in news] == [
        f"{{{NEWS}}}publication",
        f"{{{NEWS}}}publication_date",
        f"{{{NEWS}}}title",
    ]
    publication = news.find(f"{{{NEWS}}}publication")
    assert publication.findtext(f"{{{NEWS}}}name") == "Gazeta"
    assert publication.findtext(f"{{{NEWS}}}language") == "ro"
    published = news.findtext(f"{{{NEWS}}}publication_date")
    assert W3C_DATETIME.match(published)
    assert datetime.fromisoformat(published) == recent.published_at
    assert news.findtext(f"{{{NEWS}}}title") == "Rezultatele alegerilor & „surprizele” serii"


def test_news_sitemap_keeps_only_the_last_48_hours(client, now):
    inside = ArticleFactory(published_at=now - timedelta(hours=47, minutes=59))
    ArticleFactory(published_at=now - timedelta(hours=48, minutes=1))
    urls = check_urlset(get_xml(client, reverse("sitemap-news")), news=True)
    assert list(urls) == [absolute(inside.get_absolute_url())]


def test_news_sitemap_holds_at_most_1000_newest_articles(client, now):
    section = SectionFactory()
    Article.objects.bulk_create(
        Article(
            headline=f"Știrea {i}",
            slug=f"stirea-{i}",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i + 1),
        )
        for i in range(1001)
    )
    urls = check_urlset(get_xml(client, reverse("sitemap-news")), news=True)
    assert len(urls) == 1000
    assert absolute(f"/{section.slug}/stirea-0/") in urls
    assert absolute(f"/{section.slug}/stirea-1000/") not in urls
    index = get_xml(client, reverse("sitemap-index"))
    news_maps = [loc.text for loc in index.iter(f"{{{SM}}}loc") if "news" in loc.text]
    assert news_maps == [absolute("/sitemap/news.xml")]


def test_empty_site_still_has_valid_sitemaps(client, db):
    root = get_xml(client, reverse("sitemap-index"))
    for loc in root.iter(f"{{{SM}}}loc"):
        urls = check_urlset(get_xml(client, path_of(loc.text)), news="news" in loc.text)
        assert urls == {}


def test_sitemaps_and_robots_are_publicly_cacheable(client, newsroom):
    for url in (
        "/robots.txt",
        reverse("sitemap-index"),
        reverse("sitemap-news"),
        reverse("sitemap", kwargs={"section": "articles"}),
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "public" in cache_control and "s-maxage=" in cache_control, url


@pytest.mark.parametrize("count", [3, 40])
def test_sitemap_query_counts_do_not_grow_with_the_archive(
    client, now, count, django_assert_num_queries
):
    tags = [TagFactory(), TagFactory()]
    authors = [AuthorFactory(), AuthorFactory()]
    for i in range(count):
        article = ArticleFactory(published_at=now - timedelta(hours=i), authors=authors)
        article.tags.set(tags)
    # Count for the paginator, then one page.
    for name in ("articles", "sections", "tags", "authors"):
        with django_assert_num_queries(2):
            client.get(reverse("sitemap", kwargs={"section": name}))
    with django_assert_num_queries(2):
        client.get(reverse("sitemap-news"))
