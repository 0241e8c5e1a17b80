"""PostgreSQL's word index on article search documents also holds each document's key.

Finding the newest matches of a search means finding the matches among the newest articles,
whose ids lie above some id. A GIN index over the key and the document (``btree_gin`` gives
GIN an operator class for ``bigint``) answers "matches with an id from here on" in one scan: it
walks the ids from the lower bound and skips through the words' lists of matches to them, so
a common word's hundreds of thousands of matches across the archive are not read to keep the
two thousand of the last twenty thousand articles. It replaces the index over the document
alone, which it also serves. It is built concurrently (about 40 seconds for a million
articles), so articles are published and edited meanwhile.

The key goes in as the expression ``rowid + 0``, which only a query written the same way
uses (``PostgresBackend._matches_from``). On the bare column the index would also answer
``rowid = <id>``, and the planner sometimes took it over the primary key to look up the
documents of the articles it ranks, one GIN scan per article.

``btree_gin`` ships with PostgreSQL (contrib) and is a trusted extension: the owner of the
database may create it. Nothing changes on SQLite."""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

OLD_INDEX = '"newsroom_article_search_document_gin"'
NEW_INDEX = '"newsroom_article_search_key_document_gin"'
TABLE = '"newsroom_article_search"'


def key_and_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NEW_INDEX} ON {TABLE} "
            "USING gin ((rowid + 0), document)"
        )
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_INDEX}")


def words_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {OLD_INDEX} ON {TABLE} USING gin (document)"
        )
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NEW_INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("newsroom", "0010_search_document_in_row"),
    ]

    operations = [
        BtreeGinExtension(),
        migrations.RunPython(key_and_words, words_only, elidable=False),
    ]
