"""``article_search_results``, what the search page reads: the same articles, order, ranks
and count as ``article_search`` (the API's QuerySet), read a page at a time; on PostgreSQL
ranked from documents and dates alone, then only the page's articles loaded."""

from datetime import timedelta

import pytest
from django.db import connection

from gazeta.newsroom import search
from gazeta.newsroom.models import Article
from gazeta.newsroom.search import article_search, article_search_results
from gazeta.newsroom.services import article_delete, section_get_or_create

from .search_corpus import make_article
from .test_search import GIN_INDEX, postgres_only, postgres_plan, searches, uses

pytestmark = pytest.mark.django_db

SECTIONS = ["Sport", "Diverse", "Diverse", "Externe"]


@pytest.fixture
def volcanoes(now):
    """Articles about volcanoes over four sections and two months, the word in the headline,
    the lead or the body (so ranks differ), and unrelated articles between them."""
    for n in range(24):
        where = n % 3
        make_article(
            now=now,
            headline=f"Vulcanul {n} erupe" if where == 0 else f"Știre {n} de la munte",
            standfirst="Un vulcan s-a trezit." if where == 1 else "Fără legătură.",
            body="<p>Lava curge. Vulcanul fumegă, erupe din nou.</p>" if where == 2 else "",
            days_ago=n * 2.5,
            section=SECTIONS[n % len(SECTIONS)],
        )
        make_article(now=now, headline=f"Altă știre {n}", days_ago=n * 2.5 + 1)


def pages(results, size: int) -> list[tuple[int, float]]:
    """Every article of ``results``, read ``size`` at a time, as (id, rank)."""
    read = []
    for start in range(0, results.count() + size, size):
        read += [(a.pk, a.search_rank) for a in results[start : start + size]]
    return read


SHAPES = [
    {"query": "vulcan"},
    {"query": "vulcan erupe"},
    {"query": '"vulcanul fumega"'},
    {"query": "vulcan -lava"},
    {"query": 'vulcan -"lava curge"'},
    {"query": "vulcan fumega erupe"},
    {"query": "vulcan", "section": "Sport"},
    {"query": "vulcan erupe", "section": "Diverse"},
    {"query": "vulcan", "days": (20, 5)},
    {"query": "vulcan", "section": "Diverse", "days": (40, 0)},
    {"query": "hipopotam"},
    {"query": "-vulcan"},
]


def arguments(now, shape: dict) -> dict:
    found = {"query": shape["query"]}
    if "section" in shape:
        found["section"] = section_get_or_create(name=shape["section"])
    if "days" in shape:
        oldest, newest = shape["days"]
        found["date_from"] = (now - timedelta(days=oldest)).date()
        found["date_to"] = (now - timedelta(days=newest)).date()
    return found


@pytest.mark.parametrize("limits", ["default", "small"])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: str(shape))
def test_search_results_give_article_searchs_articles_order_ranks_and_count(
    now, volcanoes, monkeypatch, shape, limits
):
    if limits == "small":  # each way of finding the newest matches (see test_search.py)
        monkeypatch.setattr(search, "SEARCH_MAX_RESULTS", 5)
        monkeypatch.setattr(search, "SQLITE_FIRST_PASS", 6)
        monkeypatch.setattr(search, "SEARCH_WINDOW", 7)
    expected = article_search(**arguments(now, shape))
    results = article_search_results(**arguments(now, shape))
    assert results.count() == expected.count() == len(results)
    by_queryset = [(a.pk, a.search_rank) for a in expected]
    assert pages(results, 3) == pages(results, 5) == by_queryset
    if shape["query"] not in {"hipopotam", "-vulcan"}:
        assert by_queryset


def test_search_results_give_each_article_its_section_without_another_query(
    now, volcanoes, django_assert_num_queries
):
    expected = [a.section.name for a in article_search(query="vulcan")[:4]]
    results = article_search_results(query="vulcan")
    with django_assert_num_queries(1 if connection.vendor == "sqlite" else 2):
        assert [a.section.name for a in results[0:4]] == expected


def test_search_results_are_read_a_page_at_a_time(now, volcanoes):
    results = article_search_results(query="vulcan")
    assert results[results.count() : results.count() + 5] == []
    with pytest.raises(TypeError):
        results[0]


def test_an_article_deleted_after_the_search_found_it_is_left_out_of_its_page(now, volcanoes):
    results = article_search_results(query="vulcan")
    first = [a.pk for a in article_search(query="vulcan")[:5]]
    article_delete(article=Article.objects.get(pk=first[2]))
    page = [a.pk for a in results[0:5]]
    # SQLite's page query fills the gap with the next article; no harm either way.
    assert page[:4] == first[:2] + first[3:] and first[2] not in page


@postgres_only
def test_postgres_ranks_a_page_from_documents_and_dates_alone(now, volcanoes):
    """The articles found are ranked from their documents, read by key (never the GIN
    index), and the publication times read when they were found: no article row, section or
    text. Then only the page's articles are read, by id."""
    results = article_search_results(query="vulcan erupe")
    queries = searches(lambda: results[5:10])
    ranked, loaded = queries
    assert ranked.startswith("SELECT newsroom_article.id, (ts_rank_cd(")
    nodes = postgres_plan(ranked)
    assert any(n.get("Index Name") == "newsroom_article_search_pkey" for n in nodes), nodes
    assert not uses(nodes, "Bitmap Index Scan", GIN_INDEX), nodes
    assert not uses(nodes, "Seq Scan"), nodes
    assert {n.get("Relation Name") for n in nodes} - {None} == {"newsroom_article_search"}
    assert loaded.count(" IN (") == 1 and "ts_rank_cd" not in loaded
    nodes = postgres_plan(loaded)
    assert any(n.get("Index Name") == "newsroom_article_pkey" for n in nodes), nodes
    assert not uses(nodes, "Sort"), nodes


@postgres_only
def test_postgres_reads_every_page_with_one_query_compiled_once(now, volcanoes):
    results = article_search_results(query="vulcan")
    first = searches(lambda: results[0:5])[-1]
    second = searches(lambda: results[5:10])[-1]
    again = searches(lambda: article_search_results(query="vulcan erupe")[0:5])[-1]
    # The same statement, only the ids differ.
    assert first != second
    assert first.split(" WHERE ")[0] == second.split(" WHERE ")[0] == again.split(" WHERE ")[0]
    assert search._PAGE_QUERIES[5]._compiled
