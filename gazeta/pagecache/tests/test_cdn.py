"""The optional CDN purge hook: the purged pages' absolute URLs, POSTed as JSON by a task."""

import json
from unittest import mock

import pytest

from gazeta.newsroom.models import Article
from gazeta.newsroom.services import article_save
from gazeta.newsroom.tests.factories import ArticleFactory, SectionFactory
from gazeta.pagecache.tasks import cdn_purge

pytestmark = pytest.mark.django_db

ENDPOINT = "https://cdn.example.net/purge"


@pytest.fixture
def cdn(settings):
    settings.GAZETA_CDN_PURGE_URL = ENDPOINT
    settings.GAZETA_CDN_PURGE_TOKEN = "secret-token"
    settings.GAZETA_SITE_URL = "https://www.gazeta.example"
    with mock.patch("urllib.request.urlopen") as urlopen:
        urlopen.return_value.__enter__.return_value.status = 200
        yield urlopen


def sent(urlopen) -> list[dict]:
    return [json.loads(call.args[0].data) for call in urlopen.call_args_list]


def test_an_edit_sends_the_absolute_urls_of_the_pages_it_changed(cdn, committed):
    article = ArticleFactory(section=SectionFactory(slug="economie"), slug="bugetul-pe-2026")
    article = Article.objects.select_related("section").get(pk=article.pk)
    article.headline = "Bugetul pe 2026, aprobat"
    with committed():
        article_save(article=article)

    [payload] = sent(cdn)
    assert payload["everything"] is False
    urls = set(payload["urls"])
    assert "https://www.gazeta.example/economie/bugetul-pe-2026/" in urls
    assert {"https://www.gazeta.example/", "https://www.gazeta.example/economie/"} <= urls
    request = cdn.call_args.args[0]
    assert request.full_url == ENDPOINT and request.get_method() == "POST"
    assert request.get_header("Authorization") == "Bearer secret-token"
    assert request.get_header("Content-type") == "application/json"


def test_the_cdn_is_told_even_with_page_files_off(cdn, committed, settings):
    assert settings.GAZETA_PAGE_FILES is False
    article = ArticleFactory()
    article.headline = "Alt titlu"
    with committed():
        article.save()

    assert len(sent(cdn)) == 1


def test_a_failing_endpoint_makes_the_task_fail(cdn, settings):
    cdn.side_effect = OSError("connection refused")

    with pytest.raises(OSError):
        cdn_purge.call(paths=["/"])


def test_an_endpoint_that_is_not_http_is_refused(settings):
    settings.GAZETA_CDN_PURGE_URL = "file:///etc/passwd"

    with pytest.raises(ValueError):
        cdn_purge.call(paths=["/"])
