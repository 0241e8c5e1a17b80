from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from gazeta.importers.mapping import (
    article_values,
    comment_records,
    derived_slug,
    is_derived_slug,
    isoformat,
    keeps_stored_revision,
    stored_text,
)
from gazeta.importers.parsers.jsonl import parse_line
from gazeta.newsroom.models import Article
from gazeta.newsroom.services import article_save
from gazeta.newsroom.tests.factories import SectionFactory

from .helpers import article, jsonl


def test_stored_text_uses_comma_below_and_drops_control_characters():
    assert stored_text("Ştiri\x07 din Ţara Bârsei") == "Știri din Țara Bârsei"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "title", ["Şedinţă de îndată a consiliului", "???", "Un titlu " + "foarte lung " * 12]
)
def test_derived_slug_is_the_slug_a_new_article_gets(title):
    saved = article_save(article=Article(headline=title, section=SectionFactory(), status="draft"))

    assert derived_slug(title) == saved.slug
    assert saved.slug.isascii()


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("podul-morii", True),
        ("podul-morii-2", True),
        ("podul-morii-17", True),
        ("podul-morii-nou", False),
        ("podul-morii-2-b", False),
        ("podul", False),
    ],
)
def test_only_the_base_slug_and_its_numbered_variants_count_as_derived(slug, expected):
    assert is_derived_slug(slug, "podul-morii") is expected


def test_article_values_name_the_model_fields():
    item = parse_line(jsonl(article(lead="Pe scurt.", featured=True, comments_open=False)))

    values = article_values(item)

    assert values["headline"] == item.title
    assert values["standfirst"] == "Pe scurt."
    assert values["body"] == item.body_html
    assert (values["is_featured"], values["comments_open"]) == (True, False)
    assert values["revised_at"] is None


def test_times_are_written_with_the_site_offset():
    assert isoformat(datetime(2024, 7, 1, 6, 5, tzinfo=UTC)) == "2024-07-01T09:05:00+03:00"
    assert isoformat(datetime(2024, 12, 1, 6, 5, tzinfo=UTC)) == "2024-12-01T08:05:00+02:00"
    assert isoformat(None) is None


def _comment(pk, parent_id=None):
    return SimpleNamespace(
        pk=pk,
        parent_id=parent_id,
        name=f"Cititor {pk}",
        email=f"c{pk}@example.com",
        website="",
        body="Text",
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
        status="approved",
    )


def test_replies_nest_under_their_parent_and_keep_their_order():
    records = comment_records(
        [_comment(1), _comment(2, 1), _comment(3), _comment(4, 2), _comment(5, 1)]
    )

    assert [r["name"] for r in records] == ["Cititor 1", "Cititor 3"]
    assert [r["name"] for r in records[0]["replies"]] == ["Cititor 2", "Cititor 5"]
    assert [r["name"] for r in records[0]["replies"][0]["replies"]] == ["Cititor 4"]
    assert "replies" not in records[1]
    assert "website" not in records[1]


def test_reply_whose_parent_is_missing_stays_at_the_top_level():
    records = comment_records([_comment(7, parent_id=99)])

    assert [r["name"] for r in records] == ["Cititor 7"]


@pytest.mark.parametrize(
    ("stored", "given", "kept"),
    [
        (None, None, True),
        (datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC), True),
        (datetime(2024, 5, 2, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC), True),
        (datetime(2024, 5, 2, tzinfo=UTC), None, True),
        (datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC), False),
        (None, datetime(2024, 5, 1, tzinfo=UTC), False),
    ],
)
def test_an_import_never_moves_the_updated_time_back_on_its_own(stored, given, kept):
    assert keeps_stored_revision(stored, given) is kept
