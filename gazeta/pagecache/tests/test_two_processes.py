"""Two real app servers (granian, as scripts/demo runs it) on one database: an edit made by a
third process (a `manage.py shell`, as an editor's save or the task worker would make it) is
seen at once through server B, which was serving the page from its file. Once with a shared
page folder (one machine, or shared storage), once with a folder per server and purges on the
Redis stream (several machines)."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from gazeta.newsroom.tests.factories import ArticleFactory

from .servers import fetch, free_port, stop, wait_for_port

pytestmark = pytest.mark.django_db(transaction=True)

GRANIAN = Path(sys.executable).parent / "granian"
EDIT = """
from gazeta.newsroom.models import Article
from gazeta.newsroom.services import article_save
article = Article.objects.select_related("section").get(pk={pk})
article.headline = "{headline}"
article_save(article=article)
"""


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def shared_database_url(tmp_path) -> str:
    """The test database as the other processes reach it: PostgreSQL's test database, or a
    file copy of SQLite's in-memory one (taken after the test data was committed)."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict["USER"] or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        host = settings_dict["HOST"] or "127.0.0.1"
        port = settings_dict["PORT"] or "5432"
        return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{path}"


def environment(database_url: str, pages: Path, **extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "GAZETA_", "DATABASE_URL", "REDIS_URL", "PYTEST_"))
    }
    return base | {
        "DJANGO_SETTINGS_MODULE": "gazeta.pagecache.tests.server_settings",
        "DATABASE_URL": database_url,
        "GAZETA_PAGE_FILES_DIR": str(pages),
        **extra,
    }


def start_server(port: int, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own app server
        [
            str(GRANIAN),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--blocking-threads",
            "8",
            "gazeta.wsgi:application",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def edit_headline(pk: int, headline: str, env: dict) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", "shell", "-c", EDIT.format(pk=pk, headline=headline)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("layout", ["shared folder", "folder per server and Redis"])
def test_an_edit_is_seen_at_once_through_the_other_server(tmp_path, layout):
    if layout != "shared folder" and not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (CI starts it)")
    article = ArticleFactory(headline="Prima versiune a știrii")
    url = article.get_absolute_url()
    database_url = shared_database_url(tmp_path)
    if layout == "shared folder":
        folders = [tmp_path / "pages"] * 3
        extra = {}
    else:
        folders = [tmp_path / "pages-a", tmp_path / "pages-b", tmp_path / "pages-editor"]
        extra = {
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "GAZETA_TEST_PURGE_STREAM": f"gazeta:test-purges:{uuid.uuid4().hex}",
        }
    ports = [free_port(), free_port()]
    servers = [
        start_server(port, environment(database_url, folder, **extra), tmp_path / f"{n}.log")
        for n, (port, folder) in enumerate(zip(ports, folders, strict=False))
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_for_port(port, server)
        a, b = (f"http://127.0.0.1:{port}" for port in ports)

        assert b"Prima versiune" in fetch(a + url)[2]
        assert b"Prima versiune" in fetch(b + url)[2]
        _, headers, body = fetch(b + url)
        assert headers["X-Gazeta-Page"] == "file" and b"Prima versiune" in body

        edit_headline(
            article.pk, "A doua versiune a știrii", environment(database_url, folders[2], **extra)
        )
        edited = time.monotonic()

        _, headers, body = fetch(b + url)
        while b"A doua versiune" not in body and time.monotonic() - edited < 1.0:
            time.sleep(0.01)
            _, headers, body = fetch(b + url)
        assert b"A doua versiune" in body, "server B still shows the old headline after 1 s"
        assert b"A doua versiune" in fetch(a + url)[2]
        assert b"A doua versiune" in fetch(b + "/")[2]
        assert fetch(b + url)[1]["X-Gazeta-Page"] == "file"
    finally:
        for server in servers:
            stop(server)
