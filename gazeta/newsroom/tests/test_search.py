"""Article search on whichever database the run uses (SQLite by default; PostgreSQL with
``DATABASE_URL=postgres://…``): spellings, inflections, phrases, exclusions, ranking, and an
index that follows every change at once."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gazeta.newsroom import search
from gazeta.newsroom.models import Article
from gazeta.newsroom.search import article_search
from gazeta.newsroom.services import article_delete, article_save, section_get_or_create

from .factories import ArticleFactory
from .search_corpus import SPELLINGS, create_corpus, make_article
from .test_query_plans import postgres_nodes

pytestmark = pytest.mark.django_db


def found(query, **filters) -> list[str]:
    return [a.headline for a in article_search(query=query, **filters)]


def index_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM newsroom_article_search")
        return cursor.fetchone()[0]


@pytest.fixture
def corpus(now):
    return create_corpus(now=now)


@pytest.mark.parametrize("key", SPELLINGS)
def test_every_spelling_of_every_query_finds_its_article_and_no_other(corpus, key):
    queries = SPELLINGS[key]
    assert {q: found(q) for q in queries} == {q: [corpus[key].headline] for q in queries}


def test_a_phrase_matches_words_together_and_in_order(corpus):
    assert found('"criza diplomatiei"') == [corpus["diplomatie"].headline]
    assert found('"diplomatiei criza"') == []
    assert found('"etapa noua"') == [corpus["diplomatie"].headline]
    assert found('"noua etapa"') == []


def test_a_phrase_does_not_run_from_the_headline_into_the_lead(corpus):
    # The headline ends with "nouă", the lead starts with "Ambasadorii".
    assert found('"noua ambasadorii"') == []


def test_a_hyphenated_word_is_searched_as_written(now):
    make_article(now=now, headline="Prim-ministrul a demisionat")
    make_article(now=now, headline="Ministrul a fost primul care a plecat")
    assert found("prim-ministru") == ["Prim-ministrul a demisionat"]


def test_exclusion_leaves_out_articles_with_the_word(corpus):
    assert sorted(found("echipa")) == sorted(
        [corpus["fotbal"].headline, corpus["handbal"].headline]
    )
    assert found("echipa -fotbal") == [corpus["handbal"].headline]
    assert found('echipa -"echipa nationala"') == [corpus["handbal"].headline]


def test_all_words_must_appear(corpus):
    assert found("spital cardiologie") == [corpus["spital"].headline]
    assert found("spital fotbal") == []


def test_a_query_of_exclusions_only_finds_nothing(corpus):
    assert found("-fotbal") == []


def test_text_in_the_body_is_found_without_its_html(now):
    make_article(
        now=now, headline="Știre", body='<p>Un <a href="/x">raport</a> al <em>Curții</em></p>'
    )
    assert found("raportul curtii") == ["Știre"]
    assert found("href") == []


def test_headline_ranks_above_lead_above_body(now):
    for n in range(4):
        make_article(now=now, headline=f"Altceva {n}", standfirst="Fără legătură.")
    make_article(now=now, headline="Știre din corp", body="<p>Trenul de noapte întârzie.</p>")
    make_article(now=now, headline="Știre din titlu: trenul întârzie")
    make_article(now=now, headline="Știre din rezumat", standfirst="Trenul de noapte întârzie.")
    assert found("tren") == [
        "Știre din titlu: trenul întârzie",
        "Știre din rezumat",
        "Știre din corp",
    ]


def test_between_equal_matches_the_newer_article_ranks_first(now):
    make_article(now=now, headline="Ploi abundente la munte", days_ago=9)
    make_article(now=now, headline="Ploi abundente la munte azi", days_ago=1)
    assert found("ploi") == ["Ploi abundente la munte azi", "Ploi abundente la munte"]


def test_recency_is_blended_with_relevance_not_a_hard_sort(now):
    """A headline match from last week outranks a mention in today's body; a headline
    match from two years ago does not (relevance / (1 + age / 30 days))."""
    for n in range(4):
        make_article(now=now, headline=f"Altă știre {n}", standfirst="Fără legătură.")
    body = "<p>" + "Text despre altceva. " * 5 + "Seceta continuă.</p>"
    make_article(now=now, headline="Azi: vremea în țară", body=body, days_ago=0)
    make_article(now=now, headline="Seceta lovește sudul", days_ago=7)
    make_article(now=now, headline="Seceta de acum doi ani", days_ago=730)
    assert found("seceta") == [
        "Seceta lovește sudul",
        "Azi: vremea în țară",
        "Seceta de acum doi ani",
    ]


def test_results_carry_a_rank_best_first(corpus):
    ranks = [a.search_rank for a in article_search(query="echipa")]
    assert len(ranks) == 2 and ranks == sorted(ranks, reverse=True) and ranks[-1] > 0


def test_drafts_and_future_articles_are_never_found(now):
    make_article(
        now=now, headline="Vulcanul ciornă", status=Article.Status.DRAFT, published_at=None
    )
    make_article(now=now, headline="Vulcanul de mâine", published_at=now + timedelta(minutes=5))
    make_article(
        now=now,
        headline="Vulcanul programat",
        status=Article.Status.SCHEDULED,
        published_at=now + timedelta(hours=1),
    )
    make_article(now=now, headline="Vulcanul de ieri", days_ago=1)
    assert found("vulcanul") == ["Vulcanul de ieri"]
    assert [a.headline for a in Article.objects.search("vulcanul")] != []  # all indexed


def test_a_scheduled_article_is_found_the_moment_its_time_comes(now, time_machine):
    make_article(
        now=now,
        headline="Eclipsa de diseară",
        status=Article.Status.SCHEDULED,
        published_at=now + timedelta(hours=1),
    )
    assert found("eclipsa") == []
    time_machine.move_to(now + timedelta(hours=1, seconds=1), tick=False)
    assert found("eclipsa") == ["Eclipsa de diseară"]


def test_index_follows_publish_edit_unpublish_and_delete_at_once(now):
    section = section_get_or_create(name="Economie")
    article = article_save(
        article=Article(headline="Inflația scade", section=section, standfirst="Date noi.")
    )
    assert found("inflatia") == []  # draft

    article.status, article.published_at = Article.Status.PUBLISHED, now - timedelta(hours=1)
    article_save(article=article)
    assert found("inflatia") == ["Inflația scade"]

    article.headline = "Dobânzile cresc"
    article_save(article=article)
    assert found("inflatia") == []
    assert found("dobanzile") == ["Dobânzile cresc"]

    article.status = Article.Status.DRAFT
    article_save(article=article)
    assert found("dobanzile") == []

    article.status = Article.Status.PUBLISHED
    article_save(article=article)
    size = index_size()
    article_delete(article=article)
    assert found("dobanzile") == []
    assert index_size() == size - 1


def test_filters_by_section(corpus):
    sport = section_get_or_create(name="Sport")
    externe = section_get_or_create(name="Externe")
    assert sorted(found("echipa", section=sport)) == sorted(
        [corpus["fotbal"].headline, corpus["handbal"].headline]
    )
    assert found("echipa", section=externe) == []


def test_filters_by_local_publication_dates_both_included(now):
    # NOW is 1 November 2024, 17:21 in Bucharest.
    make_article(now=now, headline="Ninsoare la Brașov", published_at=now - timedelta(days=1))
    make_article(now=now, headline="Ninsoare la Sibiu", published_at=now - timedelta(days=3))
    make_article(now=now, headline="Ninsoare la Iași", published_at=now - timedelta(days=10))
    assert sorted(found("ninsoare", date_from=date(2024, 10, 29), date_to=date(2024, 10, 31))) == [
        "Ninsoare la Brașov",
        "Ninsoare la Sibiu",
    ]
    assert found("ninsoare", date_from=date(2024, 10, 31)) == ["Ninsoare la Brașov"]
    assert found("ninsoare", date_to=date(2024, 10, 22)) == ["Ninsoare la Iași"]


def test_rebuild_command_indexes_articles_written_around_the_services(now):
    ArticleFactory(headline="Cutremur în Vrancea", slug="cutremur", published_at=now)
    gone = make_article(now=now, headline="Cutremur vechi")
    Article.objects.filter(pk=gone.pk).delete()  # leaves its index entry behind
    assert found("cutremur") == []

    out = StringIO()
    call_command("rebuild_search_index", "--no-progress", "--chunk-size", "1", stdout=out)

    assert found("cutremur") == ["Cutremur în Vrancea"]
    assert index_size() == Article.objects.count() == 1
    assert "Search index rebuilt: 1 articles." in out.getvalue()


def test_rebuild_twice_changes_nothing(corpus):
    call_command("rebuild_search_index", "--no-progress", stdout=StringIO())
    call_command("rebuild_search_index", "--no-progress", stdout=StringIO())
    assert index_size() == len(corpus)
    assert found("diplomatie") == [corpus["diplomatie"].headline]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_sqlite_never_joins_every_match_of_a_word_to_its_article(corpus):
    """A common word matches a large share of the archive: the newest matches are read in
    FTS5's own (rowid) order up to a limit, and the ranking then reads the index from the
    lowest of them on, matches first, each article looked up by key. Looping over articles
    and probing the index for each would re-run the full-text query (and bm25's statistics)
    once per article."""
    sport = section_get_or_create(name="Sport")
    with CaptureQueriesContext(connection) as queries:
        for results in [article_search(query="echipa -fotbal"), found_in(sport, "echipa")]:
            assert results.count() == len(list(results[:10]))
    # Both searches find their newest matches first, then each reads one ranked page.
    assert len(queries) == 4
    for newest in queries[:2]:
        assert "ORDER BY rowid DESC LIMIT" in newest["sql"]
    for ranked in queries[2:]:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {ranked['sql']}")
            steps = [row[-1] for row in cursor.fetchall()]
        fts = next(i for i, step in enumerate(steps) if "newsroom_article_search" in step)
        article = next(i for i, step in enumerate(steps) if "newsroom_article " in step)
        assert fts < article, steps
        assert "USING INTEGER PRIMARY KEY" in steps[article], steps
        # Reads only the matches between two rowids, not from the first match on.
        assert steps[fts].endswith("><"), steps


def found_in(section, query):
    return article_search(query=query, section=section)


# The newest matches of a common word ------------------------------------------------------


@pytest.fixture
def small_limits(monkeypatch):
    """Limits small enough for a handful of articles to exceed them."""
    monkeypatch.setattr(search, "SEARCH_MAX_RESULTS", 3)
    monkeypatch.setattr(search, "SQLITE_FIRST_PASS", 4)
    monkeypatch.setattr(search, "SEARCH_WINDOW", 5)


def make_matches(now, days_ago: list[float], *, sections=("Diverse",)) -> list[Article]:
    """An article about volcanoes for each age, saved in the order given (so ids follow it),
    with unrelated articles between them."""
    made = []
    for n, age in enumerate(days_ago):
        section = sections[n % len(sections)]
        made.append(
            make_article(now=now, headline=f"Vulcanul {n} erupe", days_ago=age, section=section)
        )
        make_article(now=now, headline=f"Altă știre {n}", days_ago=age, section=section)
    return made


def newest(articles, count=3) -> set[str]:
    return {a.headline for a in sorted(articles, key=lambda a: a.published_at)[-count:]}


def test_a_search_lists_the_newest_matches_when_more_match(now, small_limits):
    articles = make_matches(now, [20, 18, 16, 14, 12, 10, 8, 6, 4, 2])  # ids follow time
    results = article_search(query="vulcan")
    assert results.count() == 3
    assert set(found("vulcan")) == newest(articles)


def test_the_newest_matches_are_found_when_ids_run_against_publication(now, small_limits):
    """Old articles imported after new ones: the last-indexed matches are the oldest."""
    articles = make_matches(now, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert set(found("vulcan")) == newest(articles)


def test_the_newest_matches_are_found_when_an_old_draft_is_published_late(now, small_limits):
    articles = make_matches(now, [30, 20, 18, 16, 14, 12, 10, 8])
    articles[0].published_at = now - timedelta(hours=1)  # held back, then published today
    article_save(article=articles[0])
    assert set(found("vulcan")) == newest(articles)


def test_the_newest_matches_in_a_section_are_found_when_others_fill_the_first_pass(
    now, small_limits
):
    sport = section_get_or_create(name="Sport")
    in_sport = make_matches(now, [40, 38, 36, 34], sections=["Sport"])
    make_matches(now, [30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2])
    assert set(found("vulcan", section=sport)) == newest(in_sport)


def test_the_newest_matches_are_ranked_best_first(now, small_limits):
    make_article(now=now, headline="Știre veche", body="<p>Vulcanul fumegă.</p>", days_ago=1)
    make_article(now=now, headline="Vulcanul din titlu", days_ago=1)
    make_article(now=now, headline="Știre nouă", body="<p>Un vulcan.</p>", days_ago=0.5)
    make_article(now=now, headline="Vulcanul de acum un an", days_ago=365)
    assert found("vulcan") == ["Vulcanul din titlu", "Știre nouă", "Știre veche"]


def test_the_newest_matches_in_an_old_period_are_found_past_all_later_ones(now, small_limits):
    in_period = make_matches(now, [400, 399, 398, 397, 396])
    make_matches(now, [float(age) for age in range(40, 0, -1)])
    period = {
        "date_from": (now - timedelta(days=401)).date(),
        "date_to": (now - timedelta(days=390)).date(),
    }
    assert set(found("vulcan", **period)) == newest(in_period)


def test_the_newest_matches_in_a_section_spread_thin_among_the_ids_are_found(now, small_limits):
    """One article in five is about sport: PostgreSQL walks the section's newest articles
    one by one instead of testing every id between them."""
    sport = section_get_or_create(name="Sport")
    sections = ["Sport", "Diverse", "Diverse", "Diverse", "Diverse"]
    articles = make_matches(now, [float(age) for age in range(60, 0, -1)], sections=sections)
    in_sport = [a for a in articles if a.section_id == sport.pk]
    assert set(found("vulcan", section=sport)) == newest(in_sport)
    assert found("vulcan -erupe", section=sport) == []


def test_the_newest_matches_are_found_past_a_first_window_of_few_matches(now, small_limits):
    """The first window holds fewer matches than wanted: the next ones are read from the
    index of words, between the lowest and the highest id of a larger window."""
    articles = make_matches(now, [30, 29, 28, 27, 26])
    for n in range(12):
        make_article(now=now, headline=f"Știre fără legătură {n}", days_ago=20 - n)
    assert set(found("vulcan")) == newest(articles)
    assert found('"vulcanul 3 erupe"') == ["Vulcanul 3 erupe"]


def test_a_larger_window_keeps_the_articles_published_at_its_predecessors_oldest_time(
    now, small_limits
):
    """The second window reads the articles older than the first from the first's oldest
    time on: matches published at that very time, left out of the first window by its size
    and with the lowest ids of all, are still found."""
    at_once = now - timedelta(days=10)
    in_step = [
        make_article(now=now, headline=f"Vulcanul {n} erupe", published_at=at_once)
        for n in range(2)
    ]
    make_article(now=now, headline="Altă știre", published_at=at_once)
    older = make_matches(now, [20, 21, 22])
    for n in range(30):
        make_article(now=now, headline=f"Știre veche {n}", days_ago=100 + n)
    make_article(now=now, headline="Ultima știre de atunci", published_at=at_once)
    for n in range(4):
        make_article(now=now, headline=f"Știre fără legătură {n}", days_ago=1 + n)
    assert set(found("vulcan")) == newest([*in_step, *older])


# How PostgreSQL runs them ------------------------------------------------------------------

GIN_INDEX = "newsroom_article_search_key_document_gin"


def postgres_plan(sql: str, *, settings=(), without_sort: bool = False) -> list[dict]:
    """The nodes of ``sql``'s plan, sequential scans off (the tables are tiny), sorts too
    for a query meant to read an index in order (as in test_query_plans.py), and
    ``settings`` (``SET LOCAL`` statements) applied."""
    return postgres_nodes(sql, settings=settings, without_sort=without_sort)


def searches(run) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        run()
    return [q["sql"] for q in captured]


def uses(nodes, node_type: str, index: str = "") -> bool:
    return any(n["Node Type"] == node_type and index in n.get("Index Name", "") for n in nodes)


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")


@postgres_only
def test_postgres_walks_a_sections_newest_articles_in_order_and_stops(now, small_limits):
    sport = section_get_or_create(name="Sport")
    sections = ["Sport", "Diverse", "Diverse", "Diverse", "Diverse"]
    make_matches(now, [float(age) for age in range(60, 0, -1)], sections=sections)
    queries = searches(lambda: list(article_search(query="vulcan", section=sport)))
    walk = next(sql for sql in queries if "AS w (id, published_at)" in sql)
    # On a table this small a sort of the section's few rows can cost the planner less than
    # the ordered index, depending on the statistics earlier tests left; with sorts off, a
    # Sort node still appears if the walk could not be read in order.
    nodes = postgres_plan(walk, without_sort=True)
    # Read from the section's date index in order (no sort), each document by key. Whether
    # the index alone answers (Index Only Scan) depends on how much of this tiny table
    # autovacuum has marked all-visible by then, which varies from run to run.
    shown = [(n["Node Type"], n.get("Index Name")) for n in nodes]
    assert uses(nodes, "Index Only Scan", "article_section_list_idx") or uses(
        nodes, "Index Scan", "article_section_list_idx"
    ), shown
    assert uses(nodes, "Index Scan", "newsroom_article_search_pkey"), nodes
    assert not uses(nodes, "Sort") and not uses(nodes, "Bitmap Index Scan", GIN_INDEX), nodes


@postgres_only
def test_postgres_reads_a_windows_matches_from_the_index_of_keys_and_words(now, small_limits):
    """The newest window's matches come from one scan of the GIN index over ``(rowid + 0,
    document)``, the window's lowest id in the index condition, inside the query of the
    window's articles; when that window found few, the next one's come from the words'
    matches and the key's range combined as bitmaps (on this tiny table the planner may
    take the key's bitmap alone). Never a walk along the key testing every document."""
    make_matches(now, [30, 29, 28, 27, 26])
    for n in range(12):
        make_article(now=now, headline=f"Știre fără legătură {n}", days_ago=20 - n)
    queries = searches(lambda: list(article_search(query="vulcan")))
    assert not any("ts_match_vq(" in sql for sql in queries)
    first = next(sql for sql in queries if "rowid + 0) >= " in sql)
    nodes = postgres_plan(first)
    gin = [n for n in nodes if n["Node Type"] == "Bitmap Index Scan" and "rowid" in n["Index Cond"]]
    assert [n["Index Name"] for n in gin] == [GIN_INDEX], nodes
    assert "(rowid + 0) >= " in gin[0]["Index Cond"], nodes
    assert "document @@ " in gin[0]["Index Cond"], nodes
    assert not uses(nodes, "Seq Scan"), nodes
    between = next(sql for sql in queries if sql.startswith("SELECT rowid FROM"))
    assert " BETWEEN " in between
    assert queries[queries.index(between) - 1] == "SET LOCAL enable_indexscan = off"
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone()[0] == "on"  # again, for the queries that follow
    nodes = postgres_plan(between, settings=["SET LOCAL enable_indexscan = off"])
    assert uses(nodes, "Bitmap Heap Scan"), nodes
    assert not uses(nodes, "Index Scan") and not uses(nodes, "Seq Scan"), nodes


@postgres_only
def test_postgres_tests_each_document_of_a_window_far_below_the_newest_ids(now, small_limits):
    """A search of an old period: the GIN index would pass every id from the window's up to
    the newest, so the window's own few ids are read and each document tested."""
    in_period = make_matches(now, [400, 399, 398, 397, 396])
    make_matches(now, [float(age) for age in range(40, 0, -1)])
    period = {
        "date_from": (now - timedelta(days=401)).date(),
        "date_to": (now - timedelta(days=390)).date(),
    }
    queries = searches(lambda: list(article_search(query="vulcan", **period)))
    assert any("ts_match_vq(" in sql for sql in queries)
    assert not any(sql.startswith("SELECT rowid FROM") for sql in queries)
    assert set(found("vulcan", **period)) == newest(in_period)


@postgres_only
def test_postgres_ranks_the_newest_matches_without_the_word_index(corpus):
    """The articles ranked are known matches: each document is read by key, never every
    match in the archive through the GIN index (the planner underestimates phrases)."""
    for query in ["echipa", '"criza diplomatiei"', "echipa -fotbal"]:
        queries = searches(lambda q=query: list(article_search(query=q)[:10]))
        ranked = queries[-1]
        assert "ts_rank_cd" in ranked
        nodes = postgres_plan(ranked)
        assert not uses(nodes, "Bitmap Index Scan", GIN_INDEX), (query, nodes)
        assert not any(n["Node Type"] == "Seq Scan" for n in nodes), (query, nodes)
