"""Pages on their way out of Django: written once as files for anonymous readers, answered
from the file afterwards without touching the database, and given ETag, Last-Modified and
304s whether page files are on or off."""

import gzip

import pytest
from django.test import Client
from django.utils.http import http_date

from gazeta.newsroom.tests.factories import ArticleFactory, AuthorFactory, TagFactory
from gazeta.pagecache import files

from .conftest import stored

pytestmark = pytest.mark.django_db

CACHE_DIRECTIVES = {"public", "max-age", "s-maxage", "stale-while-revalidate", "stale-if-error"}


@pytest.fixture
def article():
    article = ArticleFactory(headline="Trenul de noapte revine", authors=[AuthorFactory()])
    article.tags.add(TagFactory())
    return article


def public_addresses(article) -> dict[str, str]:
    tag, author = article.tags.get(), article.authors.get()
    day = article.published_at
    return {
        "/": "text/html; charset=utf-8",
        article.get_absolute_url(): "text/html; charset=utf-8",
        article.section.get_absolute_url(): "text/html; charset=utf-8",
        tag.get_absolute_url(): "text/html; charset=utf-8",
        author.get_absolute_url(): "text/html; charset=utf-8",
        f"/arhiva/{day:%Y}/{day:%m}/": "text/html; charset=utf-8",
        "/corecturi/": "text/html; charset=utf-8",
        "/feed/": "application/rss+xml; charset=utf-8",
        "/feed/atom/": "application/atom+xml; charset=utf-8",
        f"/feed/sectiune/{article.section.slug}/": "application/rss+xml; charset=utf-8",
        f"/feed/subiect/{tag.slug}/atom/": "application/atom+xml; charset=utf-8",
        "/sitemap.xml": "application/xml",
        "/sitemap/articles.xml": "application/xml",
        "/sitemap/news.xml": "application/xml",
        "/robots.txt": "text/plain",
    }


def test_every_public_page_type_is_written_once_and_then_answered_from_its_file(
    client, page_files, article, django_assert_num_queries
):
    for url, content_type in public_addresses(article).items():
        rendered = client.get(url)
        assert rendered.status_code == 200, url
        assert stored(page_files, url) is not None, url

        with django_assert_num_queries(0):
            again = client.get(url)

        assert again["X-Gazeta-Page"] == "file", url
        assert again.content == rendered.content, url
        assert again["Content-Type"] == content_type == rendered["Content-Type"], url
        assert again["Cache-Control"] == rendered["Cache-Control"], url
        assert again["ETag"] == rendered["ETag"], url


def test_sitemaps_keep_their_noindex_header_when_served_from_the_file(client, page_files, article):
    client.get("/sitemap.xml")

    assert client.get("/sitemap.xml")["X-Robots-Tag"] == "noindex"


def test_a_file_is_answered_compressed_to_readers_who_accept_it(client, page_files, article):
    url = article.get_absolute_url()
    rendered = client.get(url)

    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == rendered.content


def test_pages_with_a_query_string_are_not_written(client, page_files, article):
    section = article.section.get_absolute_url()

    client.get(section, {"page": "1"})
    assert stored(page_files, section) is None

    client.get(section, {"utm_source": "facebook", "fbclid": "IwAR0"})
    assert stored(page_files, section) is not None
    assert client.get(section, {"utm_campaign": "x"})["X-Gazeta-Page"] == "file"
    assert "X-Gazeta-Page" not in client.get(section, {"page": "1"})


def test_head_requests_are_answered_from_files_but_never_write_them(client, page_files, article):
    url = article.get_absolute_url()
    client.head(url)
    assert stored(page_files, url) is None

    client.get(url)
    assert client.head(url)["X-Gazeta-Page"] == "file"


def test_nothing_is_written_with_page_files_off_or_debug_on(client, page_files, settings, article):
    url = article.get_absolute_url()
    settings.GAZETA_PAGE_FILES = False
    client.get(url)
    settings.GAZETA_PAGE_FILES = True
    settings.DEBUG = True
    client.get(url)

    assert stored(page_files, url) is None


def test_a_file_past_its_max_age_is_rendered_again(client, page_files, settings, article):
    import os
    import time

    url = article.get_absolute_url()
    client.get(url)
    name = stored(page_files, url)
    past = time.time() - 3600
    os.utime(name, (past, past))
    settings.GAZETA_PAGE_FILES_MAX_AGE = 600

    response = client.get(url)

    assert "X-Gazeta-Page" not in response
    assert name.stat().st_mtime > past + 1800


@pytest.mark.parametrize("files_on", [True, False])
def test_public_pages_carry_cdn_headers_and_validators(client, settings, tmp_path, files_on):
    settings.GAZETA_PAGE_FILES = files_on
    settings.GAZETA_PAGE_FILES_DIR = tmp_path
    article = ArticleFactory()

    for url in ("/", article.get_absolute_url(), "/feed/", "/sitemap.xml"):
        response = client.get(url)
        directives = {d.strip().split("=")[0] for d in response["Cache-Control"].split(",")}
        assert directives == CACHE_DIRECTIVES, url
        assert response["ETag"].startswith('"'), url
        assert response["Last-Modified"], url
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
        # Rendered again, an article differs by the second (its comment form's signed start
        # time) and is last modified when rendered; its file keeps both.
        if files_on or url != article.get_absolute_url():
            again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
            assert again.status_code == 304, url
            assert again.content == b""
        if files_on:
            since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
            assert since.status_code == 304, url


def test_the_etag_of_a_written_page_is_the_one_its_file_gets(client, page_files, article):
    url = article.get_absolute_url()
    rendered = client.get(url)

    stat = stored(page_files, url).stat()
    assert rendered["ETag"] == files.nginx_etag(stat)
    assert rendered["Last-Modified"] == http_date(int(stat.st_mtime))


def test_feeds_keep_their_own_last_modified_when_files_are_off(client, settings, article):
    response = client.get("/feed/")

    assert response["Last-Modified"] == http_date(article.published_at.timestamp())


def test_private_pages_get_no_validators(client, page_files):
    response = client.get("/cauta/", {"q": "tren"})

    assert "private" in response["Cache-Control"]
    assert "ETag" not in response
    assert stored(page_files, "/cauta/") is None


def test_pages_are_not_written_when_the_folder_cannot_be_written(client, settings, article):
    settings.GAZETA_PAGE_FILES = True
    settings.GAZETA_PAGE_FILES_DIR = "/proc/nu-se-poate"

    response = Client().get(article.get_absolute_url())

    assert response.status_code == 200
    assert "X-Gazeta-Page" not in response
