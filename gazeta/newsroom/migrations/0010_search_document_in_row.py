"""PostgreSQL keeps each article's search document (its ``tsvector``) inside the table row.

A document is about 2 KB; from 2 KB on PostgreSQL moves a value out to the TOAST table, so a
search that tests or ranks a document made one more index lookup and two more page reads for
every other article. With ``toast_tuple_target`` at its largest (a whole page), only documents
of very long articles still go out. ``VACUUM FULL`` rewrites the rows already there: the
search table is locked while it runs (about a minute for a million articles). Nothing changes
on SQLite."""

from django.db import migrations

TABLE = '"newsroom_article_search"'


def keep_in_row(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = 8160)")
        schema_editor.execute(f"VACUUM FULL {TABLE}")


def default_layout(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    # VACUUM cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("newsroom", "0009_link_publication_time"),
    ]

    operations = [
        migrations.RunPython(keep_in_row, default_layout, elidable=False),
    ]
