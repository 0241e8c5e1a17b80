"""The API's topic and author filters read one page from the link table's index in order, as
the topic and author pages do (tests/test_query_plans.py, whose corpus, helpers and rules this
follows): no sort of every article of the topic, and from the second page on the index range
starts at the cursor."""

import re
from collections import Counter
from datetime import datetime

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from gazeta.newsroom.api import decode_cursor
from gazeta.newsroom.corpus import EXTERNAL_ID_PREFIX, corpus_generate
from gazeta.newsroom.models import Article, Author, Tag

from .test_query_plans import (
    assert_no_whole_table_read,
    describe,
    forget_sqlite_statistics,
    postgres_nodes,
    sqlite_plan,
)

pytestmark = pytest.mark.django_db

LINK_ORDER = re.compile(
    r'ORDER BY "(newsroom_article_tags|newsroom_byline)"\."published_at" DESC, '
    r'"\1"\."article_id" DESC LIMIT \d+'
)
LINK_INDEXES = {
    "newsroom_article_tags": "articletag_list_idx",
    "newsroom_byline": "byline_author_list_idx",
}


@pytest.fixture
def corpus():
    corpus_generate(articles=150, comments_per_article=0, seed=5, batch_size=200, days=500)
    if connection.vendor == "sqlite":
        forget_sqlite_statistics()
    return Article.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)


def filters(corpus) -> dict[str, dict[str, str]]:
    """Each filter with its most frequent values in the corpus, so each has a second page."""
    published = corpus.published()
    tag = Tag.objects.annotate(n=Count("articles", filter=Q(articles__in=published)))
    tag = tag.order_by("-n", "pk").first()
    author = Author.objects.annotate(n=Count("articles", filter=Q(articles__in=published)))
    author = author.order_by("-n", "pk").first()
    pairs = Counter(
        (tag_slug, author_slug)
        for article in published.prefetch_related("tags", "authors")
        for tag_slug in [t.slug for t in article.tags.all()]
        for author_slug in [a.slug for a in article.authors.all()]
    )
    (pair_tag, pair_author), _count = pairs.most_common(1)[0]
    section = published.filter(tags=tag).first().section.slug
    return {
        "tag": {"tag": tag.slug},
        "author": {"author": author.slug},
        "tag and author": {"tag": pair_tag, "author": pair_author},
        "tag and section": {"tag": tag.slug, "section": section},
        "author and dates": {"author": author.slug, "since": "2000-01-01", "until": "2100-01-01"},
    }


def api_queries(client, params: dict) -> tuple[list[str], dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/articles", params)
    assert response.status_code == 200, response.content[:300]
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT")], (
        response.json()
    )


def the_page_query(queries: list[str]) -> tuple[str, str]:
    """The query that reads the page (the others fetch bylines, credits and tags)."""
    pages = [sql for sql in queries if LINK_ORDER.search(sql)]
    assert len(pages) == 1, queries
    return pages[0], LINK_ORDER.search(pages[0]).group(1)


def assert_read_from_the_link_index_in_order(sql: str, table: str, *, after=None):
    """``sql`` reads ``table``'s list index in order, without sorting; from the row ``after``
    (a cursor's publication time) on when given."""
    index = LINK_INDEXES[table]
    if connection.vendor == "sqlite":
        steps = sqlite_plan(sql)
        assert not [s for s in steps if "TEMP B-TREE" in s], (sql, steps)
        search = [s for s in steps if s.startswith(f"SEARCH {table} USING ") and index in s]
        # Upper bounds show as "<" whichever SQLite took (the cursor's, as now's is likely()).
        assert search and "published_at<?" in search[0], (sql, steps)
    else:
        nodes = postgres_nodes(sql, without_sort=True)
        assert not [n for n in nodes if n["Node Type"] == "Sort"], (sql, describe(nodes))
        scans = [n for n in nodes if n.get("Index Name") == index]
        assert scans, describe(nodes)
        if after:
            bounds = re.findall(r"published_at <= '([^']+)'", scans[0]["Index Cond"])
            assert after in [datetime.fromisoformat(b) for b in bounds], scans[0]["Index Cond"]


@pytest.mark.parametrize(
    "name", ["tag", "author", "tag and author", "tag and section", "author and dates"]
)
def test_filtered_article_list_is_read_from_the_link_index_in_order(client, corpus, name):
    params = {**filters(corpus)[name], "limit": "1"}
    queries, first = api_queries(client, params)
    sql, table = the_page_query(queries)
    assert table == ("newsroom_article_tags" if "tag" in params else "newsroom_byline")
    for query in queries:
        assert_no_whole_table_read(query)
    assert_read_from_the_link_index_in_order(sql, table)

    assert first["next_cursor"], "each filter has a second page in the corpus"
    queries, second = api_queries(client, {**params, "cursor": first["next_cursor"]})
    assert second["items"] and second["items"][0]["id"] != first["items"][0]["id"]
    sql, table = the_page_query(queries)
    for query in queries:
        assert_no_whole_table_read(query)
    after = datetime.fromisoformat(decode_cursor(first["next_cursor"])[0])
    assert_read_from_the_link_index_in_order(sql, table, after=after)
