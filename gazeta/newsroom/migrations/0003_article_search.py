"""The full-text index of articles (see gazeta/newsroom/search.py).

The table differs per database, so it is created here with SQL chosen by vendor; Django
only knows it as the unmanaged ArticleSearchDocument model, for joins. Its key column is
"rowid" on both: FTS5 joins fastest on its rowid, which is the article id. No foreign key,
as FTS5 cannot have one (and on PostgreSQL it would stop `flush` from truncating articles):
an entry left by an article deleted around the services matches nothing, since searches
join articles, and rebuild_search_index removes it. Articles that already exist are indexed
at the end."""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_CREATE = [
    'CREATE VIRTUAL TABLE IF NOT EXISTS "newsroom_article_search" USING fts5('
    "headline, lead, body, "
    "tokenize = 'unicode61 remove_diacritics 2')",
]
POSTGRESQL_CREATE = [
    'CREATE TABLE IF NOT EXISTS "newsroom_article_search" ('
    "rowid bigint PRIMARY KEY, document tsvector NOT NULL)",
    'CREATE INDEX IF NOT EXISTS "newsroom_article_search_document_gin" '
    'ON "newsroom_article_search" USING gin (document)',
]
CREATE = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}


def create_index(apps, schema_editor):
    for statement in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)
    if schema_editor.connection.vendor not in CREATE:
        return
    from gazeta.newsroom.search import index_rows

    Article = apps.get_model("newsroom", "Article")
    rows = Article.objects.order_by("pk").values_list("pk", "headline", "standfirst", "body")
    chunk = []
    for row in rows.iterator(chunk_size=500):
        chunk.append(row)
        if len(chunk) == 500:
            index_rows(chunk, connection=schema_editor.connection)
            chunk = []
    index_rows(chunk, connection=schema_editor.connection)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor in CREATE:
        schema_editor.execute('DROP TABLE IF EXISTS "newsroom_article_search"')


class Migration(migrations.Migration):

    dependencies = [
        ("newsroom", "0002_articleviewcount"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleSearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="newsroom.article",
                    ),
                ),
            ],
            options={
                "db_table": "newsroom_article_search",
                "managed": False,
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
