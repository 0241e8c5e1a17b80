"""Correction, clarification and update notices: on the article, on the corrections page, in
their feed and in the article's structured data."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from gazeta.newsroom.models import Correction

from .factories import ArticleFactory, DraftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(headline="Podul nou se deschide luni")


def notice(article, **kwargs):
    return Correction.objects.create(
        article=article,
        kind=kwargs.pop("kind", Correction.Kind.CORRECTION),
        text=kwargs.pop("text", "Podul se deschide luni, nu marți, cum am scris inițial."),
        **kwargs,
    )


def test_notices_show_above_or_below_the_article_as_placed(client, article):
    top = notice(article, text="Corectăm ziua deschiderii.")
    bottom = notice(
        article,
        kind=Correction.Kind.UPDATE,
        text="Primăria a confirmat programul.",
        placement=Correction.Placement.BOTTOM,
    )
    html = client.get(article.get_absolute_url()).content.decode()
    body_at = html.index('class="article__body"')
    assert (
        html.index(f'id="corectie-{top.pk}"') < body_at < html.index(f'id="corectie-{bottom.pk}"')
    )
    assert re.search(r"<strong>Corecție</strong>.*Corectăm ziua deschiderii\.", html)
    assert re.search(r"<strong>Actualizare</strong>.*Primăria a confirmat programul\.", html)


def test_notice_anchor_of_a_large_id_matches_its_link(client, article):
    # The site groups thousands ("12.345"); an anchor must not.
    correction = notice(article, pk=12_345)
    html = client.get(article.get_absolute_url()).content.decode()
    assert correction.get_absolute_url().endswith("#corectie-12345")
    assert 'id="corectie-12345"' in html


def test_future_notice_and_notices_on_drafts_stay_hidden(client, article):
    notice(article, text="încă nepublicată", published_at=timezone.now() + timedelta(hours=3))
    draft_notice = notice(DraftFactory(), text="pe o ciornă")
    assert "încă nepublicată" not in client.get(article.get_absolute_url()).content.decode()
    page = client.get("/corecturi/").content.decode()
    assert "încă nepublicată" not in page and draft_notice.text not in page
    assert Correction.objects.public().count() == 0


def test_corrections_page_lists_public_notices_newest_first(client, article):
    notice(article, text="prima", published_at=timezone.now() - timedelta(days=2))
    notice(article, kind=Correction.Kind.CLARIFICATION, text="a doua")
    response = client.get("/corecturi/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("a doua") < html.index("prima")
    assert "Precizare" in html
    assert "public" in response["Cache-Control"]
    assert client.get("/corecturi/?page=9").status_code == 404


def test_corrections_feed_is_valid_and_links_to_the_notice(client, article):
    correction = notice(article)
    for url in ("/feed/corecturi/", "/feed/corecturi/atom/"):
        parsed = feedparser.parse(client.get(url).content)
        assert parsed.bozo == 0, parsed.bozo_exception
        [entry] = parsed.entries
        assert entry.title == "Corecție: Podul nou se deschide luni"
        assert entry.link.endswith(f"{article.get_absolute_url()}#corectie-{correction.pk}")


def test_notice_is_in_the_article_structured_data(client, article):
    notice(article, text="Data corectă este luni.")
    html = client.get(article.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    news = next(d for d in map(json.loads, blocks) if d.get("@type") == "NewsArticle")
    [correction] = news["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "Corecție: Data corectă este luni."
    assert correction["datePublished"]


def test_notice_text_is_stored_with_comma_below_diacritics(article):
    correction = notice(article, text="Greşeala a fost corectată în ştire.")
    correction.refresh_from_db()
    assert correction.text == "Greșeala a fost corectată în știre."


@pytest.mark.parametrize("count", [3, 40])
def test_corrections_page_query_count_does_not_grow_with_the_notices(
    client, settings, count, django_assert_num_queries
):
    settings.GAZETA_SECTION_PAGE_SIZE = 10
    for n in range(count):
        notice(ArticleFactory(), text=f"Notița {n}.")
    # Section menu; one page of notices with their articles and sections (never a count).
    with django_assert_num_queries(2):
        response = client.get("/corecturi/")
    assert response.status_code == 200
    assert response.content.decode().count('class="card__title"') == min(count, 10)
