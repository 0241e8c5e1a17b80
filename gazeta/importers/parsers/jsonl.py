"""Gazeta's JSON Lines article format (docs/jsonl-format.md): one JSON object per line,
one article per object, read as a stream. Parsing checks shape, types, dates and choices;
it touches no database and returns plain dataclasses."""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from gazeta.comments.models import Comment
from gazeta.newsroom.models import Article

ARTICLE_STATUSES = tuple(Article.Status.values)
COMMENT_STATUSES = tuple(Comment.Status.values)
ARTICLE_FIELDS = frozenset(
    {
        "title",
        "slug",
        "external_id",
        "section",
        "status",
        "published_at",
        "updated_at",
        "byline",
        "sources",
        "tags",
        "featured",
        "comments_open",
        "lead",
        "body_html",
        "comments",
    }
)
COMMENT_FIELDS = frozenset({"name", "email", "website", "body", "created_at", "status", "replies"})
# What the public URL pattern accepts (``<slug:slug>``), within Article.slug's length.
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
EXTERNAL_ID_MAX_LENGTH = 200
# Far deeper than any real thread; keeps storing a reply chain within the recursion limit.
MAX_COMMENT_DEPTH = 50
validate_website = URLValidator(schemes=["http", "https"])


class FormatError(ValueError):
    """A line that does not follow the format; the message says which field and why."""


@dataclass(frozen=True)
class CommentItem:
    name: str
    email: str
    website: str
    body: str
    created_at: datetime
    status: str
    replies: tuple["CommentItem", ...] = ()


@dataclass(frozen=True)
class ArticleItem:
    title: str
    section: str
    body_html: str
    status: str
    published_at: datetime | None
    byline: tuple[str, ...] = ()
    slug: str | None = None
    external_id: str | None = None
    lead: str = ""
    updated_at: datetime | None = None
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    featured: bool = False
    comments_open: bool = True
    comments: tuple[CommentItem, ...] = ()


@dataclass(frozen=True)
class ParsedLine:
    """One line of input: its 1-based number, its size in bytes, and either the article it
    holds or the reason it could not be read."""

    number: int
    size: int
    item: ArticleItem | None = None
    error: str | None = None


def read_lines(lines: Iterable[bytes | str]) -> Iterator[ParsedLine]:
    """Parse ``lines`` (a binary or text file object, or any iterable of lines) one at a
    time. Blank lines are skipped; a bad line yields a ``ParsedLine`` with an ``error``."""
    for number, raw in enumerate(lines, start=1):
        size = len(raw)
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield ParsedLine(number, size, error=f"not valid UTF-8 (byte {exc.start + 1})")
                continue
        else:
            text = raw
        text = text.rstrip("\r\n")
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            continue
        try:
            yield ParsedLine(number, size, item=parse_line(text))
        except FormatError as exc:
            yield ParsedLine(number, size, error=str(exc))


def parse_line(text: str) -> ArticleItem:
    """The article held by one line of JSON; ``FormatError`` names the first problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise FormatError("invalid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise FormatError(f"expected a JSON object, got {_json_type(data)}")
    _reject_unknown(data, ARTICLE_FIELDS, "")
    title = _required_str(data, "title", "")
    section = _required_str(data, "section", "")
    body_html = _required_str(data, "body_html", "", allow_blank=True, strip=False)
    status = _required_str(data, "status", "")
    if status not in ARTICLE_STATUSES:
        raise FormatError(
            f'unknown status "{_shorten(status)}" (expected one of: {", ".join(ARTICLE_STATUSES)})'
        )
    published_at = _optional_datetime(data, "published_at", "")
    if published_at is None and status != Article.Status.DRAFT:
        raise FormatError(f'missing required field "published_at" (status is {status})')
    return ArticleItem(
        title=title,
        section=section,
        body_html=body_html,
        status=status,
        published_at=published_at,
        byline=_byline(data),
        slug=_slug(data),
        external_id=_external_id(data),
        lead=_optional_str(data, "lead", ""),
        updated_at=_optional_datetime(data, "updated_at", ""),
        sources=_names(data, "sources", ""),
        tags=_names(data, "tags", ""),
        featured=_optional_bool(data, "featured", default=False),
        comments_open=_optional_bool(data, "comments_open", default=True),
        comments=_comments(data, "comments", owner="", label="comment", depth=1),
    )


def _comments(
    data: dict, field: str, *, owner: str, label: str, depth: int
) -> tuple[CommentItem, ...]:
    """The comments (or replies) under ``field``; errors name them “comment 2, reply 1”."""
    value = data.get(field)
    if value is None or value == []:
        return ()
    if not isinstance(value, list):
        raise FormatError(f'{owner}"{field}" must be a list of objects, got {_json_type(value)}')
    if depth > MAX_COMMENT_DEPTH:
        raise FormatError(f"{owner}replies nested deeper than {MAX_COMMENT_DEPTH} levels")
    return tuple(
        _comment(entry, f"{label} {position}", depth)
        for position, entry in enumerate(value, start=1)
    )


def _comment(data: Any, where: str, depth: int) -> CommentItem:
    if not isinstance(data, dict):
        raise FormatError(f"{where}: expected a JSON object, got {_json_type(data)}")
    _reject_unknown(data, COMMENT_FIELDS, where)
    where_ = f"{where}: "
    name = _required_str(data, "name", where_)
    # Empty only where the commenter was erased and the comment kept without an address.
    email = _optional_str(data, "email", where_).strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            # The address is personal data: name the field, not the value.
            raise FormatError(f'{where_}"email" is not a valid email address') from None
    website = _optional_str(data, "website", where_).strip()
    if website:
        try:
            validate_website(website)
        except ValidationError:
            raise FormatError(f'{where_}"website" is not a valid http(s) address') from None
    body = _required_str(data, "body", where_, strip=False)
    created_at = _optional_datetime(data, "created_at", where_)
    if created_at is None:
        raise FormatError(f'{where_}missing required field "created_at"')
    status = _required_str(data, "status", where_)
    if status not in COMMENT_STATUSES:
        raise FormatError(
            f'{where_}unknown comment status "{_shorten(status)}" '
            f"(expected one of: {', '.join(COMMENT_STATUSES)})"
        )
    return CommentItem(
        name=name,
        email=email,
        website=website,
        body=body,
        created_at=created_at,
        status=status,
        replies=_comments(data, "replies", owner=where_, label=f"{where}, reply", depth=depth + 1),
    )


def _reject_unknown(data: dict, known: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        names = ", ".join(f'"{_shorten(name)}"' for name in unknown)
        prefix = f"{where}: " if where else ""
        raise FormatError(f"{prefix}unknown field{'s' if len(unknown) > 1 else ''} {names}")


def _required_str(
    data: dict, field: str, where: str, *, allow_blank: bool = False, strip: bool = True
) -> str:
    value = data.get(field)
    if value is None:
        raise FormatError(f'{where}missing required field "{field}"')
    if not isinstance(value, str):
        raise FormatError(f'{where}"{field}" must be a string, got {_json_type(value)}')
    if not allow_blank and not value.strip():
        raise FormatError(f'{where}"{field}" must not be empty')
    return value.strip() if strip else value


def _optional_str(data: dict, field: str, where: str) -> str:
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FormatError(f'{where}"{field}" must be a string, got {_json_type(value)}')
    return value


def _optional_bool(data: dict, field: str, *, default: bool) -> bool:
    value = data.get(field)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise FormatError(f'"{field}" must be true or false, got {_json_type(value)}')
    return value


def _optional_datetime(data: dict, field: str, where: str) -> datetime | None:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FormatError(f'{where}"{field}" must be an ISO 8601 string, got {_json_type(value)}')
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FormatError(
            f'{where}"{field}": "{_shorten(value)}" is not an ISO 8601 date and time'
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise FormatError(
            f'{where}"{field}": "{_shorten(value)}" has no UTC offset '
            "(write it like 2024-11-01T17:21:00+02:00)"
        )
    return parsed


def _byline(data: dict) -> tuple[str, ...]:
    value = data.get("byline")
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    return _names(data, "byline", "")


def _names(data: dict, field: str, where: str) -> tuple[str, ...]:
    value = data.get(field)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FormatError(f'{where}"{field}" must be a list of non-empty strings')
    return tuple(v.strip() for v in value)


def _slug(data: dict) -> str | None:
    value = data.get("slug")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or not SLUG_RE.match(value.strip()):
        raise FormatError(
            '"slug" must be ASCII letters, digits, hyphens or underscores (at most 100)'
        )
    return value.strip()


def _external_id(data: dict) -> str | None:
    value = data.get("external_id")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FormatError(f'"external_id" must be a string or an integer, got {_json_type(value)}')
    value = str(value).strip()
    if len(value) > EXTERNAL_ID_MAX_LENGTH:
        raise FormatError(f'"external_id" is longer than {EXTERNAL_ID_MAX_LENGTH} characters')
    return value or None


def _json_type(value: Any) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case str():
            return "a string"
        case list():
            return "a list"
        case dict():
            return "an object"
    return type(value).__name__


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else f"{value[: limit - 1]}…"


def dump_line(record: dict) -> str:
    """One record as a line of the format: UTF-8 text kept as is, newline-terminated."""
    return json.dumps(record, ensure_ascii=False) + "\n"
