"""A page that many readers ask for at once while it has no file (just published, just purged)
is rendered once; the others wait for that render and get its file."""

import threading
import urllib.request
from unittest import mock

import pytest
from django.template.backends.jinja2 import Template

from gazeta.newsroom.tests.factories import ArticleFactory
from gazeta.newsroom.views import SectionDetailView
from gazeta.pagecache import files

from .conftest import stored

READERS = 8


def slow_queryset(original):
    def get_queryset(self):
        # Slow enough that every reader arrives while the first render is still running.
        threading.Event().wait(0.4)
        return original(self)

    return get_queryset


@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_of_a_missing_page_cause_one_render(live_server, page_files):
    section = ArticleFactory().section
    url = live_server.url + section.get_absolute_url()
    renders = []
    render = Template.render

    def counted_render(self, context=None, request=None):
        if self.template.name == "newsroom/section_detail.html":
            renders.append(threading.get_ident())
        return render(self, context, request)

    answers = []
    start = threading.Barrier(READERS)

    def read():
        start.wait()
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - test server
            answers.append(
                (response.status, response.headers.get("X-Gazeta-Page"), response.read())
            )

    original = SectionDetailView.get_queryset
    with (
        mock.patch.object(Template, "render", counted_render),
        mock.patch.object(SectionDetailView, "get_queryset", slow_queryset(original)),
    ):
        readers = [threading.Thread(target=read) for _ in range(READERS)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(30)

    assert len(renders) == 1
    assert len(answers) == READERS
    assert {status for status, _, _ in answers} == {200}
    assert len({body for _, _, body in answers}) == 1
    assert sorted(source or "render" for _, source, _ in answers) == ["file"] * (READERS - 1) + [
        "render"
    ]
    assert stored(page_files, section.get_absolute_url()) is not None


@pytest.mark.django_db(transaction=True)
def test_readers_wait_no_longer_than_the_lock_wait_then_render_themselves(
    live_server, page_files, settings
):
    settings.GAZETA_PAGE_FILES_LOCK_WAIT = 0.2
    section = ArticleFactory().section
    stuck = files.StripeLock(str(page_files), section.get_absolute_url())
    assert stuck.acquire()  # a render that never finishes
    try:
        url = live_server.url + section.get_absolute_url()
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - test server
            assert response.status == 200
            assert response.headers.get("X-Gazeta-Page") is None
    finally:
        stuck.release()
