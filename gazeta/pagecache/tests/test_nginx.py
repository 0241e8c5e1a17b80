"""deploy/nginx/gazeta.conf in a real nginx in front of the test server: misses go to the app,
which writes the file; nginx serves it afterwards; personal requests always reach the app; a
purge makes the next request fresh. Skipped without Debian's nginx (CI installs it)."""

import gzip
import os
import subprocess
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.signals import request_started

from gazeta.newsroom.models import Article
from gazeta.newsroom.services import article_save
from gazeta.newsroom.tests.factories import ArticleFactory

from .conftest import stored
from .servers import fetch, free_port, stop, wait_for_port

NGINX = "/usr/sbin/nginx"
SITE_CONF = settings.BASE_DIR / "deploy" / "nginx" / "gazeta.conf"

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(NGINX), reason="nginx is not installed (apt-get install nginx)"
    ),
    pytest.mark.django_db(transaction=True),
]

MAIN_CONF = """{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/gazeta.conf;
}}
"""


@pytest.fixture
def app_requests():
    """Addresses of the requests that reached Django."""
    seen = []

    def record(sender, environ, **kwargs):
        seen.append(environ["PATH_INFO"])

    request_started.connect(record)
    yield seen
    request_started.disconnect(record)


@pytest.fixture
def nginx(live_server, page_files, tmp_path):
    """nginx with the shipped site configuration, only its EDIT lines changed."""
    port = free_port()
    site = SITE_CONF.read_text()
    for old, new in {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{urlsplit(live_server.url).port};",
        "default /srv/gazeta/var/pages;": f"default {page_files};",
    }.items():
        assert site.count(old) == 1, old
        site = site.replace(old, new)
    assert f"{settings.SESSION_COOKIE_NAME}|{settings.GAZETA_COMMENTER_COOKIE}" in site
    (tmp_path / "gazeta.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        MAIN_CONF.format(tmp=tmp_path, user="user root root;" if os.geteuid() == 0 else "")
    )
    log = (tmp_path / "nginx.out").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own configuration
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        log.close()


def test_a_miss_goes_to_the_app_and_later_readers_get_the_file_from_nginx(
    nginx, page_files, app_requests
):
    article = ArticleFactory(headline="Autostrada se deschide mâine")
    url = article.get_absolute_url()

    status, first, body = fetch(nginx + url)
    assert status == 200 and app_requests == [url]
    assert "X-Gazeta-Page" not in first
    assert stored(page_files, url) is not None

    status, again, body_again = fetch(nginx + url)
    assert status == 200 and app_requests == [url]
    assert again["X-Gazeta-Page"] == "file"
    assert body_again == body
    assert again["Content-Type"] == first["Content-Type"] == "text/html; charset=utf-8"
    assert again["Cache-Control"] == first["Cache-Control"]
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert again[header] == first[header], header

    status, compressed, gz = fetch(nginx + url, headers={"Accept-Encoding": "gzip"})
    assert compressed["Content-Encoding"] == "gzip" and gzip.decompress(gz) == body
    # Both variants say they vary, once (as the embedded server's files do).
    for served in (again, compressed):
        assert served.get_all("Vary") == ["Accept-Encoding"]
    status, _, _ = fetch(nginx + url, headers={"If-None-Match": again["ETag"]})
    assert status == 304
    status, _, _ = fetch(nginx + url + "?utm_source=newsletter&fbclid=x")
    assert status == 200 and app_requests == [url]

    fetch(nginx + url + "?page=2")
    fetch(nginx + url, method="POST")
    assert app_requests == [url, url, url]


@pytest.mark.parametrize(
    "path", ["/feed/", "/feed/atom/", "/sitemap.xml", "/sitemap/news.xml", "/robots.txt", "/"]
)
def test_feeds_sitemaps_and_robots_keep_their_content_type_and_headers(nginx, app_requests, path):
    ArticleFactory()
    _, rendered, body = fetch(nginx + path)
    _, served, body_again = fetch(nginx + path)

    assert app_requests == [path]
    assert served["X-Gazeta-Page"] == "file"
    assert body_again == body
    assert served["Content-Type"] == rendered["Content-Type"]
    assert served.get("X-Robots-Tag") == rendered.get("X-Robots-Tag")
    assert served["Cache-Control"] == rendered["Cache-Control"]
    assert served.get_all("Vary") == ["Accept-Encoding"]


@pytest.mark.parametrize(
    "cookie",
    [
        f"{settings.GAZETA_COMMENTER_COOKIE}=abc",
        f"_ga=1; {settings.SESSION_COOKIE_NAME}=xyz",
    ],
)
def test_a_personal_cookie_always_reaches_the_app(nginx, page_files, app_requests, cookie):
    url = ArticleFactory().get_absolute_url()
    fetch(nginx + url)
    assert stored(page_files, url) is not None

    for _ in range(2):
        status, headers, _ = fetch(nginx + url, headers={"Cookie": cookie})
        assert status == 200 and "X-Gazeta-Page" not in headers
    assert app_requests == [url, url, url]

    _, headers, _ = fetch(nginx + url, headers={"Cookie": "_ga=1"})
    assert headers["X-Gazeta-Page"] == "file"


def test_after_an_edit_the_next_request_is_fresh(nginx, page_files, app_requests):
    gzipped = {"Accept-Encoding": "gzip"}
    article = ArticleFactory(headline="Primul titlu al zilei")
    url = article.get_absolute_url()
    fetch(nginx + url)
    fetch(nginx + "/")
    # Served from the files (and kept open by nginx's open_file_cache) before the edit.
    assert b"Primul titlu al zilei" in fetch(nginx + url)[2]
    assert b"Primul titlu al zilei" in gzip.decompress(fetch(nginx + url, headers=gzipped)[2])

    article = Article.objects.select_related("section").get(pk=article.pk)
    article.headline = "Titlul corectat al zilei"
    article_save(article=article)

    _, headers, body = fetch(nginx + url)
    assert b"Titlul corectat al zilei" in body and "X-Gazeta-Page" not in headers
    assert b"Titlul corectat al zilei" in fetch(nginx + "/")[2]
    assert app_requests == [url, "/", url, "/"]
    _, headers, body = fetch(nginx + url)
    assert headers["X-Gazeta-Page"] == "file" and b"Titlul corectat al zilei" in body
    _, headers, body = fetch(nginx + url, headers=gzipped)
    assert headers["Content-Encoding"] == "gzip"
    assert b"Titlul corectat al zilei" in gzip.decompress(body)
    assert app_requests == [url, "/", url, "/"]


def test_a_folder_of_sitemaps_is_not_a_page(nginx, app_requests):
    ArticleFactory()
    fetch(nginx + "/sitemap/news.xml")

    status, headers, _ = fetch(nginx + "/sitemap/")
    assert status == 404 and "X-Gazeta-Page" not in headers
    assert app_requests == ["/sitemap/news.xml", "/sitemap/"]
