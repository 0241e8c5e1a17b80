"""Listing queries use indexes on both databases: each public page is rendered over a small
generated corpus, every query it runs is captured and explained (``EXPLAIN QUERY PLAN`` on
SQLite, ``EXPLAIN`` on PostgreSQL), and no plan may read a whole table that grows with the
archive. The newest-first lists (home, sections, archives, feeds, sitemaps) must also come out
of an index already in order, so a page reads its twenty rows, not every published one.

Tiny tables would make PostgreSQL prefer sequential scans and sorts whatever the indexes, so
its plans are taken with ``enable_seqscan`` (and, for the ordered lists, ``enable_sort``) off:
a sequential scan or a sort that is still chosen means no index can serve the query."""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gazeta.newsroom.corpus import EXTERNAL_ID_PREFIX, corpus_generate
from gazeta.newsroom.models import Article, ArticleViewCount, Author, Section, Tag
from gazeta.newsroom.popularity import hour_of

pytestmark = pytest.mark.django_db

# Tables that grow with the archive and its readers.
GROWING_TABLES = {
    "newsroom_article",
    "newsroom_byline",
    "newsroom_credit",
    "newsroom_article_tags",
    "newsroom_articleviewcount",
    "comments_comment",
}
# "Newest first" over articles alone: such a list must be read from an index in that order.
NEWEST_FIRST = re.compile(
    r'ORDER BY "newsroom_article"\."published_at" DESC, "newsroom_article"\."id" DESC'
    r"( LIMIT \d+)",
)
JOINED_LISTS = ("newsroom_article_tags", "newsroom_byline", "GROUP BY")


@pytest.fixture
def corpus(settings):
    settings.GAZETA_SECTION_PAGE_SIZE = 5  # every list has a second page
    corpus_generate(articles=150, comments_per_article=3, seed=5, batch_size=200, days=500)
    articles = Article.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
    hour = hour_of(timezone.now())
    ArticleViewCount.objects.bulk_create(
        [
            ArticleViewCount(article=a, hour=hour - timedelta(hours=n % 5), views=n + 1)
            for n, a in enumerate(articles.published()[:30])
        ],
        ignore_conflicts=True,  # the generator counted the last two days' views already
    )
    if connection.vendor == "sqlite":
        forget_sqlite_statistics()
    return articles


def forget_sqlite_statistics():
    """Without statistics SQLite takes every table for a large one, as PostgreSQL does with
    ``enable_seqscan`` off: a tiny table then never hides a missing index (the generator
    ran ``ANALYZE``; a new site's database has no statistics either)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_schema WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")
            cursor.execute("ANALYZE sqlite_schema")  # reloads the (now empty) statistics


def published(corpus):
    return corpus.published().select_related("section").order_by("-published_at")


def page_paths(corpus) -> dict[str, str]:
    article = published(corpus).filter(tags__isnull=False).first()
    day = timezone.localtime(published(corpus)[40].published_at)
    section = Section.objects.get(slug="politica")
    author = Author.objects.filter(bylines__isnull=False).first()
    tag = Tag.objects.get(slug="guvern")
    return {
        "home": "/",
        "section": section.get_absolute_url(),
        "section, page 2": section.get_absolute_url() + "?page=2",
        "author": author.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "archive year": reverse("newsroom:archive-year", kwargs={"year": day.year}),
        "archive month": reverse(
            "newsroom:archive-month", kwargs={"year": day.year, "month": day.month}
        ),
        "archive day": reverse(
            "newsroom:archive-day", kwargs={"year": day.year, "month": day.month, "day": day.day}
        ),
        "article": article.get_absolute_url(),
        "feed": reverse("feeds:latest"),
        "feed atom": reverse("feeds:latest-atom"),
        "section feed": reverse("feeds:section", kwargs={"slug": section.slug}),
        "tag feed": reverse("feeds:tag", kwargs={"slug": tag.slug}),
        "author feed": reverse("feeds:author", kwargs={"slug": author.slug}),
        "sitemap index": reverse("sitemap-index"),
        "sitemap of articles": reverse("sitemap", kwargs={"section": "articles"}),
        "sitemap of sections": reverse("sitemap", kwargs={"section": "sections"}),
        "sitemap of tags": reverse("sitemap", kwargs={"section": "tags"}),
        "sitemap of authors": reverse("sitemap", kwargs={"section": "authors"}),
        "news sitemap": reverse("sitemap-news"),
    }


PAGES = [
    "home",
    "section",
    "section, page 2",
    "author",
    "tag",
    "archive year",
    "archive month",
    "archive day",
    "article",
    "feed",
    "feed atom",
    "section feed",
    "tag feed",
    "author feed",
    "sitemap index",
    "sitemap of articles",
    "sitemap of sections",
    "sitemap of tags",
    "sitemap of authors",
    "news sitemap",
]


def page_queries(client, path: str) -> list[str]:
    url = urlsplit(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url.path, dict(p.split("=") for p in url.query.split("&") if p))
    assert response.status_code == 200, path
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]


# SQLite ------------------------------------------------------------------------------------


def sqlite_plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]


def sqlite_aliases(sql: str) -> dict[str, str]:
    """Alias → table for the tables the query names (``"newsroom_article" U0``)."""
    aliases = {table: table for table in GROWING_TABLES}
    for table, alias in re.findall(r'"(\w+)" (?:AS )?(U\d+|T\d+|V\d+)\b', sql):
        aliases[alias] = table
    return aliases


def sqlite_full_scans(sql: str, steps: list[str]) -> list[str]:
    """Steps that read a growing table whole: a ``SCAN`` without an index, or through an
    index (in its order) when no ``LIMIT`` stops it early."""
    aliases = sqlite_aliases(sql)
    limited = " LIMIT " in sql
    scans = []
    for step in steps:
        match = re.match(r"SCAN (\w+)(?: AS (\w+))?", step)
        if not match or (limited and " INDEX " in step):
            continue
        name = match.group(2) or match.group(1)
        if aliases.get(name, match.group(1)) in GROWING_TABLES:
            scans.append(step)
    return scans


# PostgreSQL --------------------------------------------------------------------------------


def postgres_nodes(sql: str, *, without_sort: bool = False, settings=()) -> list[dict]:
    """The nodes of ``sql``'s plan with sequential scans off (and sorts, ``without_sort``)
    and ``settings`` (``SET LOCAL name = value`` statements) applied, then reset."""
    statements = ["SET LOCAL enable_seqscan = off", *settings]
    if without_sort:
        statements.append("SET LOCAL enable_sort = off")
    names = [re.match(r"SET LOCAL (\w+)", statement).group(1) for statement in statements]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
        finally:
            for name in names:
                cursor.execute(f"RESET {name}")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, todo = [], [plan[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    return nodes


def describe(nodes: list[dict]) -> list[str]:
    return [
        f"{n['Node Type']} {n.get('Relation Name', '')} {n.get('Index Name', '')}" for n in nodes
    ]


# The tests ---------------------------------------------------------------------------------


def assert_no_whole_table_read(sql: str) -> None:
    """No step of ``sql``'s plan reads a table that grows with the archive whole."""
    if connection.vendor == "sqlite":
        steps = sqlite_plan(sql)
        assert not sqlite_full_scans(sql, steps), (sql, steps)
    else:
        nodes = postgres_nodes(sql)
        scans = [
            n
            for n in nodes
            if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in GROWING_TABLES
        ]
        assert not scans, (sql, describe(nodes))


def is_newest_first_list(sql: str) -> bool:
    return bool(NEWEST_FIRST.search(sql)) and not any(word in sql for word in JOINED_LISTS)


@pytest.mark.parametrize("page", PAGES)
def test_page_queries_never_read_a_growing_table_whole(client, corpus, page):
    queries = page_queries(client, page_paths(corpus)[page])
    assert any("newsroom_article" in sql for sql in queries), queries
    for sql in queries:
        assert_no_whole_table_read(sql)


@pytest.mark.parametrize("page", PAGES)
def test_newest_first_lists_are_read_in_index_order(client, corpus, page):
    queries = [
        sql for sql in page_queries(client, page_paths(corpus)[page]) if is_newest_first_list(sql)
    ]
    for sql in queries:
        if connection.vendor == "sqlite":
            steps = sqlite_plan(sql)
            assert not [s for s in steps if s == "USE TEMP B-TREE FOR ORDER BY"], (sql, steps)
        else:
            nodes = postgres_nodes(sql, without_sort=True)
            assert not [n for n in nodes if n["Node Type"] == "Sort"], (sql, describe(nodes))


# Topic and author lists are read from their link table's index, which carries the article's
# publication time (migration 0009).
LINK_ORDER = re.compile(
    r'ORDER BY "(newsroom_article_tags|newsroom_byline)"\."published_at" DESC, '
    r'"\1"\."article_id" DESC LIMIT \d+'
)


@pytest.mark.parametrize("page", ["tag", "author", "tag feed", "author feed"])
def test_topic_and_author_lists_are_read_from_the_link_index_in_order(client, corpus, page):
    queries = [
        sql for sql in page_queries(client, page_paths(corpus)[page]) if LINK_ORDER.search(sql)
    ]
    assert queries
    for sql in queries:
        table = LINK_ORDER.search(sql).group(1)
        if connection.vendor == "sqlite":
            steps = sqlite_plan(sql)
            assert not [s for s in steps if "TEMP B-TREE" in s], (sql, steps)
            assert any(
                s.startswith(f"SEARCH {table} USING ") and "_list_idx" in s for s in steps
            ), (sql, steps)
        else:
            nodes = postgres_nodes(sql, without_sort=True)
            assert not [n for n in nodes if n["Node Type"] == "Sort"], (sql, describe(nodes))
            assert any(n.get("Index Name", "").endswith("_list_idx") for n in nodes), describe(
                nodes
            )


def test_posting_a_comment_never_reads_a_growing_table_whole(client, corpus, settings):
    """Posting checks the commenter's earlier comments by email in any case (``iexact``):
    the migration comments/0002 indexes exactly that lookup on each database."""
    settings.GAZETA_COMMENT_RATE_LIMITS = False
    article = published(corpus).first()
    form = {"article": article.pk, "name": "Ana Pop", "email": "Ana.Pop@Exemplu.ro"}
    form |= {"body": "Mulțumesc pentru articol.", "website": "", "started": ""}
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("comments:post"), form, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 303
    queries = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    by_email = [sql for sql in queries if "comments_comment" in sql and "email" in sql]
    assert by_email
    for sql in queries:
        assert_no_whole_table_read(sql)
    # Has this address had a comment approved: through the address itself, not through
    # every approved comment (the status alone).
    first_comment = next(sql for sql in by_email if '"article_id" =' not in sql)
    if connection.vendor == "sqlite":
        steps = sqlite_plan(first_comment)
        assert any("comments_comment" in s and "(email" in s for s in steps), steps
    else:
        conditions = [n.get("Index Cond", "") for n in postgres_nodes(first_comment)]
        assert any("upper((email)" in c for c in conditions), conditions


def test_the_pages_have_newest_first_lists_to_check(client, corpus):
    paths = page_paths(corpus)
    pages = ["section", "archive month", "feed", "section feed", "news sitemap"]
    for page in pages:
        assert any(is_newest_first_list(sql) for sql in page_queries(client, paths[page])), page


def test_a_whole_table_read_is_caught(corpus):
    """The check itself: a query that can only read every article is reported."""
    with CaptureQueriesContext(connection) as captured:
        list(Article.objects.filter(standfirst__contains="x").order_by().only("pk"))
    sql = captured[0]["sql"]
    if connection.vendor == "sqlite":
        assert sqlite_full_scans(sql, sqlite_plan(sql))
    else:
        assert any(n["Node Type"] == "Seq Scan" for n in postgres_nodes(sql))
