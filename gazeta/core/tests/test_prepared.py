"""Queries built once (core/prepared.py) give what their QuerySet gives, with each run's values."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gazeta.core.prepared import (
    PreparedQuery,
    SlottedSQL,
    all_together,
    attach_prefetched,
    stand_ins,
)
from gazeta.media.tests.factories import ImageFactory
from gazeta.newsroom.models import Article, Tag
from gazeta.newsroom.tests.factories import ArticleFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 11, 1, 15, 21, tzinfo=UTC)

IN_SECTION = PreparedQuery(
    lambda section, now: (
        Article.objects.published(now=now)
        .select_related("section", "featured_image")
        .filter(section_id=section)
        .order_by("-published_at", "-id")
    ),
    section=int,
    now=datetime,
)


# A query the database refuses (a column that does not exist).
BROKEN = PreparedQuery(
    lambda section: Article.objects.filter(section_id=section).extra(where=["no_such_col"]),
    section=int,
)


def published_in(section):
    """What IN_SECTION prepares, as the QuerySet it stands for."""
    return (
        Article.objects.published(now=NOW)
        .select_related("section", "featured_image")
        .filter(section=section)
        .order_by("-published_at", "-id")
    )


def summary(articles):
    return [
        (a.pk, a.headline, a.published_at, a.section.name, a.featured_image_id) for a in articles
    ]


@pytest.fixture
def sections():
    politics, sport = SectionFactory(slug="politica"), SectionFactory(slug="sport")
    image = ImageFactory()
    for hours in (1, 5, 30):
        ArticleFactory(section=politics, published_at=NOW - timedelta(hours=hours))
    ArticleFactory(section=politics, published_at=NOW - timedelta(hours=2), featured_image=image)
    ArticleFactory(section=politics, published_at=NOW + timedelta(hours=3))  # not yet
    ArticleFactory(section=sport, published_at=NOW - timedelta(hours=1))
    return politics, sport


def test_gives_what_the_queryset_gives_with_related_rows_joined(sections):
    politics, sport = sections
    for section in (politics, sport):
        expected = list(published_in(section))
        got = IN_SECTION.all(section=section.pk, now=NOW)
        assert summary(got) == summary(expected)
        assert all(isinstance(a, Article) for a in got)
        with CaptureQueriesContext(connection) as queries:
            [a.section.name for a in got]
            [a.featured_image.width for a in got if a.featured_image_id]
        assert len(queries) == 0


def test_each_run_uses_its_own_values(sections):
    politics, _ = sections
    before = IN_SECTION.all(section=politics.pk, now=NOW)
    later = IN_SECTION.all(section=politics.pk, now=NOW + timedelta(hours=4))
    assert len(later) == len(before) + 1
    assert IN_SECTION.all(section=politics.pk, now=NOW - timedelta(days=3)) == []
    assert IN_SECTION.all(section=-1, now=NOW) == []


def test_a_value_used_twice_is_replaced_everywhere(sections):
    """``published(now=)`` puts ``now`` into the SQL twice (expiry and publication time)."""
    politics, _ = sections
    expiring = ArticleFactory(
        section=politics,
        published_at=NOW - timedelta(hours=1),
        expires_at=NOW + timedelta(hours=1),
    )
    assert expiring.pk in [a.pk for a in IN_SECTION.all(section=politics.pk, now=NOW)]
    later = IN_SECTION.all(section=politics.pk, now=NOW + timedelta(hours=2))
    assert expiring.pk not in [a.pk for a in later]


def test_annotations_are_set_on_the_instances(sections):
    politics, _ = sections
    tags = [TagFactory(), TagFactory()]
    story = ArticleFactory(section=politics, published_at=NOW - timedelta(hours=1))
    story.tags.set(tags)
    both = ArticleFactory(section=politics, published_at=NOW - timedelta(hours=2))
    both.tags.set(tags)
    one = ArticleFactory(section=politics, published_at=NOW - timedelta(hours=3))
    one.tags.set(tags[:1])
    sharing = PreparedQuery(
        lambda article, tag0, tag1: Article.objects.sharing_tags([tag0, tag1], exclude=article),
        article=int,
        tag0=int,
        tag1=int,
    )
    got = sharing.all(article=story.pk, tag0=tags[0].pk, tag1=tags[1].pk)
    assert [(a.pk, a.shared_tags) for a in got] == [(both.pk, 2), (one.pk, 1)]


def test_a_value_the_sql_does_not_carry_as_given_is_refused():
    wrapped = PreparedQuery(lambda text: Article.objects.filter(headline__contains=text), text=str)
    with pytest.raises(ValueError, match="does not reach the SQL unchanged"):
        wrapped.all(text="vot")


def test_prefetching_is_refused_and_unknown_types_too():
    with pytest.raises(ValueError, match="prefetch_related"):
        PreparedQuery(lambda: Article.objects.prefetch_related("tags")).all()
    with pytest.raises(TypeError):
        PreparedQuery(lambda when: Article.objects.filter(published_at__date=when), when=float)


def test_slotted_sql_runs_again_with_other_values_as_the_queryset_would(sections):
    politics, sport = sections

    def ids_between(section, since, until):
        return (
            Article.objects.filter(
                section_id=section, published_at__gte=since, published_at__lt=until
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    values = stand_ins(section=int, since=datetime, until=datetime)
    slotted = SlottedSQL.of(ids_between(**values).query.get_compiler(using="default"), values)
    for section in (politics, sport):
        for since, until in [(NOW - timedelta(hours=3), NOW), (NOW - timedelta(days=9), NOW)]:
            real = {"section": section.pk, "since": since, "until": until}
            with connection.cursor() as cursor:
                cursor.execute(slotted.sql, slotted.params_with(connection, real))
                got = [pk for (pk,) in cursor.fetchall()]
            assert got == list(ids_between(**real))
            assert got  # the fixture has articles in every one of these windows
    with pytest.raises(TypeError):
        stand_ins(when=float)


def test_attached_objects_answer_without_a_query(sections):
    politics, _ = sections
    article = Article.objects.filter(section=politics).first()
    tags = [TagFactory(name="Buget"), TagFactory(name="Alegeri")]
    article.tags.set(tags)
    fresh = Article.objects.get(pk=article.pk)
    attach_prefetched(fresh, "tags", list(Tag.objects.filter(articles=article)))
    other = Article.objects.exclude(pk=article.pk).first()
    attach_prefetched(other, "tags", [])
    with CaptureQueriesContext(connection) as queries:
        names = [t.name for t in fresh.tags.all()]
        assert list(other.tags.all()) == []  # each instance keeps its own
        assert fresh.tags.count() == 2
    assert sorted(names) == ["Alegeri", "Buget"]
    assert len(queries) == 0


def instance_state(instance):
    """Everything Django's from_db left on an instance, and on what select_related joined."""
    fields = {k: v for k, v in vars(instance).items() if k != "_state"}
    cached = {
        name: instance_state(value) if value is not None else None
        for name, value in instance._state.fields_cache.items()
    }
    state = (instance._state.adding, instance._state.db, instance._state.fetch_mode)
    return type(instance), fields, cached, state, instance.get_deferred_fields()


ONLY_SOME = PreparedQuery(
    lambda section: (
        Article.objects.select_related("section")
        .only("headline", "published_at", "section__name")
        .filter(section_id=section)
        .order_by("id")
    ),
    section=int,
)


@pytest.mark.parametrize("deferred", [False, True], ids=["every-column", "only-some"])
def test_instances_are_made_as_django_makes_them(sections, deferred):
    """Rows become instances without Model.__init__ where that changes nothing: the same
    attributes, state and deferred fields; Image (an ImageField, with a post_init receiver)
    is still made by Django."""
    politics, _ = sections
    if deferred:
        expected = list(
            Article.objects.select_related("section")
            .only("headline", "published_at", "section__name")
            .filter(section=politics)
            .order_by("id")
        )
        got = ONLY_SOME.all(section=politics.pk)
    else:
        expected = list(published_in(politics))
        got = IN_SECTION.all(section=politics.pk, now=NOW)
    assert [instance_state(a) for a in got] == [instance_state(a) for a in expected]
    assert got[0].get_deferred_fields() == expected[0].get_deferred_fields()
    assert bool(got[0].get_deferred_fields()) is deferred
    with CaptureQueriesContext(connection) as queries:
        assert got[0].standfirst == expected[0].standfirst  # a deferred field loads as usual
    assert len(queries) == 2 * deferred  # one for each


def server_prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_query_is_kept_prepared_by_the_server(sections):
    politics, sport = sections
    connection.ensure_connection()
    assert connection.connection.prepare_threshold is not None  # the settings' default
    with CaptureQueriesContext(connection) as queries:
        first = IN_SECTION.all(section=politics.pk, now=NOW)
        again = IN_SECTION.all(section=sport.pk, now=NOW)
    assert summary(first) == summary(published_in(politics))
    assert summary(again) == summary(published_in(sport))
    # One statement on the server, run twice with new values; logged as Django logs a query,
    # with the values in place (the query-plan tests EXPLAIN what was logged).
    prepared = [sql for sql in server_prepared_statements() if '"section_id" = $' in sql]
    assert len(prepared) == 1
    assert "$1" in prepared[0]
    assert len(queries) == 2
    assert f'"section_id" = {politics.pk}' in queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {queries[1]['sql']}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_with_prepared_statements_off_nothing_is_prepared(sections):
    politics, _ = sections
    # A query of its own, so no earlier test on this connection can have prepared it.
    headlines = PreparedQuery(
        lambda section: Article.objects.filter(section_id=section).only("headline"),
        section=int,
    )
    connection.ensure_connection()
    connection.connection.prepare_threshold = None  # GAZETA_DB_PREPARED_STATEMENTS=off
    try:
        got = headlines.all(section=politics.pk)
        assert {a.pk for a in got} == {a.pk for a in Article.objects.filter(section=politics)}
        prepared = [sql for sql in server_prepared_statements() if '"section_id" = $' in sql]
        assert not [sql for sql in prepared if '"headline" FROM' in sql]
    finally:
        connection.connection.prepare_threshold = 5


def test_a_database_error_on_the_prepared_path_is_djangos_own():
    from django.db import OperationalError, ProgrammingError

    expected = ProgrammingError if connection.vendor == "postgresql" else OperationalError
    assert not connection.queries_logged  # the direct path, not Django's cursor
    with pytest.raises(expected, match="no_such_col"):
        BROKEN.all(section=1)


def test_the_page_queries_do_not_go_through_djangos_cursor_unless_it_is_watched(
    sections, monkeypatch
):
    """A run goes to the driver directly (SQLite: sqlite3's connection, PostgreSQL: one psycopg
    cursor kept for the connection), its placeholders converted once per query; with queries
    logged or an execute wrapper installed it goes through Django's cursor, which they need."""
    politics, _ = sections
    expected = summary(published_in(politics))
    connection.ensure_connection()
    made = []
    create_cursor = connection.create_cursor
    monkeypatch.setattr(connection, "create_cursor", lambda *a: made.append(a) or create_cursor(*a))
    assert summary(IN_SECTION.all(section=politics.pk, now=NOW)) == expected
    assert summary(IN_SECTION.all(section=politics.pk, now=NOW)) == expected
    assert made == []
    with CaptureQueriesContext(connection) as queries:
        assert summary(IN_SECTION.all(section=politics.pk, now=NOW)) == expected
    assert len(queries) == 1
    assert f'"section_id" = {politics.pk}' in queries[0]["sql"]
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert summary(IN_SECTION.all(section=politics.pk, now=NOW)) == expected
    assert len(seen) == 1


def test_placeholders_are_numbered_once_for_postgresql():
    from gazeta.core.prepared import _numbered

    sql = "SELECT a FROM t WHERE b = %s AND c LIKE 'x%%' AND d IN (%s, %s)"
    assert _numbered(sql) == "SELECT a FROM t WHERE b = $1 AND c LIKE 'x%' AND d IN ($2, $3)"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="kept cursor: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_after_a_database_error_the_kept_cursor_still_answers(sections):
    from django.db import ProgrammingError

    politics, _ = sections
    with pytest.raises(ProgrammingError):
        BROKEN.all(section=1)
    assert summary(IN_SECTION.all(section=politics.pk, now=NOW)) == summary(published_in(politics))


@pytest.mark.django_db(transaction=True)
def test_a_closed_connection_is_opened_again(sections):
    politics, _ = sections
    expected = summary(published_in(politics))
    connection.close()
    assert summary(IN_SECTION.all(section=politics.pk, now=NOW)) == expected
    assert connection.connection is not None


@pytest.mark.parametrize(("value", "threshold"), [(None, 5), ("on", 5), ("off", None)])
def test_prepared_statements_follow_the_setting(monkeypatch, value, threshold):
    from gazeta.settings.base import database_config

    if value is None:
        monkeypatch.delenv("GAZETA_DB_PREPARED_STATEMENTS", raising=False)
    else:
        monkeypatch.setenv("GAZETA_DB_PREPARED_STATEMENTS", value)
    config = database_config("postgres://gazeta@db.internal:5432/gazeta")
    assert config["OPTIONS"]["prepare_threshold"] == threshold
    assert "prepare_threshold" not in database_config("sqlite:////tmp/x.sqlite3")["OPTIONS"]


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plan cache: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_each_prepared_statement_is_planned_once_per_connection(sections):
    """A new connection plans prepared statements once (a generic plan), not for each run's
    values; with prepared statements off the server's default stays."""
    from gazeta.core.prepared import plan_once_per_connection

    politics, _ = sections
    connection.close()
    connection.ensure_connection()  # a new connection: connection_created has run
    assert plan_cache_mode() == "force_generic_plan"
    for _ in range(3):
        IN_SECTION.all(section=politics.pk, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ['%"section_id" = $%'],
        )
        assert cursor.fetchall() == [(3, 0)]
    with connection.cursor() as cursor:
        cursor.execute("RESET plan_cache_mode")
    connection.connection.prepare_threshold = None  # GAZETA_DB_PREPARED_STATEMENTS=off
    try:
        plan_once_per_connection(sender=None, connection=connection)
        assert plan_cache_mode() == "auto"
    finally:
        connection.close()  # the next test gets a connection made with the settings


HEADLINES = PreparedQuery(
    lambda section: Article.objects.filter(section_id=section).only("headline").order_by("id"),
    section=int,
)


def test_queries_run_together_give_what_each_gives_alone(sections, monkeypatch):
    """``all_together`` answers as each ``all()`` would, in order; on PostgreSQL the queries
    are sent in one pipeline (one round trip), elsewhere one after the other."""
    politics, sport = sections
    runs = [
        (IN_SECTION, {"section": politics.pk, "now": NOW}),
        (HEADLINES, {"section": sport.pk}),
        (IN_SECTION, {"section": sport.pk, "now": NOW - timedelta(days=3)}),
    ]
    expected = [query.all(**values) for query, values in runs]
    pipelines = []
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        pipeline = type(connection.connection).pipeline
        monkeypatch.setattr(
            type(connection.connection),
            "pipeline",
            lambda self: pipelines.append(self) or pipeline(self),
        )
    got = all_together(*runs)
    assert [[instance_state(a) for a in found] for found in got] == [
        [instance_state(a) for a in found] for found in expected
    ]
    assert got[2] == []
    assert len(pipelines) == (1 if connection.vendor == "postgresql" else 0)
    with CaptureQueriesContext(connection) as queries:
        again = all_together(*runs)
    assert [summary(found) for found in again[::2]] == [summary(f) for f in expected[::2]]
    assert len(queries) == 3
    assert f'"section_id" = {sport.pk}' in queries[1]["sql"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_query_among_those_run_together_raises_djangos_error(sections):
    from django.db import DatabaseError

    politics, _ = sections
    with pytest.raises(DatabaseError, match="no_such_col"):
        all_together((IN_SECTION, {"section": politics.pk, "now": NOW}), (BROKEN, {"section": 1}))
    (found,) = all_together((IN_SECTION, {"section": politics.pk, "now": NOW}))
    assert summary(found) == summary(published_in(politics))
