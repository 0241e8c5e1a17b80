import json
import stat
from datetime import UTC, datetime

import pytest

from gazeta.comments.models import Comment
from gazeta.importers.run import export_jsonl
from gazeta.newsroom.models import Agency, Article, ArticleRedirect, Author, Section, Tag
from gazeta.newsroom.tests.factories import (
    AgencyFactory,
    ArticleFactory,
    AuthorFactory,
    DraftFactory,
    SectionFactory,
    TagFactory,
)

from .helpers import article, comment, run_command

pytestmark = pytest.mark.django_db


def export(*args: str) -> list[dict]:
    result = run_command("export_articles", *args)
    assert result.exit_code == 0
    return [json.loads(line) for line in result.stdout.splitlines()]


def wipe_database() -> None:
    Article.objects.all().delete()
    for model in (Section, Author, Agency, Tag, ArticleRedirect):
        model.objects.all().delete()


def test_each_article_is_one_line_in_id_order_with_comments_nested():
    section = SectionFactory(name="Economie", slug="economie")
    first = ArticleFactory(
        section=section,
        headline="Prețul pâinii crește din martie",
        slug="pretul-painii",
        external_id="cms-1",
        published_at=datetime(2024, 11, 1, 15, 21, tzinfo=UTC),
        revised_at=datetime(2024, 11, 1, 16, 0, tzinfo=UTC),
        authors=[AuthorFactory(name="Ioana Marin", slug="ioana-marin")],
        agencies=[AgencyFactory(name="AFP", slug="afp"), AgencyFactory()],
    )
    first.tags.set([TagFactory(name="prețuri"), TagFactory(name="brutării")])
    top = Comment.objects.create(
        article=first,
        name="Elena",
        email="elena@example.com",
        body="Iar scumpiri.",
        status="approved",
        created_at=datetime(2024, 11, 1, 16, 30, tzinfo=UTC),
    )
    Comment.objects.create(
        article=first,
        parent=top,
        name="Vlad",
        email="vlad@example.com",
        website="https://vlad.example.com",
        body="Așa e.",
        status="pending",
        created_at=datetime(2024, 11, 1, 16, 45, tzinfo=UTC),
    )
    DraftFactory(section=section, headline="Ciornă", slug="ciorna")

    records = export()

    assert [r["title"] for r in records] == ["Prețul pâinii crește din martie", "Ciornă"]
    assert records[0] == {
        "title": "Prețul pâinii crește din martie",
        "slug": "pretul-painii",
        "external_id": "cms-1",
        "section": "Economie",
        "status": "published",
        "published_at": "2024-11-01T17:21:00+02:00",
        "updated_at": "2024-11-01T18:00:00+02:00",
        "byline": ["Ioana Marin"],
        "sources": ["AFP", "Agerpres"],
        "tags": ["brutării", "prețuri"],
        "featured": False,
        "comments_open": True,
        "lead": first.standfirst,
        "body_html": first.body,
        "comments": [
            {
                "name": "Elena",
                "email": "elena@example.com",
                "body": "Iar scumpiri.",
                "created_at": "2024-11-01T18:30:00+02:00",
                "status": "approved",
                "replies": [
                    {
                        "name": "Vlad",
                        "email": "vlad@example.com",
                        "website": "https://vlad.example.com",
                        "body": "Așa e.",
                        "created_at": "2024-11-01T18:45:00+02:00",
                        "status": "pending",
                    }
                ],
            }
        ],
    }
    assert "published_at" not in records[1]
    assert "external_id" not in records[1]


def test_diacritics_are_written_as_utf8_not_escaped():
    ArticleFactory(headline="Știri din Țara Făgărașului")

    result = run_command("export_articles")

    assert '"title": "Știri din Țara Făgărașului"' in result.stdout


def test_export_can_be_limited_to_one_status_or_one_section():
    local = SectionFactory(name="Local", slug="local")
    ArticleFactory(section=local, headline="Publicat local")
    DraftFactory(section=local, headline="Ciornă locală")
    ArticleFactory(headline="Publicat altundeva")

    assert [r["title"] for r in export("--status", "draft")] == ["Ciornă locală"]
    assert [r["title"] for r in export("--section", "local")] == [
        "Publicat local",
        "Ciornă locală",
    ]
    assert [r["title"] for r in export("--section", "Local", "--status", "published")] == [
        "Publicat local"
    ]


def test_export_to_a_file_is_readable_by_its_owner_only(tmp_path):
    ArticleFactory(headline="Un articol")
    path = tmp_path / "export.jsonl"

    result = run_command("export_articles", "--output", str(path))

    assert result.stdout == ""
    assert "Exported 1 article(s)." in result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text(encoding="utf-8"))["title"] == "Un articol"


def test_export_reads_articles_in_chunks_with_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    for n in range(5):
        ArticleFactory(
            authors=[AuthorFactory()], agencies=[AgencyFactory()], headline=f"Articolul {n}"
        )

    # One for the articles, one each for bylines, credits, tags and comments.
    with django_assert_num_queries(5):
        export_jsonl(_Sink())


class _Sink:
    def write(self, text: str) -> None:
        pass


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_lines(
    import_lines,
):
    import_lines(
        article(
            external_id="cms-42",
            title="Noul parc din cartierul Tătărași se deschide sâmbătă",
            section="Iași",
            byline=["Ștefan Irimia", "Redacția Gazeta", "Ana Țurcanu"],
            sources=["Reuters", "AFP", "Agerpres"],
            tags=["parcuri", "Tătărași", "administrație"],
            featured=True,
            lead="Primăria spune că „aleile sunt gata”.",
            updated_at="2024-03-06T09:15:30.250000+02:00",
            body_html="<p>„Am plantat o mie de copaci”, a spus primarul.</p><h2>Program</h2>",
            comments=[
                comment(
                    name="Ioana",
                    body="Abia aștept!\nVin cu copiii.",
                    replies=[
                        comment(name="Mihai", email="mihai@example.com", status="pending"),
                        comment(
                            name="Ioana",
                            body="Ne vedem acolo.",
                            created_at="2024-03-05T11:00:00+02:00",
                            replies=[comment(name="Spam", body="Reduceri!", status="spam")],
                        ),
                    ],
                ),
                comment(name="X", body="Șters.", status="removed", website="https://x.example"),
            ],
        ),
        article(slug="ciorna-despre-buget", title="Ciornă despre buget", status="draft"),
        article(
            title="Programare pentru toamnă",
            status="scheduled",
            published_at="2031-09-01T08:00:00+03:00",
            comments_open=False,
            byline="Redacția Gazeta",
        ),
    )
    first_export = run_command("export_articles").stdout
    wipe_database()
    assert not Comment.objects.exists()

    reimport = import_lines(first_export)
    second_export = run_command("export_articles").stdout

    assert reimport.stdout == (
        "Import finished: 3 created, 0 updated, 0 unchanged, 0 failed; 5 comments added.\n"
    )
    assert second_export == first_export
    record = json.loads(first_export.splitlines()[0])
    assert record["byline"] == ["Ștefan Irimia", "Redacția Gazeta", "Ana Țurcanu"]
    assert record["sources"] == ["Reuters", "AFP", "Agerpres"]
    assert record["updated_at"] == "2024-03-06T09:15:30.250000+02:00"
    assert [r["name"] for r in record["comments"][0]["replies"]] == ["Mihai", "Ioana"]
    assert record["comments"][0]["replies"][1]["replies"][0]["status"] == "spam"


def test_importing_an_export_over_its_own_database_changes_nothing(import_lines):
    ArticleFactory(
        headline="Știre cu autor și agenții",
        authors=[AuthorFactory(name="Dan Pop", slug="dan-pop")],
        agencies=[AgencyFactory()],
    )
    exported = run_command("export_articles").stdout

    result = import_lines(exported)

    assert result.stdout.startswith("Import finished: 0 created, 0 updated, 1 unchanged")
