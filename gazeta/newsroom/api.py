"""The read-only JSON API for apps and partners, documented in ``docs/api.md``.

It serves published articles (``Article.objects.published()``), their sections, authors, wire
credits and tags, and nothing else: no drafts, no scheduled articles before their time, no
e-mail or IP addresses, no comments."""

import binascii
import json
from base64 import b64decode, urlsafe_b64encode
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import wraps
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from gazeta.core.cache import private_no_cache, public_cache

from . import search
from .models import Article, Author, LikelyAtMost, Section, Tag

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Longer than any cursor this API hands out; anything longer is rejected before decoding.
MAX_CURSOR_LENGTH = 512
# Search results are ranked, not keyed: pages go this deep and no further.
MAX_SEARCH_RESULTS = 1000
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,150}$"


class Utf8JSONRenderer(JSONRenderer):
    """Romanian text as UTF-8 rather than ``\\u`` escapes: readable and smaller."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Gazeta API",
    version="1",
    description=(
        "Read-only access to published articles, sections, authors, tags and search. "
        "Lists are paginated with an opaque `cursor`; every 200 response carries an `ETag` "
        "(send it back in `If-None-Match` to get 304) and `Cache-Control` lifetimes "
        "(public, except for search). "
        "See docs/api.md."
    ),
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
)


def absolute_url(path: str) -> str:
    return f"{settings.GAZETA_SITE_URL}{path}"


# Schemas ----------------------------------------------------------------------------------


class Error(Schema):
    detail: str = Field(description="What went wrong, in English.")
    errors: list[dict[str, Any]] | None = Field(
        None, description="For invalid parameters: one entry per parameter."
    )


class SectionRef(Schema):
    name: str
    slug: str
    url: str = Field(description="The section front on the site.")

    @staticmethod
    def resolve_url(section: Section) -> str:
        return absolute_url(section.get_absolute_url())


class SectionOut(SectionRef):
    description: str


class AuthorOut(Schema):
    name: str
    slug: str
    is_desk: bool = Field(description="True for a desk byline such as the newsroom itself.")
    url: str = Field(description="The author's page on the site.")

    @staticmethod
    def resolve_url(author: Author) -> str:
        return absolute_url(author.get_absolute_url())


class TagOut(Schema):
    name: str
    slug: str


class ArticleOut(Schema):
    id: int
    url: str = Field(description="The article page on the site.")
    headline: str
    slug: str
    section: SectionRef
    lead: str = Field(description="The standfirst, plain text; may be empty.")
    published_at: datetime
    updated_at: datetime | None = Field(
        description="When the text was last revised after publication, if it was."
    )
    authors: list[AuthorOut] = Field(description="Bylines, in the order printed.")
    sources: list[str] = Field(
        description="Wire agencies credited, the originating agency first (AFP, Agerpres…)."
    )
    tags: list[TagOut]

    @staticmethod
    def resolve_url(article: Article) -> str:
        return absolute_url(article.get_absolute_url())

    @staticmethod
    def resolve_lead(article: Article) -> str:
        return article.standfirst

    @staticmethod
    def resolve_updated_at(article: Article) -> datetime | None:
        return article.revised_at

    @staticmethod
    def resolve_authors(article: Article) -> list[Author]:
        return [byline.author for byline in article.bylines.all()]

    @staticmethod
    def resolve_sources(article: Article) -> list[str]:
        return [credit.agency.name for credit in article.credits.all()]

    @staticmethod
    def resolve_tags(article: Article) -> list[Tag]:
        return list(article.tags.all())


class ArticleDetailOut(ArticleOut):
    body_html: str = Field(description="The body as sanitised HTML.")

    @staticmethod
    def resolve_body_html(article: Article) -> str:
        return article.body


class SearchHitOut(ArticleOut):
    headline_html: str = Field(description="The headline, escaped, matched words in <mark>.")
    snippet_html: str = Field(
        description="About 30 words of the lead and body around the matches, escaped, "
        "matched words in <mark>."
    )

    @staticmethod
    def resolve_headline_html(article: Article) -> str:
        return article.search_headline

    @staticmethod
    def resolve_snippet_html(article: Article) -> str:
        return article.search_snippet


class PageFields(Schema):
    next: str | None = Field(description="Absolute URL of the next page; null on the last.")
    next_cursor: str | None = Field(description="The `cursor` value of the next page.")


class ArticlePage(PageFields):
    items: list[ArticleOut]


class AuthorPage(PageFields):
    items: list[AuthorOut]


class TagPage(PageFields):
    items: list[TagOut]


class SearchPage(PageFields):
    items: list[SearchHitOut] = Field(description="Best match first.")


# Errors, caching, pagination --------------------------------------------------------------


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc: ValidationError):
    errors = [{key: e[key] for key in ("loc", "msg", "type") if key in e} for e in exc.errors]
    return api.create_response(
        request, {"detail": "Invalid request parameters.", "errors": errors}, status=400
    )


def conditional(cache_headers: Callable) -> Callable:
    """A successful answer gets ``cache_headers`` and an ETag from its body; a client that
    sends that ETag back in ``If-None-Match`` gets 304 (as ``ConditionalGetMiddleware``)."""

    def decorator(run: Callable) -> Callable:
        @wraps(run)
        def wrapper(request, *args, **kwargs):
            response = run(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            cache_headers(response)
            set_response_etag(response)
            return get_conditional_response(request, etag=response["ETag"], response=response)

        return wrapper

    return decorator


cacheable = conditional(public_cache)
# Search answers stay out of shared caches, as on the site, so the per-IP limit holds.
private = conditional(private_no_cache)


class InvalidCursor(HttpError):
    def __init__(self):
        super().__init__(400, "Invalid cursor.")


def encode_cursor(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":"))
    return urlsafe_b64encode(raw.encode()).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> list:
    """The values inside a cursor this API handed out; 400 for anything else."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        padded = cursor.encode("ascii") + b"=" * (-len(cursor) % 4)
        values = json.loads(b64decode(padded, altchars=b"-_", validate=True))
    except (ValueError, binascii.Error, RecursionError) as exc:
        raise InvalidCursor from exc
    if not isinstance(values, list):
        raise InvalidCursor
    return values


def is_id(value) -> bool:
    return type(value) is int and 0 < value < 2**63


def _load_datetime(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC)


def _load_name(value: str) -> str:
    if len(value) > 300 or "\x00" in value:
        raise ValueError("not a name")
    return value


@dataclass(frozen=True)
class Keyset:
    """A stable order on (``field``, id) with cursors that point just after one row, so
    pages never skip or repeat rows that share a ``field`` value, and rows published
    meanwhile do not shift the pages that follow.

    ``columns`` names what the query compares and orders on when that is a copy of
    (``field``, id) on a link table rather than the row's own: see ``LINK_ORDERS``. The
    cursor is made of the row's values all the same, so it does not tell the two apart."""

    field: str
    descending: bool
    load: Callable[[str], Any]
    dump: Callable[[Any], str] = str
    columns: tuple[str, str] | None = None

    @property
    def key(self) -> tuple[str, str]:
        """The two columns compared and ordered on."""
        return self.columns or (self.field, "id")

    def page(
        self, queryset: QuerySet, cursor: str | None, limit: int, *, where: Q | None = None
    ) -> tuple[list, str | None]:
        field, pk_field = self.key
        condition = where or Q()
        if cursor:
            value, pk = self.position(cursor)
            op = "lt" if self.descending else "gt"
            # The first bound is implied by the rest: it is there because an OR only filters
            # rows, while a bound also starts the index range at the cursor.
            condition &= Q(**{f"{field}__{op}e": value}) & (
                Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"{pk_field}__{op}": pk})
            )
        # One filter(): conditions on a link table given together are about the same link
        # row, where each further filter() would join the table once more.
        queryset = queryset.filter(condition)
        sign = "-" if self.descending else ""
        rows = list(queryset.order_by(f"{sign}{field}", f"{sign}{pk_field}")[: limit + 1])
        if len(rows) <= limit:
            return rows, None
        last = rows[limit - 1]
        return rows[:limit], encode_cursor([self.dump(getattr(last, self.field)), last.pk])

    def position(self, cursor: str) -> tuple[Any, int]:
        values = decode_cursor(cursor)
        if len(values) != 2 or not isinstance(values[0], str) or not is_id(values[1]):
            raise InvalidCursor
        try:
            return self.load(values[0]), values[1]
        except (ValueError, OverflowError) as exc:
            raise InvalidCursor from exc


@dataclass(frozen=True)
class Offset:
    """For ranked results with no stable key (search): the cursor counts the rows already
    shown, up to ``max_rows``."""

    max_rows: int

    def page(
        self, queryset: QuerySet, cursor: str | None, limit: int, *, where: Q | None = None
    ) -> tuple[list, str | None]:
        queryset = queryset.filter(where or Q())
        offset = self.position(cursor) if cursor else 0
        size = min(limit, self.max_rows - offset)
        rows = list(queryset[offset : offset + size + 1])
        if len(rows) <= size or offset + size >= self.max_rows:
            return rows[:size], None
        return rows[:size], encode_cursor([offset + size])

    def position(self, cursor: str) -> int:
        values = decode_cursor(cursor)
        if len(values) != 1 or not is_id(values[0]) or values[0] >= self.max_rows:
            raise InvalidCursor
        return values[0]


ARTICLE_ORDER = Keyset(
    field="published_at", descending=True, load=_load_datetime, dump=datetime.isoformat
)
# A topic's or an author's articles, in the same order, read from the link table's index
# (tag or author, published_at, article) from the cursor on: the links carry their article's
# publication time (migration 0009) and article id, so the database reads one page of the
# index instead of sorting every article of the topic. See ``article_list``.
LINK_ORDERS = {
    relation: replace(
        ARTICLE_ORDER, columns=(f"{relation}__published_at", f"{relation}__article_id")
    )
    for relation in ("tag_links", "bylines")
}
NAME_ORDER = Keyset(field="name", descending=False, load=_load_name)
SEARCH_ORDER = Offset(max_rows=MAX_SEARCH_RESULTS)


def paginate(
    request,
    queryset: QuerySet,
    order: Keyset | Offset,
    *,
    cursor,
    limit: int,
    where: Q | None = None,
) -> dict:
    """One page of ``queryset``, filtered by ``where`` in the same ``filter()`` as the
    cursor's position: one query for the rows (plus whatever the queryset prefetches),
    however deep the page, and the absolute URL of the next one."""
    items, next_cursor = order.page(queryset, cursor, limit, where=where)
    next_url = None
    if next_cursor:
        query = request.GET.copy()
        query["cursor"] = next_cursor
        next_url = absolute_url(f"{request.path}?{query.urlencode()}")
    return {"items": items, "next": next_url, "next_cursor": next_cursor}


# Reads ------------------------------------------------------------------------------------


def published_articles() -> QuerySet:
    """Published articles with their section, bylines, credits and tags (four queries)."""
    return Article.objects.published().for_detail()


def published_authors() -> QuerySet:
    return Author.objects.filter(Exists(Article.objects.published().filter(authors=OuterRef("pk"))))


def published_tags() -> QuerySet:
    """Tags on at least one published article: a tag used only on a draft stays unseen."""
    return Tag.objects.filter(Exists(Article.objects.published().filter(tags=OuterRef("pk"))))


def local_midnight(day: date) -> datetime | None:
    """The start of ``day`` in the site's time zone, or None when it falls outside the
    range datetimes can hold (then the bound filters nothing out)."""
    try:
        start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
        return start.astimezone(UTC)
    except OverflowError:
        return None


SectionSlug = Annotated[str | None, Query(pattern=SLUG_PATTERN, description="Section slug.")]
Since = Annotated[
    date | None, Query(description="Published on or after this day (site time zone).")
]
Until = Annotated[
    date | None, Query(description="Published on or before this day (site time zone).")
]
Cursor = Annotated[
    str | None, Query(description="The `next_cursor` of the previous page; omit for the first.")
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]


# Endpoints --------------------------------------------------------------------------------


@api.get(
    "/articles",
    response={200: ArticlePage, 400: Error},
    tags=["articles"],
    summary="Published articles, newest first",
)
@decorate_view(cacheable)
def article_list(
    request,
    section: SectionSlug = None,
    tag: Annotated[str | None, Query(pattern=SLUG_PATTERN, description="Tag slug.")] = None,
    author: Annotated[str | None, Query(pattern=SLUG_PATTERN, description="Author slug.")] = None,
    since: Since = None,
    until: Until = None,
    cursor: Cursor = None,
    limit: Limit = PAGE_SIZE,
):
    articles = published_articles().defer("body")
    order, where = ARTICLE_ORDER, Q()
    if section:
        articles = articles.filter(section__slug=section)
    # A topic or an author is read from its links in order (``LINK_ORDERS``); given both, the
    # topic's links, and the bylines only filter. The ids come from subqueries: an unknown
    # slug still gives an empty list, and no query is added.
    if author:
        byline = Q(bylines__author=Author.objects.filter(slug=author).order_by().values("pk")[:1])
        if tag:
            articles = articles.filter(byline)
        else:
            order, where = LINK_ORDERS["bylines"], byline
    if tag:
        order = LINK_ORDERS["tag_links"]
        where = Q(tag_links__tag=Tag.objects.filter(slug=tag).order_by().values("pk")[:1])
    published_at = order.key[0]
    if order is not ARTICLE_ORDER:
        # Implied by published(), which read the clock just before: here so that the link
        # index's range starts at now.
        where &= Q(LikelyAtMost(F(published_at), timezone.now()))
    if since and (start := local_midnight(since)):
        where &= Q(**{f"{published_at}__gte": start})
    if until and until < date.max and (end := local_midnight(until + timedelta(days=1))):
        where &= Q(**{f"{published_at}__lt": end})
    return paginate(request, articles, order, cursor=cursor, limit=limit, where=where)


@api.get(
    "/articles/{int:article_id}",
    response={200: ArticleDetailOut, 404: Error},
    tags=["articles"],
    summary="One published article, with its body",
)
@decorate_view(cacheable)
def article_detail(request, article_id: int):
    return get_object_or_404(published_articles(), pk=article_id)


@api.get("/sections", response=list[SectionOut], tags=["sections"], summary="All sections")
@decorate_view(cacheable)
def section_list(request):
    return Section.objects.all()


@api.get(
    "/sections/{slug:section_slug}",
    response={200: SectionOut, 404: Error},
    tags=["sections"],
    summary="One section",
)
@decorate_view(cacheable)
def section_detail(request, section_slug: str):
    return get_object_or_404(Section, slug=section_slug)


@api.get(
    "/sections/{slug:section_slug}/articles/{slug:article_slug}",
    response={200: ArticleDetailOut, 404: Error},
    tags=["articles"],
    summary="One published article by its address on the site",
)
@decorate_view(cacheable)
def article_by_slug(request, section_slug: str, article_slug: str):
    return get_object_or_404(published_articles(), section__slug=section_slug, slug=article_slug)


@api.get(
    "/authors",
    response={200: AuthorPage, 400: Error},
    tags=["authors"],
    summary="Authors and desks with published articles, by name",
)
@decorate_view(cacheable)
def author_list(request, cursor: Cursor = None, limit: Limit = PAGE_SIZE):
    return paginate(request, published_authors(), NAME_ORDER, cursor=cursor, limit=limit)


@api.get(
    "/authors/{slug:author_slug}",
    response={200: AuthorOut, 404: Error},
    tags=["authors"],
    summary="One author",
)
@decorate_view(cacheable)
def author_detail(request, author_slug: str):
    return get_object_or_404(published_authors(), slug=author_slug)


@api.get(
    "/tags",
    response={200: TagPage, 400: Error},
    tags=["tags"],
    summary="Tags on published articles, by name",
)
@decorate_view(cacheable)
def tag_list(request, cursor: Cursor = None, limit: Limit = PAGE_SIZE):
    return paginate(request, published_tags(), NAME_ORDER, cursor=cursor, limit=limit)


@api.get(
    "/tags/{slug:tag_slug}", response={200: TagOut, 404: Error}, tags=["tags"], summary="One tag"
)
@decorate_view(cacheable)
def tag_detail(request, tag_slug: str):
    return get_object_or_404(published_tags(), slug=tag_slug)


@api.get(
    "/search",
    response={200: SearchPage, 400: Error, 429: Error},
    tags=["search"],
    summary="Search published articles, best match first",
)
@decorate_view(private)
def search_articles(
    request,
    response: HttpResponse,
    q: Annotated[
        str,
        Query(
            description="Words to find, with or without diacritics; "
            '`"a phrase"` in quotes; `-word` to exclude.'
        ),
    ],
    section: SectionSlug = None,
    since: Since = None,
    until: Until = None,
    cursor: Cursor = None,
    limit: Limit = PAGE_SIZE,
):
    query = search.parse_query(q)
    if query.is_searchable and search.search_rate_limited(request):
        response["Retry-After"] = "60"
        return Status(
            429, {"detail": "Too many searches from this address; try again in a minute."}
        )
    results = search.article_search(
        query=query,
        # Inside the search, not after it: a search keeps only its newest matches.
        section=Section.objects.filter(slug=section).values("pk")[:1] if section else None,
        date_from=since if since and local_midnight(since) else None,
        date_to=until if until and until < date.max else None,
    )
    page = paginate(request, results.for_detail(), SEARCH_ORDER, cursor=cursor, limit=limit)
    page["items"] = search.attach_highlights(page["items"], query)
    return page


@api.get("/", include_in_schema=False)
def api_root(request):
    return {
        "docs": absolute_url(f"{request.path}docs"),
        "openapi": absolute_url(f"{request.path}openapi.json"),
    }


@api.get("/{path:unknown}", include_in_schema=False)
def unknown_path(request, unknown: str):
    """Anything else under the API answers 404 in JSON, like the endpoints do."""
    raise Http404
