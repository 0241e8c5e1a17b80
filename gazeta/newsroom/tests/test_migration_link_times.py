"""Migration 0009 on a site that already has articles: the links written before it get their
article's publication time, and the triggers keep it from then on."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("newsroom", "0008_listing_indexes")]
AFTER = [("newsroom", "0009_link_publication_time")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0008(django_db_serialized_rollback):
    """The schema before migration 0009; the latest schema again afterwards, whatever
    happens in the test."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield migrate(BEFORE)
    finally:
        migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_existing_links_are_filled_in_and_kept(at_0008):
    old = at_0008
    section = old.get_model("newsroom", "Section").objects.create(name="Local", slug="local")
    tag = old.get_model("newsroom", "Tag").objects.create(name="Apă", slug="apa")
    author = old.get_model("newsroom", "Author").objects.create(name="Ana Pop", slug="ana-pop")
    article_model = old.get_model("newsroom", "Article")
    when = datetime(2024, 11, 1, 15, 21, tzinfo=UTC)
    article = article_model.objects.create(
        headline="Apa revine",
        slug="apa-revine",
        section=section,
        status="published",
        published_at=when,
    )
    draft = article_model.objects.create(headline="Ciornă", slug="ciorna", section=section)
    for item in (article, draft):
        item.tags.add(tag)
        old.get_model("newsroom", "Byline").objects.create(article=item, author=author)

    new = migrate(AFTER)
    links = new.get_model("newsroom", "ArticleTag").objects
    bylines = new.get_model("newsroom", "Byline").objects
    assert links.get(article_id=article.pk).published_at == when
    assert bylines.get(article_id=article.pk).published_at == when
    assert links.get(article_id=draft.pk).published_at is None

    later = datetime(2024, 11, 2, 8, 0, tzinfo=UTC)
    new.get_model("newsroom", "Article").objects.filter(pk=draft.pk).update(
        status="published", published_at=later
    )
    assert links.get(article_id=draft.pk).published_at == later
    assert bylines.get(article_id=draft.pk).published_at == later
