"""An index for looking commenters up by email address whatever its case (``email__iexact``:
has this reader had a comment approved before; a reader's own comments for the privacy
commands). Without it each new comment read every comment: 39 s on SQLite and 6 s on
PostgreSQL with ten million comments.

The lookup differs per database, so does the index: SQLite turns ``iexact`` into ``LIKE``,
which an index uses only when its column compares with the NOCASE collation; PostgreSQL into
``UPPER(email) = UPPER(%s)``, which needs an index on that expression. Neither fits
``Meta.indexes`` on both, so the index is created here with SQL chosen by vendor."""

from django.db import migrations

CREATE = {
    "sqlite": "CREATE INDEX IF NOT EXISTS comment_email_nocase_idx "
    "ON comments_comment (email COLLATE NOCASE, status)",
    "postgresql": "CREATE INDEX IF NOT EXISTS comment_email_upper_idx "
    "ON comments_comment (UPPER(email), status)",
}
DROP = {
    "sqlite": "DROP INDEX IF EXISTS comment_email_nocase_idx",
    "postgresql": "DROP INDEX IF EXISTS comment_email_upper_idx",
}


def create_index(apps, schema_editor):
    statement = CREATE.get(schema_editor.connection.vendor)
    if statement:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    statement = DROP.get(schema_editor.connection.vendor)
    if statement:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
