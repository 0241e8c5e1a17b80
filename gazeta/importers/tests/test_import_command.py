import io
import os
from datetime import datetime, timedelta, timezone

import pytest
from django.core.management import ManagementUtility

from gazeta.comments.models import Comment
from gazeta.importers.models import ImportRun
from gazeta.importers.run import import_jsonl, open_input
from gazeta.newsroom.models import Agency, Article, ArticleRedirect, Author, Section, Tag
from gazeta.newsroom.tests.factories import ArticleFactory, SectionFactory

from .helpers import article, comment, jsonl, run_command

pytestmark = pytest.mark.django_db

EET = timezone(timedelta(hours=2))


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Article, Comment, Section, Author, Agency, Tag)
    }


def test_sample_file_is_imported_with_bylines_sources_tags_and_comments(import_file, samples):
    result = import_file(samples / "articles.jsonl")

    assert result.exit_code == 0
    assert result.stdout == (
        "Import finished: 3 created, 0 updated, 0 unchanged, 0 failed; 5 comments added.\n"
    )
    budget = Article.objects.get(external_id="cms-1001")
    assert budget.slug == "consiliul-local-a-aprobat-bugetul-pentru-anul-viitor"
    assert budget.section.name == "Local"
    assert budget.status == Article.Status.PUBLISHED
    assert budget.published_at == datetime(2024, 12, 12, 9, 30, tzinfo=EET)
    assert budget.revised_at == datetime(2024, 12, 12, 11, 5, tzinfo=EET)
    assert budget.standfirst.startswith("Consilierii au votat joi")
    assert budget.is_featured is True
    assert [b.author.name for b in budget.bylines.order_by("position")] == [
        "Ioana Marin",
        "Andrei Pop",
    ]
    assert [c.agency.name for c in budget.credits.order_by("position")] == ["Reuters", "Agerpres"]
    assert sorted(budget.tags.values_list("name", flat=True)) == ["buget", "consiliul local"]

    library = Article.objects.get(slug="program-nou-la-biblioteca")
    assert library.status == Article.Status.DRAFT
    assert library.published_at is None
    [desk] = library.authors.all()
    assert (desk.name, desk.is_desk) == ("Redacția Gazeta", True)


def test_text_gets_comma_below_diacritics_no_control_characters_and_a_clean_body(
    import_file, samples
):
    import_file(samples / "articles.jsonl")

    school = Article.objects.get(section__name="Educație")
    assert school.headline == "Școlile din județ primesc microbuze noi"
    assert school.slug == "scolile-din-judet-primesc-microbuze-noi"
    assert "<script>" not in school.body
    assert school.comments_open is False
    assert list(school.tags.values_list("name", flat=True)) == ["școli"]
    assert school.authors.count() == 0


def test_importing_the_same_file_twice_stores_nothing_twice(import_file, samples):
    first = import_file(samples / "articles.jsonl")
    stored = counts()

    second = import_file(samples / "articles.jsonl")

    assert counts() == stored
    assert first.stdout.startswith("Import finished: 3 created, 0 updated, 0 unchanged")
    assert second.stdout == (
        "Import finished: 0 created, 0 updated, 3 unchanged, 0 failed; 0 comments added.\n"
    )


def test_line_with_a_known_external_id_updates_that_article(import_lines):
    import_lines(article(external_id="wp-9", tags=["trafic"], sources=["AFP"]))
    original = Article.objects.get()

    result = import_lines(
        article(
            external_id="wp-9",
            title="Podul de pe strada Morii se redeschide mai devreme",
            lead="Lucrările s-au încheiat cu o săptămână înainte de termen.",
            updated_at="2024-03-05T15:00:00+02:00",
            tags=["poduri"],
            sources=["Agerpres"],
        )
    )

    assert result.stdout.startswith("Import finished: 0 created, 1 updated, 0 unchanged")
    updated = Article.objects.get()
    assert updated.pk == original.pk
    assert updated.headline == "Podul de pe strada Morii se redeschide mai devreme"
    assert updated.slug == original.slug
    assert updated.revised_at == datetime(2024, 3, 5, 15, 0, tzinfo=EET)
    assert list(updated.tags.values_list("name", flat=True)) == ["poduri"]
    assert list(updated.agencies.values_list("name", flat=True)) == ["Agerpres"]


def test_text_changed_without_a_new_updated_time_is_marked_updated_once(import_lines):
    import_lines(article(external_id="wp-9", updated_at="2024-03-05T12:00:00+02:00"))
    edited = article(
        external_id="wp-9", updated_at="2024-03-05T12:00:00+02:00", body_html="<p>Text nou.</p>"
    )

    first = import_lines(edited)
    marked = Article.objects.get().revised_at
    second = import_lines(edited)

    assert first.stdout.startswith("Import finished: 0 created, 1 updated, 0 unchanged")
    assert second.stdout.startswith("Import finished: 0 created, 0 updated, 1 unchanged")
    assert marked > datetime(2024, 3, 5, 12, 0, tzinfo=EET)
    assert Article.objects.get().revised_at == marked


def test_later_updated_time_alone_updates_the_article(import_lines):
    import_lines(article(external_id="wp-9", updated_at="2024-03-05T12:00:00+02:00"))

    result = import_lines(article(external_id="wp-9", updated_at="2024-03-05T18:00:00+02:00"))

    assert result.stdout.startswith("Import finished: 0 created, 1 updated")
    assert Article.objects.get().revised_at == datetime(2024, 3, 5, 18, 0, tzinfo=EET)


def test_new_explicit_slug_for_a_known_external_id_moves_the_article_and_keeps_the_old_address(
    import_lines,
):
    import_lines(article(external_id="wp-9", slug="pod-morii"))

    import_lines(article(external_id="wp-9", slug="podul-morii-redeschis"))

    moved = Article.objects.get()
    assert moved.slug == "podul-morii-redeschis"
    assert ArticleRedirect.objects.get().old_path == "/local/pod-morii/"


def test_explicit_slug_matches_the_article_at_that_slug(import_lines):
    existing = ArticleFactory(slug="pod-morii", headline="Alt titlu")

    result = import_lines(article(slug="pod-morii"))

    assert result.stdout.startswith("Import finished: 0 created, 1 updated")
    existing.refresh_from_db()
    assert existing.headline == "Podul de pe strada Morii se redeschide"
    assert Article.objects.count() == 1


def test_derived_slug_held_by_an_article_with_another_title_is_left_alone(import_lines):
    other = ArticleFactory(
        slug="podul-de-pe-strada-morii-se-redeschide",
        headline="Podul de pe strada Morii: se redeschide?",
    )

    first = import_lines(article())
    second = import_lines(article())

    other.refresh_from_db()
    assert other.headline == "Podul de pe strada Morii: se redeschide?"
    imported = Article.objects.exclude(pk=other.pk).get()
    assert imported.slug == "podul-de-pe-strada-morii-se-redeschide-2"
    assert first.stdout.startswith("Import finished: 1 created")
    assert second.stdout.startswith("Import finished: 0 created, 0 updated, 1 unchanged")


def test_derived_slug_match_skips_an_article_with_another_external_id(import_lines):
    import_lines(article(external_id="a-1"))

    import_lines(article(external_id="b-2"))

    assert sorted(Article.objects.values_list("external_id", "slug")) == [
        ("a-1", "podul-de-pe-strada-morii-se-redeschide"),
        ("b-2", "podul-de-pe-strada-morii-se-redeschide-2"),
    ]


def test_line_without_external_id_keeps_the_one_already_stored(import_lines):
    import_lines(article(external_id="wp-9"))

    result = import_lines(article())

    assert result.stdout.startswith("Import finished: 0 created, 0 updated, 1 unchanged")
    assert Article.objects.get().external_id == "wp-9"


def test_slug_held_by_an_article_with_another_external_id_is_reported(import_lines):
    ArticleFactory(slug="pod-morii", external_id="wp-1")

    result = import_lines(article(slug="pod-morii", external_id="wp-2"))

    assert result.exit_code == 1
    assert 'line 1: slug "pod-morii" is already used by the article with external_id "wp-1"' in (
        result.stderr
    )
    assert Article.objects.get().external_id == "wp-1"


def test_comments_keep_their_status_time_and_nesting(import_lines):
    result = import_lines(
        article(
            comments=[
                comment(
                    replies=[
                        comment(name="Vlad", body="Și eu mă bucur.", status="pending"),
                        comment(name="Robot", email="r@example.net", body="Reclamă", status="spam"),
                    ]
                ),
                comment(name="Ana", body="Text scos.", status="removed", website="https://ana.ro"),
            ]
        )
    )

    assert result.stdout.endswith("4 comments added.\n")
    top = Comment.objects.get(parent=None, name="Elena")
    assert top.status == Comment.Status.APPROVED
    assert top.created_at == datetime(2024, 3, 5, 11, 0, tzinfo=EET)
    assert sorted(top.replies.values_list("name", "status")) == [
        ("Robot", "spam"),
        ("Vlad", "pending"),
    ]
    removed = Comment.objects.get(name="Ana")
    assert (removed.parent, removed.status, removed.website) == (None, "removed", "https://ana.ro")
    assert list(Comment.objects.visible().values_list("name", flat=True)) == ["Elena"]


def test_reimport_adds_only_the_new_reply(import_lines):
    import_lines(
        article(comments=[comment(replies=[comment(name="Vlad", body="Primul răspuns.")])])
    )

    result = import_lines(
        article(
            comments=[
                comment(
                    replies=[
                        comment(name="Vlad", body="Primul răspuns."),
                        comment(name="Ana", email="ana@example.com", body="Al doilea răspuns."),
                    ]
                )
            ]
        )
    )

    assert result.stdout == (
        "Import finished: 0 created, 0 updated, 1 unchanged, 0 failed; 1 comment added.\n"
    )
    top = Comment.objects.get(parent=None)
    assert sorted(top.replies.values_list("name", flat=True)) == ["Ana", "Vlad"]
    assert Comment.objects.count() == 3


def test_cedilla_comment_is_recognised_as_already_stored(import_lines):
    import_lines(article(comments=[comment(body="Aşa e.")]))

    result = import_lines(article(comments=[comment(body="Așa e.")]))

    assert result.stdout.endswith("0 comments added.\n")
    assert Comment.objects.get().body == "Așa e."


def test_bad_lines_are_reported_by_number_and_the_rest_is_imported(import_file, samples):
    result = import_file(samples / "errors.jsonl")

    assert result.exit_code == 1
    assert result.stdout == (
        "Import finished: 2 created, 0 updated, 0 unchanged, 6 failed; 0 comments added.\n"
    )
    reported = [
        line.split(":")[0] for line in result.stderr.splitlines() if line.startswith("line")
    ]
    assert reported == ["line 2", "line 3", "line 4", "line 5", "line 7", "line 8"]
    assert result.stderr.endswith("6 line(s) failed; see the messages above.")
    assert sorted(Article.objects.values_list("external_id", flat=True)) == ["err-1", "err-2"]


def test_a_failing_line_leaves_nothing_behind(import_lines):
    too_long_name = "N" * 300

    result = import_lines(
        article(section="Sport", tags=["fotbal"], comments=[comment(name=too_long_name)]),
        article(title="Alt articol"),
    )

    assert result.exit_code == 1
    assert result.stderr.startswith(
        "line 1: name: Ensure this value has at most 245 characters (it has 300).\n"
    )
    assert list(Article.objects.values_list("headline", flat=True)) == ["Alt articol"]
    assert not Section.objects.filter(name="Sport").exists()
    assert not Tag.objects.exists()
    assert not Comment.objects.exists()


def test_section_with_a_reserved_address_is_reported(import_lines):
    result = import_lines(article(section="Admin"))

    assert result.exit_code == 1
    assert result.stderr.startswith("line 1: slug: “admin” is reserved by the site.\n")
    assert not Article.objects.exists()


def test_duplicate_names_are_credited_once_in_their_first_position(import_lines):
    import_lines(
        article(
            byline=["Ioana Marin", "Dan Pop", "ioana marin"], sources=["AFP", "Agerpres", "afp"]
        )
    )

    stored = Article.objects.get()
    assert [b.author.name for b in stored.bylines.order_by("position")] == [
        "Ioana Marin",
        "Dan Pop",
    ]
    assert [c.agency.name for c in stored.credits.order_by("position")] == ["AFP", "Agerpres"]


def test_existing_section_author_and_agency_are_reused(import_lines):
    section = SectionFactory(name="Local", slug="local")

    import_lines(article(byline=["Dan Pop"]), article(title="Altă știre", byline=["Dan Pop"]))

    assert set(Article.objects.values_list("section", flat=True)) == {section.pk}
    assert Author.objects.count() == 1


def test_dash_reads_standard_input():
    stdin = io.TextIOWrapper(io.BytesIO(jsonl(article(), article(title="Altă știre")).encode()))

    result = run_command("import_articles", "-", "--no-progress", stdin=stdin)

    assert result.exit_code == 0
    assert result.stdout.startswith("Import finished: 2 created")
    assert ImportRun.objects.get().source == "-"


def test_unreadable_file_stops_with_exit_code_2(tmp_path):
    result = run_command("import_articles", str(tmp_path / "lipsa.jsonl"), "--no-progress")

    assert result.exit_code == 2
    assert "cannot read" in result.stderr
    assert "No such file or directory" in result.stderr


def test_each_run_is_recorded_with_its_counts(import_file, samples):
    import_file(samples / "errors.jsonl")

    run = ImportRun.objects.get()
    assert run.format == "jsonl"
    assert run.source.endswith("errors.jsonl")
    assert run.status == ImportRun.Status.FINISHED
    assert run.finished_at is not None
    assert (run.articles_created, run.lines_failed, run.comments_added) == (2, 6, 0)


@pytest.mark.django_db(transaction=True)
def test_shell_exit_status_is_1_when_a_line_failed(tmp_path, capsys):
    path = tmp_path / "input.jsonl"
    path.write_text(jsonl(article()) + "{not json}\n", encoding="utf-8")

    with pytest.raises(SystemExit) as excinfo:
        ManagementUtility(["manage.py", "import_articles", str(path), "--no-progress"]).execute()

    assert excinfo.value.code == 1
    assert "line 2: invalid JSON" in capsys.readouterr().err
    assert Article.objects.count() == 1


def test_progress_bar_is_off_when_standard_error_is_not_a_terminal(samples, capfd):
    result = run_command("import_articles", str(samples / "articles.jsonl"))

    assert result.exit_code == 0
    assert not os.isatty(2)
    assert "import:" not in capfd.readouterr().err


def test_progress_bar_counts_bytes_on_standard_error(samples, capsys):
    path = samples / "articles.jsonl"
    with open_input(str(path)) as source:
        import_jsonl(source, progress=True)

    err = capsys.readouterr().err
    assert "import: 100%" in err
    assert f"{path.stat().st_size / 1000:.2f}k/" in err
