"""Where page files live, how they are written (whole or not at all) and deleted."""

import gzip
import json
import os

import brotli
import pytest

from gazeta.pagecache import files

HTML = "text/html; charset=utf-8"
HEADERS = [("Content-Type", HTML), ("Cache-Control", "public, max-age=60"), ("Set-Cookie", "x=1")]


@pytest.mark.parametrize(
    ("path", "content_type", "expected"),
    [
        ("/", HTML, "/index.html"),
        ("/sport/", HTML, "/sport/index.html"),
        ("/sport/meci-castigat/", HTML, "/sport/meci-castigat/index.html"),
        ("/feed/", "application/rss+xml; charset=utf-8", "/feed/index.rss"),
        ("/feed/atom/", "application/atom+xml; charset=utf-8", "/feed/atom/index.atom"),
        ("/sitemap.xml", "application/xml", "/sitemap.xml"),
        ("/sitemap/news.xml", "application/xml", "/sitemap/news.xml"),
        ("/robots.txt", "text/plain", "/robots.txt"),
    ],
)
def test_each_page_type_has_one_file_named_by_address_and_content_type(
    path, content_type, expected
):
    assert files.file_name_for("/p", path, content_type) == "/p" + expected
    assert "/p" + expected in files.file_names("/p", path)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/sport/", "application/json"),  # not a page type
        ("/sitemap.xml", HTML),  # the name says another type
        ("/sport", HTML),  # Django redirects it to /sport/
        ("/healthz", "text/plain"),
        ("/../etc/passwd/", HTML),
        ("/a/./b/", HTML),
        ("/.state/00/", HTML),
        ("/știri/", HTML),
        ("//sport/", HTML),
        ("/sport/index.html", HTML),
    ],
)
def test_addresses_and_types_that_are_never_stored(path, content_type):
    assert files.file_name_for("/p", path, content_type) is None


def test_a_page_is_written_with_its_gzip_and_brotli_twins_and_its_headers(tmp_path):
    root = str(tmp_path)
    body = "<p>Știre</p>".encode() * 100
    marker = files.purge_marker(root, "/sport/")

    stat = files.write(root, "/sport/", body, HEADERS, content_type=HTML, marker=marker)

    name = tmp_path / "sport" / "index.html"
    assert stat is not None and stat.st_ino == name.stat().st_ino
    assert name.read_bytes() == body
    assert gzip.decompress((tmp_path / "sport" / "index.html.gz").read_bytes()) == body
    assert brotli.decompress((tmp_path / "sport" / "index.html.br").read_bytes()) == body
    stored = json.loads((tmp_path / "sport" / "index.html.headers").read_text())
    assert stored == [["Content-Type", HTML], ["Cache-Control", "public, max-age=60"]]
    assert oct(name.stat().st_mode & 0o777) == "0o644"
    assert not [n for n in os.listdir(tmp_path / "sport") if n.startswith(".")]


def test_a_render_overtaken_by_a_purge_is_not_written(tmp_path):
    root = str(tmp_path)
    marker = files.purge_marker(root, "/sport/")
    files.delete(root, ["/sport/"])  # an edit was committed while the page was rendering

    assert files.write(root, "/sport/", b"old", HEADERS, content_type=HTML, marker=marker) is None
    assert files.file_names(root, "/sport/")
    assert not (tmp_path / "sport" / "index.html").exists()


def test_a_purge_of_another_stripe_does_not_stop_a_write(tmp_path):
    root = str(tmp_path)
    other = next(
        f"/s{n}/"
        for n in range(1000)
        if files.stripe_name(root, f"/s{n}/") != files.stripe_name(root, "/sport/")
    )
    marker = files.purge_marker(root, "/sport/")
    files.delete(root, [other])

    assert files.write(root, "/sport/", b"x" * 50, HEADERS, content_type=HTML, marker=marker)


def test_delete_removes_every_type_and_twin_of_an_address_and_nothing_else(tmp_path):
    root = str(tmp_path)
    for path in ("/sport/", "/sport/meci/", "/feed/"):
        ctype = HTML if path != "/feed/" else "application/rss+xml; charset=utf-8"
        marker = files.purge_marker(root, path)
        assert files.write(root, path, b"x" * 500, HEADERS, content_type=ctype, marker=marker)

    assert files.delete(root, ["/sport/", "/feed/", "/nu-exista/"]) == 2

    assert sorted(os.listdir(tmp_path / "sport")) == ["meci"]
    assert os.listdir(tmp_path / "feed") == []
    assert (tmp_path / "sport" / "meci" / "index.html").exists()


def test_delete_all_can_keep_recent_files(tmp_path):
    root = str(tmp_path)
    for path in ("/vechi/", "/nou/"):
        marker = files.purge_marker(root, path)
        files.write(root, path, b"x" * 500, HEADERS, content_type=HTML, marker=marker)
    old = tmp_path / "vechi" / "index.html"
    os.utime(old, (old.stat().st_mtime - 3600, old.stat().st_mtime - 3600))

    assert files.delete_all(root, older_than=600) == 1
    assert not old.exists() and not (tmp_path / "vechi" / "index.html.br").exists()
    assert (tmp_path / "nou" / "index.html").exists()

    assert files.delete_all(root) == 1
    assert not (tmp_path / "nou" / "index.html.gz").exists()


def test_the_stripe_lock_is_exclusive_between_holders(tmp_path):
    first = files.StripeLock(str(tmp_path), "/sport/")
    second = files.StripeLock(str(tmp_path), "/sport/")

    assert first.acquire()
    assert not second.acquire()
    assert not second.wait(0.05)
    first.release()
    assert second.wait(0.05)
    assert second.acquire()
    second.release()


@pytest.mark.parametrize(
    ("header", "codings"),
    [
        ("gzip, deflate, br, zstd", {"br", "gzip"}),
        ("gzip", {"gzip"}),
        ("br;q=0, gzip;q=0.5", {"gzip"}),
        ("*", {"br", "gzip"}),
        ("*, br;q=0", {"gzip"}),
        ("identity", set()),
        ("x-gzip", {"gzip"}),
        ("gzip;q=bad", set()),
    ],
)
def test_accept_encoding_is_read_with_its_qualities(header, codings):
    assert files.accepted_codings(header) == codings
