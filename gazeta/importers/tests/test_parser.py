import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from gazeta.importers.parsers.jsonl import (
    MAX_COMMENT_DEPTH,
    ArticleItem,
    CommentItem,
    FormatError,
    parse_line,
    read_lines,
)

from .helpers import article, comment

EET = timezone(timedelta(hours=2))


def line(**fields) -> str:
    return json.dumps(article(**fields), ensure_ascii=False)


def test_complete_line_becomes_plain_dataclasses():
    item = parse_line(
        line(
            slug="podul-morii",
            external_id="wp-77",
            byline=["Ioana Marin", "Redacția Gazeta"],
            lead="Primăria a anunțat redeschiderea.",
            updated_at="2024-03-05T12:30:00Z",
            sources=["AFP", "Agerpres"],
            tags=["trafic", "poduri"],
            featured=True,
            comments_open=False,
            comments=[comment(website="https://example.com", replies=[comment(name="Vlad")])],
        )
    )

    assert isinstance(item, ArticleItem)
    assert item.title == "Podul de pe strada Morii se redeschide"
    assert item.section == "Local"
    assert item.status == "published"
    assert item.published_at == datetime(2024, 3, 5, 10, 0, tzinfo=EET)
    assert item.updated_at == datetime(2024, 3, 5, 12, 30, tzinfo=UTC)
    assert item.byline == ("Ioana Marin", "Redacția Gazeta")
    assert item.sources == ("AFP", "Agerpres")
    assert item.tags == ("trafic", "poduri")
    assert (item.slug, item.external_id, item.lead) == (
        "podul-morii",
        "wp-77",
        "Primăria a anunțat redeschiderea.",
    )
    assert (item.featured, item.comments_open) == (True, False)
    [top] = item.comments
    assert isinstance(top, CommentItem)
    assert (top.name, top.website, top.status) == ("Elena", "https://example.com", "approved")
    assert [reply.name for reply in top.replies] == ["Vlad"]


def test_optional_fields_take_their_defaults():
    item = parse_line(line())

    assert item.byline == () and item.sources == () and item.tags == () and item.comments == ()
    assert item.slug is None and item.external_id is None and item.updated_at is None
    assert item.lead == ""
    assert item.featured is False
    assert item.comments_open is True


def test_byline_given_as_one_string_is_one_name():
    assert parse_line(line(byline="Redacția Gazeta, Iași")).byline == ("Redacția Gazeta, Iași",)


def test_empty_byline_means_no_byline():
    assert parse_line(line(byline="")).byline == ()
    assert parse_line(line(byline=[])).byline == ()


def test_draft_may_leave_out_published_at():
    item = parse_line(line(status="draft", published_at=None))

    assert item.status == "draft"
    assert item.published_at is None


def test_numeric_external_id_is_read_as_text():
    assert parse_line(line(external_id=4512)).external_id == "4512"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"title": "Fără final"', "invalid JSON: Expecting ',' delimiter (column 23)"),
        ("[1, 2]", "expected a JSON object, got a list"),
        (line(title=None), 'missing required field "title"'),
        (line(title="   "), '"title" must not be empty'),
        (line(section=12), '"section" must be a string, got a number'),
        (line(body_html=None), 'missing required field "body_html"'),
        (line(status=None), 'missing required field "status"'),
        (
            line(status="online"),
            'unknown status "online" (expected one of: draft, scheduled, published)',
        ),
        (line(published_at=None), 'missing required field "published_at" (status is published)'),
        (
            line(published_at="05.03.2024 10:00"),
            '"published_at": "05.03.2024 10:00" is not an ISO 8601 date and time',
        ),
        (
            line(updated_at="2024-03-05T10:00:00"),
            '"updated_at": "2024-03-05T10:00:00" has no UTC offset '
            "(write it like 2024-11-01T17:21:00+02:00)",
        ),
        (line(featured="da"), '"featured" must be true or false, got a string'),
        (line(tags="trafic"), '"tags" must be a list of non-empty strings'),
        (line(sources=["AFP", ""]), '"sources" must be a list of non-empty strings'),
        (
            line(slug="podul-morii-ș"),
            '"slug" must be ASCII letters, digits, hyphens or underscores (at most 100)',
        ),
        (line(external_id=True), '"external_id" must be a string or an integer, got a boolean'),
        (line(headline="Titlu"), 'unknown field "headline"'),
        (line(comments={"name": "x"}), '"comments" must be a list of objects, got an object'),
        (line(comments=["text"]), "comment 1: expected a JSON object, got a string"),
        (
            line(comments=[comment(), comment(status="visible")]),
            'comment 2: unknown comment status "visible" '
            "(expected one of: pending, approved, spam, removed)",
        ),
        (line(comments=[comment(body="")]), 'comment 1: "body" must not be empty'),
        (
            line(comments=[comment(created_at="ieri")]),
            'comment 1: "created_at": "ieri" is not an ISO 8601 date and time',
        ),
        (
            line(comments=[comment(website="javascript:alert(1)")]),
            'comment 1: "website" is not a valid http(s) address',
        ),
        (
            line(comments=[comment(replies=[comment(), comment(created_at=None)])]),
            'comment 1, reply 2: missing required field "created_at"',
        ),
        (
            line(comments=[comment(replies=[comment(replies=[comment(ip="1.2.3.4")])])]),
            'comment 1, reply 1, reply 1: unknown field "ip"',
        ),
    ],
)
def test_bad_line_is_rejected_with_a_message_naming_the_problem(text, message):
    with pytest.raises(FormatError) as excinfo:
        parse_line(text)

    assert str(excinfo.value) == message


def test_invalid_email_is_reported_without_repeating_the_address():
    with pytest.raises(FormatError) as excinfo:
        parse_line(line(comments=[comment(email="elena-la-example.com")]))

    assert str(excinfo.value) == 'comment 1: "email" is not a valid email address'
    assert "elena-la-example" not in str(excinfo.value)


def test_comment_of_an_erased_commenter_may_have_no_email():
    [kept] = parse_line(line(comments=[comment(email="", name="Anonim")])).comments

    assert kept.email == ""


def test_reply_chain_deeper_than_the_limit_is_rejected():
    def chain(depth):
        return comment() if depth == 1 else comment(replies=[chain(depth - 1)])

    assert len(parse_line(line(comments=[chain(MAX_COMMENT_DEPTH)])).comments) == 1
    with pytest.raises(FormatError, match=f"replies nested deeper than {MAX_COMMENT_DEPTH} levels"):
        parse_line(line(comments=[chain(MAX_COMMENT_DEPTH + 1)]))


def test_errors_carry_line_numbers_and_blank_lines_are_skipped(samples):
    with (samples / "errors.jsonl").open("rb") as handle:
        parsed = list(read_lines(handle))

    assert [p.number for p in parsed if p.item] == [1, 9]
    assert [(p.number, p.error) for p in parsed if p.error] == [
        (2, "invalid JSON: Expecting ',' delimiter (column 54)"),
        (3, 'missing required field "title"'),
        (4, '"published_at": "01.05.2024 12:00" is not an ISO 8601 date and time'),
        (5, 'unknown status "online" (expected one of: draft, scheduled, published)'),
        (
            7,
            'comment 1: unknown comment status "visible" '
            "(expected one of: pending, approved, spam, removed)",
        ),
        (8, 'comment 1, reply 1: "email" is not a valid email address'),
    ]


def test_invalid_utf8_line_is_reported_and_reading_goes_on():
    stream = io.BytesIO(line().encode() + b"\n" + b'{"title": "\xff"}\n' + line().encode())

    parsed = list(read_lines(stream))

    assert [(p.number, p.error) for p in parsed] == [
        (1, None),
        (2, "not valid UTF-8 (byte 12)"),
        (3, None),
    ]


def test_byte_order_mark_and_crlf_line_endings_are_accepted():
    stream = io.BytesIO(("\ufeff" + line() + "\r\n" + line(title="Al doilea") + "\r\n").encode())

    parsed = list(read_lines(stream))

    assert [p.item.title for p in parsed] == [
        "Podul de pe strada Morii se redeschide",
        "Al doilea",
    ]


def test_sizes_add_up_to_the_bytes_read(samples):
    path = samples / "articles.jsonl"
    with path.open("rb") as handle:
        parsed = list(read_lines(handle))

    assert sum(p.size for p in parsed) == path.stat().st_size
