"""The embedded page-file server (gazeta/wsgi.py): which requests it answers from a file, with
which headers, encodings and 304s; everything else reaches the app."""

import gzip
import io
import os
import time

import brotli
import pytest
from django.utils.http import http_date

from gazeta.pagecache import files
from gazeta.pagecache.serve import PageFileServer

HTML = "text/html; charset=utf-8"
BODY = ("<!doctype html><title>Știre</title>" + "<p>Un paragraf lung.</p>" * 200).encode()
CACHE = "public, max-age=60, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400"
STORED = [("Content-Type", HTML), ("Cache-Control", CACHE), ("X-Frame-Options", "DENY")]


class App:
    """Stands in for Django: counts the requests that reach it."""

    def __init__(self):
        self.calls = []

    def __call__(self, environ, start_response):
        self.calls.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"from the app"]


def call(server, path="/sport/", method="GET", **headers):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    for name, value in headers.items():
        key = name.upper() if name.upper() == "QUERY_STRING" else f"HTTP_{name.upper()}"
        environ[key] = value
    answer = {}

    def start_response(status, response_headers):
        answer["status"] = status
        answer["headers"] = dict(response_headers)

    answer["body"] = b"".join(server(environ, start_response))
    return answer


@pytest.fixture
def root(tmp_path):
    marker = files.purge_marker(str(tmp_path), "/sport/")
    assert files.write(str(tmp_path), "/sport/", BODY, STORED, content_type=HTML, marker=marker)
    return tmp_path


@pytest.fixture
def app():
    return App()


@pytest.fixture
def server(root, app):
    return PageFileServer(
        app,
        root=root,
        personal_cookies=("sessionid", "gazeta_commenter"),
        ignored_params=("utm_source", "fbclid"),
    )


def test_a_stored_page_is_answered_from_its_file_with_the_headers_it_was_rendered_with(
    server, app, root
):
    answer = call(server)

    assert app.calls == []
    assert answer["status"] == "200 OK"
    assert answer["body"] == BODY
    headers = answer["headers"]
    assert headers["Content-Type"] == HTML
    assert headers["Cache-Control"] == CACHE
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Length"] == str(len(BODY))
    assert headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in headers
    stat = (root / "sport" / "index.html").stat()
    assert headers["ETag"] == f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'
    assert headers["Last-Modified"] == http_date(int(stat.st_mtime))


@pytest.mark.parametrize(
    ("accept", "coding", "decode"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("br;q=0, gzip", "gzip", gzip.decompress),
        ("identity", None, bytes),
    ],
)
def test_the_encoding_follows_accept_encoding(server, accept, coding, decode):
    answer = call(server, accept_encoding=accept)

    assert answer["headers"].get("Content-Encoding") == coding
    assert decode(answer["body"]) == BODY
    assert answer["headers"]["Content-Length"] == str(len(answer["body"]))


def test_each_encoding_has_its_own_etag(server):
    etags = {call(server, accept_encoding=a)["headers"]["ETag"] for a in ("br", "gzip", "")}
    assert len(etags) == 3


def test_if_none_match_with_the_current_etag_gets_a_304_without_body(server):
    etag = call(server, accept_encoding="br")["headers"]["ETag"]

    answer = call(server, accept_encoding="br", if_none_match=f'"other", {etag}')

    assert answer["status"] == "304 Not Modified"
    assert answer["body"] == b""
    assert answer["headers"]["ETag"] == etag
    assert answer["headers"]["Cache-Control"] == CACHE
    assert "Content-Length" not in answer["headers"]


def test_a_stale_etag_gets_the_page(server):
    answer = call(server, if_none_match='"5f0a-10"')
    assert answer["status"] == "200 OK" and answer["body"] == BODY


def test_if_modified_since_the_files_time_gets_a_304(server):
    last_modified = call(server)["headers"]["Last-Modified"]

    assert call(server, if_modified_since=last_modified)["status"] == "304 Not Modified"
    assert call(server, if_modified_since=http_date(0))["status"] == "200 OK"


def test_head_gets_the_headers_without_the_body(server, app):
    answer = call(server, method="HEAD")

    assert answer["status"] == "200 OK"
    assert answer["body"] == b""
    assert answer["headers"]["Content-Length"] == str(len(BODY))
    assert app.calls == []


@pytest.mark.parametrize(
    "headers",
    [
        {"cookie": "gazeta_commenter=eyJuYW1lIjoiQW5hIn0"},
        {"cookie": "csrftoken=abc; sessionid=xyz"},
        {"query_string": "page=2"},
        {"query_string": "comentariu=17:abc"},
        {"query_string": "utm_source=x&raspunde=4"},
    ],
)
def test_personal_cookies_and_query_strings_go_to_the_app(server, app, headers):
    answer = call(server, **headers)

    assert answer["body"] == b"from the app"
    assert app.calls == ["/sport/"]


@pytest.mark.parametrize(
    "headers",
    [
        {"cookie": "csrftoken=abc; _ga=1"},
        {"query_string": "utm_source=facebook&fbclid=IwAR0"},
    ],
)
def test_other_cookies_and_campaign_tags_still_get_the_file(server, app, headers):
    assert call(server, **headers)["body"] == BODY
    assert app.calls == []


def test_post_and_unknown_addresses_go_to_the_app(server, app):
    call(server, method="POST")
    call(server, path="/politica/")
    call(server, path="/sport/index.html")
    call(server, path="/sport/../sport/")

    assert app.calls == ["/sport/", "/politica/", "/sport/index.html", "/sport/../sport/"]


def test_a_purge_is_seen_on_the_next_request(server, app, root):
    assert call(server)["body"] == BODY
    files.delete(str(root), ["/sport/"])

    assert call(server)["body"] == b"from the app"


def test_a_rewritten_page_is_read_again(server, root):
    call(server)
    marker = files.purge_marker(str(root), "/sport/")
    new = BODY.replace("Știre".encode(), "Știre nouă".encode())
    time.sleep(0.01)
    files.write(str(root), "/sport/", new, STORED, content_type=HTML, marker=marker)

    assert call(server)["body"] == new
    assert brotli.decompress(call(server, accept_encoding="br")["body"]) == new


def test_a_file_older_than_the_max_age_goes_to_the_app(root, app):
    server = PageFileServer(app, root=root, max_age=60)
    name = root / "sport" / "index.html"
    assert call(server)["body"] == BODY

    past = time.time() - 120
    os.utime(name, (past, past))

    assert call(server)["body"] == b"from the app"


def test_https_only_sites_send_plain_http_to_the_app_for_its_redirect(root, app):
    server = PageFileServer(
        app,
        root=root,
        https_only=True,
        proxy_ssl_header=("HTTP_X_FORWARDED_PROTO", "https"),
    )

    assert call(server)["body"] == b"from the app"
    assert call(server, x_forwarded_proto="https")["body"] == BODY


def test_a_page_without_its_headers_file_is_not_served(server, app, root):
    (root / "sport" / "index.html.headers").unlink()

    assert call(server)["body"] == b"from the app"


def test_a_page_that_asked_for_a_shorter_lifetime_expires_after_it(tmp_path, app):
    # The home page caps its s-maxage at the moment a pin or banner ends.
    short = [("Content-Type", HTML), ("Cache-Control", "public, max-age=30, s-maxage=30")]
    marker = files.purge_marker(str(tmp_path), "/")
    files.write(str(tmp_path), "/", BODY, short, content_type=HTML, marker=marker)
    server = PageFileServer(app, root=tmp_path, shared_max_age=300)
    assert call(server, path="/")["body"] == BODY

    past = time.time() - 31
    os.utime(tmp_path / "index.html", (past, past))

    assert call(server, path="/")["body"] == b"from the app"


def test_only_the_encodings_readers_asked_for_are_kept_in_memory(server, root):
    name = root / "sport" / "index.html"
    call(server, accept_encoding="gzip, deflate, br")
    call(server, accept_encoding="br")

    assert (
        server.store.used == files.PAGE_OVERHEAD + (root / "sport" / "index.html.br").stat().st_size
    )

    call(server)
    assert server.store.used == files.PAGE_OVERHEAD + sum(
        os.path.getsize(f"{name}{suffix}") for suffix in ("", ".br")
    )


def test_the_oldest_pages_leave_memory_when_the_budget_is_spent(tmp_path, app):
    paths = [f"/sectiunea-{number}/" for number in range(10)]
    for path in paths:
        marker = files.purge_marker(str(tmp_path), path)
        files.write(str(tmp_path), path, BODY, STORED, content_type=HTML, marker=marker)
    one_page = files.PAGE_OVERHEAD + len(BODY)
    server = PageFileServer(app, root=tmp_path, memory=8 * one_page + 100)

    for path in paths:
        assert call(server, path=path)["body"] == BODY
    assert server.store.used == 8 * one_page

    for path in reversed(paths):
        assert call(server, path=path)["body"] == BODY
    assert server.store.used == 8 * one_page
    assert app.calls == []


def test_a_page_too_large_for_memory_is_read_from_its_file_each_time(server, root, app):
    server.store.memory = 8 * len(BODY) - 1
    assert call(server)["body"] == BODY
    assert server.store.used == 0

    assert call(server)["body"] == BODY
    assert app.calls == []


def test_a_page_whose_file_goes_after_it_was_found_is_not_answered(server, app, root):
    call(server, accept_encoding="br")
    page = server.store.lookup("/sport/")
    files.delete(str(root), ["/sport/"])

    assert page.answer(None, None, None) is None
    assert call(server)["body"] == b"from the app"
