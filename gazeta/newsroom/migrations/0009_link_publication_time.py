"""Topic links and bylines carry their article's publication time, kept by the database.

The topic and author pages list the newest of tens of thousands of articles; with the time on
the link row, each is read from an index ``(tag or author, published_at, article)`` in order
instead of sorting every article of the topic. The copy is kept by triggers so that every way
of writing (the ORM's ``tags.set()``, bulk inserts, the corpus generator's ``COPY``, an
``UPDATE`` by hand) keeps it right; Gazeta's code never writes it.
"""

from django.db import migrations, models

LINK_TABLES = ("newsroom_article_tags", "newsroom_byline")

BACKFILL = [
    f"UPDATE {table} SET published_at = (SELECT a.published_at FROM newsroom_article a"
    f" WHERE a.id = {table}.article_id)"
    for table in LINK_TABLES
]

SQLITE_FORWARD = [
    'ALTER TABLE "newsroom_article_tags" ADD COLUMN "published_at" datetime NULL',
    *BACKFILL,
    *(
        statement
        for table in LINK_TABLES
        for statement in (
            f"CREATE TRIGGER {table}_published_at_insert AFTER INSERT ON {table} BEGIN"
            f" UPDATE {table} SET published_at = (SELECT published_at FROM newsroom_article"
            f" WHERE id = NEW.article_id) WHERE id = NEW.id; END",
            # A save through the ORM writes every column, the copy included.
            f"CREATE TRIGGER {table}_published_at_update AFTER UPDATE OF article_id,"
            f" published_at ON {table} BEGIN UPDATE {table} SET published_at = (SELECT"
            f" published_at FROM newsroom_article WHERE id = NEW.article_id) WHERE id = NEW.id;"
            f" END",
        )
    ),
    "CREATE TRIGGER newsroom_article_published_at_links AFTER UPDATE OF published_at"
    " ON newsroom_article WHEN NEW.published_at IS NOT OLD.published_at BEGIN"
    " UPDATE newsroom_article_tags SET published_at = NEW.published_at"
    " WHERE article_id = NEW.id;"
    " UPDATE newsroom_byline SET published_at = NEW.published_at WHERE article_id = NEW.id;"
    " END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER newsroom_article_published_at_links",
    *(
        f"DROP TRIGGER {table}_published_at_{event}"
        for table in LINK_TABLES
        for event in ("insert", "update")
    ),
    'ALTER TABLE "newsroom_article_tags" DROP COLUMN "published_at"',
]

POSTGRES_FORWARD = [
    'ALTER TABLE "newsroom_article_tags" ADD COLUMN "published_at" timestamp with time zone NULL',
    *BACKFILL,
    """CREATE FUNCTION newsroom_link_published_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.published_at := (SELECT published_at FROM newsroom_article WHERE id = NEW.article_id);
        RETURN NEW;
    END $$""",
    *(
        f"CREATE TRIGGER {table}_published_at BEFORE INSERT OR UPDATE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION newsroom_link_published_at()"
        for table in LINK_TABLES
    ),
    """CREATE FUNCTION newsroom_article_published_at_links() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE newsroom_article_tags SET published_at = NEW.published_at
            WHERE article_id = NEW.id;
        UPDATE newsroom_byline SET published_at = NEW.published_at WHERE article_id = NEW.id;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER newsroom_article_published_at_links AFTER UPDATE OF published_at"
    " ON newsroom_article FOR EACH ROW"
    " WHEN (NEW.published_at IS DISTINCT FROM OLD.published_at)"
    " EXECUTE FUNCTION newsroom_article_published_at_links()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER newsroom_article_published_at_links ON newsroom_article",
    "DROP FUNCTION newsroom_article_published_at_links()",
    *(f"DROP TRIGGER {table}_published_at ON {table}" for table in LINK_TABLES),
    "DROP FUNCTION newsroom_link_published_at()",
    'ALTER TABLE "newsroom_article_tags" DROP COLUMN "published_at"',
]

TAG_INDEX = (
    'CREATE INDEX "articletag_list_idx" ON "newsroom_article_tags"'
    ' ("tag_id", "published_at", "article_id")'
)


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(
                f"Gazeta runs on SQLite and PostgreSQL, not {schema_editor.connection.vendor}."
            )
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0008_listing_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleTag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("published_at", models.DateTimeField(editable=False, null=True)),
                (
                    "article",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="tag_links",
                        to="newsroom.article",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="article_links",
                        to="newsroom.tag",
                    ),
                ),
            ],
            options={
                "verbose_name": "topic link",
                "verbose_name_plural": "topic links",
                "db_table": "newsroom_article_tags",
                "managed": False,
            },
        ),
        migrations.AddField(
            model_name="byline",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="Copy of the article's publication time, kept by the database.",
                null=True,
            ),
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        ),
        migrations.AddIndex(
            model_name="byline",
            index=models.Index(
                fields=["author", "published_at", "article"], name="byline_author_list_idx"
            ),
        ),
        migrations.RunSQL(TAG_INDEX, 'DROP INDEX "articletag_list_idx"'),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["updated_at"], name="article_updated_idx"),
        ),
    ]
