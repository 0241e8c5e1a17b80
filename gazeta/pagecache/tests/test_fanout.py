"""Several machines, each with its own page folder: a purge made on one reaches the others
through the Redis stream (needs Redis on 127.0.0.1:6379, which CI starts)."""

import socket
import time
import uuid

import pytest

from gazeta.newsroom.tests.factories import ArticleFactory
from gazeta.pagecache import fanout, files
from gazeta.pagecache.purge import pages_changed

from .conftest import stored

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/0"
HTML = "text/html; charset=utf-8"


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


if not redis_is_up():
    pytest.skip("Redis is not running on 127.0.0.1:6379 (CI starts it)", allow_module_level=True)


def write(root, path="/sport/"):
    marker = files.purge_marker(str(root), path)
    assert files.write(str(root), path, b"x" * 300, [], content_type=HTML, marker=marker)


def wait_until(condition, timeout=3.0) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.005)
    return time.monotonic() - started


@pytest.fixture
def machines(page_files, settings, tmp_path):
    """This process is machine A (``page_files``); machine B has its own folder and listener."""
    settings.GAZETA_PAGE_PURGE_REDIS_URL = REDIS_URL
    settings.GAZETA_PAGE_PURGE_STREAM = f"gazeta:test-purges:{uuid.uuid4().hex}"
    other = tmp_path / "machine-b"
    listener = fanout.PurgeListener(
        url=REDIS_URL, stream=settings.GAZETA_PAGE_PURGE_STREAM, root=str(other)
    )
    listener.start()
    assert listener.ready.wait(5)
    yield page_files, other, listener
    listener.stop()
    listener.join(5)
    fanout._client(REDIS_URL).delete(settings.GAZETA_PAGE_PURGE_STREAM)


def test_a_purge_here_deletes_the_same_page_on_the_other_machine(machines, committed):
    here, other, _listener = machines
    write(here)
    write(other)
    write(other, "/politica/")

    with committed():
        pages_changed(paths=["/sport/"])

    assert stored(here, "/sport/") is None
    took = wait_until(lambda: stored(other, "/sport/") is None)
    assert took < 1.0
    assert stored(other, "/politica/") is not None


def test_an_edit_reaches_the_other_machine(machines, committed):
    here, other, _listener = machines
    article = ArticleFactory()
    url = article.get_absolute_url()
    write(other, url)
    write(other, "/")

    article.headline = "Titlu nou"
    with committed():
        article.save()

    wait_until(lambda: stored(other, url) is None and stored(other, "/") is None)


def test_removing_every_page_reaches_the_other_machine(machines, committed):
    _here, other, _listener = machines
    write(other, "/sport/")
    write(other, "/politica/")

    with committed():
        pages_changed(everything=True)

    wait_until(lambda: stored(other, "/sport/") is None and stored(other, "/politica/") is None)


def test_a_listener_skips_purges_made_in_its_own_folder(machines):
    here, _other, _listener = machines
    write(here)
    own = fanout.PurgeListener(url=REDIS_URL, stream="unused", root=str(here))

    own.handle({b"from": fanout.folder_id(str(here)).encode(), b"paths": b'["/sport/"]'})
    assert stored(here, "/sport/") is not None

    own.handle({b"from": b"another-folder", b"paths": b'["/sport/"]'})
    assert stored(here, "/sport/") is None


def test_processes_sharing_a_folder_share_its_id(tmp_path):
    assert fanout.folder_id(str(tmp_path)) == fanout.folder_id(str(tmp_path))
    assert fanout.folder_id(str(tmp_path)) != fanout.folder_id(str(tmp_path / "other"))


def test_without_redis_publishing_is_a_no_op(page_files, settings, committed):
    settings.GAZETA_PAGE_PURGE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    write(page_files)

    with committed():
        pages_changed(paths=["/sport/"])

    assert stored(page_files, "/sport/") is None  # purged here all the same
