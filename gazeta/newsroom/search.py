"""Full-text search over articles: one interface, the backend picked by the database.

**Lexemes.** Text is turned into lexemes in Python, the same way on every database, so a
query finds the same articles on SQLite and on PostgreSQL:

1. lower-case, then fold diacritics away (NFKD, combining marks dropped): *ș*, *ş* (the
   legacy cedilla letter) and a bare *s* all become *s*, so every spelling meets every other;
2. put back the *ț* of the ``-ție/-ția/-ției/-ții/-țiile/-țiilor/-țiune…`` endings, which the
   Romanian stemmer needs to see: without it ``diplomatie`` stems to ``diplomat`` while
   ``diplomatiei`` stems to ``diplom`` and the two never meet;
3. stem with Snowball's Romanian stemmer (``snowballstemmer``), fold the stem again, and drop
   one final vowel from stems of four letters or more (the genitive ``echipei`` → ``echipe``
   joins ``echipă`` → ``echip``).

PostgreSQL's own ``romanian`` configuration, even behind ``unaccent``, stems ``diplomație``
and ``diplomaţiei`` differently, so it is not used: the PostgreSQL index stores these
lexemes as a ``tsvector`` literal and queries are ``tsquery`` literals built from them.

**Index.** ``newsroom_article_search`` has one row per article (drafts included) and is
written by :func:`search_index_update` from the newsroom services; queries join it to
``Article.objects.published()``, so a scheduled article turns up the moment its time comes
and a draft never does. Its key column is ``rowid``, the article id, on both; there is no
foreign key, so an entry left behind by a delete around the services matches nothing and
``rebuild_search_index`` clears it. SQLite: an FTS5 table with columns headline, lead, body.
PostgreSQL: a ``tsvector`` column with weights A/B/C and a GIN index.

Text written around the services (``bulk_create``, ``update()`` of a headline, lead or body,
raw SQL) needs ``manage.py rebuild_search_index``; status and dates need nothing.

**Ranking.** Relevance (SQLite: ``bm25`` with column weights headline 10, lead 4, body 1;
PostgreSQL: ``ts_rank_cd`` with weights A 1.0, B 0.4, C 0.1, normalised by document length)
divided by ``1 + age_in_days / GAZETA_SEARCH_RECENCY_DAYS``: with the default 30 days an
article a month old needs twice the relevance of one published today to rank beside it.

**At scale.** A search lists the newest ``SEARCH_MAX_RESULTS`` (1,000) matching articles, so
its cost follows that number, not the archive: they are found first (``newest_matches`` of
each backend: FTS5's rowid order on SQLite, then windows of the newest articles on both),
then only they are ranked; the count shows at most 1,000. ``bench/search_latency.py``
measures it. The search page reads them through :class:`SearchResults`: on PostgreSQL the
thousand are ranked from their documents and dates alone and only the page's articles are
loaded; the API pages :func:`article_search`'s QuerySet by ``search_rank``.

**Queries.** Words must all appear (AND); ``"words in quotes"`` must appear together, in
that order; ``-word`` or ``-"some words"`` must not appear. Everything else (operators,
punctuation, SQL) is just text: the query is parsed into terms of lexemes and the MATCH or
``tsquery`` expression is built from quoted lexemes only.
"""

import hashlib
import html
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache, partial

import snowballstemmer
from django import forms
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import EmptyResultSet
from django.db import connection as default_connection
from django.db import transaction
from django.db.models import BooleanField, Count, F, FloatField, Max, Min, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql.datastructures import Join
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from gazeta.core.http import client_ip
from gazeta.core.prepared import PreparedQuery
from gazeta.core.text import CONTROL_CHARS

# Longer queries are cut here (at a word boundary); more terms than this are ignored.
QUERY_MAX_CHARS = 200
QUERY_MAX_TERMS = 12
# A search lists at most this many articles: the newest that match, best first. Ranking every
# match of a common word costs time in proportion to the archive; readers of news look
# through the recent ones, and reach older ones by narrowing the dates.
SEARCH_MAX_RESULTS = 1000
# Matches are looked for among this many of the newest articles first, then ten times as
# many (see _newest_in_windows); SQLite first reads this many of the last-indexed matches.
SEARCH_WINDOW = 10 * SEARCH_MAX_RESULTS
SQLITE_FIRST_PASS = 2 * SEARCH_MAX_RESULTS
# PostgreSQL walks a window's articles one by one (instead of testing every id between the
# lowest and the highest) when they are fewer than one id in this many (a section's): testing
# a row found by key costs about five times testing the next one in a range.
WALK_BELOW_DENSITY = 4
# Longer "words" (base64, URLs run together) are not language and are left out.
LEXEME_MAX_CHARS = 60
# Only the start of a very long body is indexed (PostgreSQL caps a tsvector at 1 MB).
FIELD_MAX_WORDS = 20_000

# A word: letters and digits only; apostrophes, hyphens and everything else split words.
WORD_RE = re.compile(r"[^\W_]+")
# A quoted phrase (a lone quote runs to the end) or a bare word, each optionally negated.
QUERY_TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# Inside a bare query word, what separates two words (hyphens and apostrophes join).
WORD_SEPARATOR_RE = re.compile(r"[^\w'’-]+|_")
# The -ție family written without the comma (see the module docstring, step 2).
TI_ENDING_RE = re.compile(r"(?<=[a-z])t(?=i(?:e|a|ei|i|ile|ilor|une|unea|uni|unii|unile|unilor)$)")
TAG_RE = re.compile(r"<[^>]*>")
SPACE_RE = re.compile(r"\s+")

_stemmers = threading.local()


def stem(word: str) -> str:
    """Snowball's Romanian stem of ``word``. A stemmer keeps the word it is working on in
    itself, so two threads sharing one (a WSGI worker's threads searching at once) garble
    each other's words and can crash it: each thread has its own."""
    stemmer = getattr(_stemmers, "romanian", None)
    if stemmer is None:
        stemmer = _stemmers.romanian = snowballstemmer.stemmer("romanian")
    return stemmer.stemWord(word)


class _CombiningMarks(dict):
    """``str.translate`` table that drops combining marks, filled as characters turn up."""

    def __missing__(self, code: int):
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_COMBINING_MARKS = _CombiningMarks()


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics: “Științe” and “Ştiinţe” both give “stiinte”."""
    return unicodedata.normalize("NFKD", text.lower()).translate(_COMBINING_MARKS)


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=200_000)
def _lexeme_of_folded(word: str) -> str:
    restored = TI_ENDING_RE.sub("ț", word)
    if restored.endswith("elui"):
        restored = restored[:-4] + "ele"
    stemmed = fold(stem(restored))
    if len(stemmed) >= 4 and stemmed[-1] in "aeiou":
        stemmed = stemmed[:-1]
    return stemmed


def lexemes(text: str, *, limit: int | None = None) -> list[str]:
    """The lexemes of plain ``text`` in order, as both the index and queries see them."""
    words = WORD_RE.findall(fold(text or ""))
    if limit is not None:
        words = words[:limit]
    return [_lexeme_of_folded(w) for w in words if len(w) <= LEXEME_MAX_CHARS]


def lexeme(word: str) -> str:
    """The lexeme of one word (``diplomaţiei``, ``diplomației``, ``diplomatiei`` → ``diplom``)."""
    return _lexeme_of_folded(fold(word))


def html_to_text(value: str) -> str:
    """Plain text of an article body: tags become spaces, entities are decoded."""
    return SPACE_RE.sub(" ", html.unescape(TAG_RE.sub(" ", value or ""))).strip()


# Queries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase of a query, as lexemes; ``negated`` for ``-word``."""

    lexemes: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: what the reader typed (cleaned) and the terms found in it."""

    text: str
    terms: tuple[Term, ...]

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated)

    @property
    def negative(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)

    @property
    def is_searchable(self) -> bool:
        """At least one word to look for (a query of exclusions alone finds nothing)."""
        return bool(self.positive)

    @property
    def highlight_lexemes(self) -> frozenset[str]:
        return frozenset(lex for t in self.positive for lex in t.lexemes)


def clean_query_text(value: str | None) -> str:
    """``value`` without control characters or runs of spaces, cut to a sane length."""
    text = unicodedata.normalize("NFC", CONTROL_CHARS.sub(" ", value or ""))
    text = SPACE_RE.sub(" ", text).strip()
    if len(text) > QUERY_MAX_CHARS:
        cut = text[:QUERY_MAX_CHARS]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut).strip()
    return text


def parse_query(value: "str | SearchQuery | None") -> SearchQuery:
    """Parse what a reader typed into terms. Never fails: odd input gives fewer terms."""
    if isinstance(value, SearchQuery):
        return value
    text = clean_query_text(value)
    terms: list[Term] = []
    for match in QUERY_TOKEN_RE.finditer(text):
        phrase_neg, phrase, word_neg, word = match.groups()
        if phrase is not None:
            parts, negated = [phrase], bool(phrase_neg)
        else:
            # "prim-ministru" and "s-a" stay phrases; "Cluj,Iași" or "a(b)" are two words.
            parts, negated = WORD_SEPARATOR_RE.split(word), bool(word_neg)
        for part in parts:
            term = Term(tuple(lexemes(part)), negated)
            if term.lexemes and term not in terms and len(terms) < QUERY_MAX_TERMS:
                terms.append(term)
    return SearchQuery(text=text, terms=tuple(terms))


# Backends -----------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def _quote_lexeme(lex: str) -> str:
    return "'" + lex.replace("\\", "\\\\").replace("'", "''") + "'"


@cache
def _position_suffixes(weight: str) -> list[str]:
    """``":<n><weight>"`` for every position a ``tsvector`` can hold (the last repeats)."""
    return [f":{n}{weight}" for n in range(16384)]


def _quote_fts5(term: Term) -> str:
    return '"' + " ".join(term.lexemes).replace('"', '""') + '"'


def _quote_tsquery(term: Term) -> str:
    quoted = ("'" + lex.replace("\\", "\\\\").replace("'", "''") + "'" for lex in term.lexemes)
    return "(" + " <-> ".join(quoted) + ")"


def _newest_in_windows(
    queryset: QuerySet, query: SearchQuery, limit: int, window_matches: Callable, *, times=False
):
    """The newest ``limit`` articles of ``queryset`` matching ``query`` (ids, or ``(id, time)``
    pairs with ``times``, as ``_newest_between`` and the backend's ``window_matches`` give
    them; ``window_matches`` is that method, with whatever it keeps for one search), looked
    for among its newest ``SEARCH_WINDOW`` articles, then in a window as much larger as the
    matches found so far say is needed (up to ten times), and so on until a window holds
    ``limit`` matches (it then holds the newest ones) or is all of ``queryset``. Each step
    costs about its window, not the archive: a common word is found in the first, a rarer
    one in a larger window with as few matches to read.

    A window is two queries: its lowest and highest id and oldest time (read from the date
    index alone), then the matches between those ids, published since then. Given as
    values, not subqueries, so the planner can weigh them: with subqueries PostgreSQL read
    every match of three words of one beat, or tested a hundred thousand rows one by one.
    A larger window reads only its part older than the window before (from that window's
    oldest time on, so none published at that very time is left out; the matches found
    twice are kept once), so no article is read or tested twice."""
    backend = backend_for(default_connection)
    window, read, previous, found = SEARCH_WINDOW, 0, None, []
    part = queryset
    while True:
        recent = part.order_by("-published_at", "-pk").values("pk", "published_at")
        span = recent[: window - read].aggregate(
            low=Min(F("pk") + 0),
            high=Max(F("pk") + 0),
            oldest=Min("published_at"),
            articles=Count("pk"),
        )
        if span["articles"] < window - read:
            break  # the rest of queryset: read every match below
        matches = window_matches(part, query, span, limit, previous)
        found = _added(found, matches, limit, times=times)
        if len(found) == limit:
            return found
        previous = (len(matches), span["high"] - span["low"] + 1)
        read += span["articles"]
        part = queryset.filter(published_at__lte=span["oldest"])
        window = int(window * min(10.0, max(2.0, 1.3 * limit / max(len(found), 1))))
    matching = backend.matching(part, query).order_by("-published_at", "-pk")
    if times:
        matching = matching.annotate(time_text=_TIME_TEXT).values_list("pk", "time_text")
    else:
        matching = matching.values_list("pk", flat=True)
    return _added(found, list(matching[:limit]), limit, times=times)


def _added(found: list, matches: list, limit: int, *, times: bool) -> list:
    """``found`` followed by those of ``matches`` (older) not in it yet, at most ``limit``:
    ids, or ``(id, time)`` pairs with ``times``."""
    if not found:
        return matches[:limit]
    seen = {item[0] for item in found} if times else set(found)
    added = [m for m in matches if (m[0] if times else m) not in seen]
    return (found + added)[:limit]


# An article's publication time as PostgreSQL writes it (for ``Matches``): read as text and
# given back as text, it costs no conversion to a Python datetime and back, which for the
# two thousand times of a search took as long as the join it saves.
_TIME_TEXT = RawSQL("newsroom_article.published_at::text", [])  # noqa: S611


def _newest_between(matching: QuerySet, oldest, limit: int, *, times=False) -> list:
    """The newest ``limit`` of ``matching`` published since ``oldest``: ids, or with
    ``times`` (PostgreSQL) ``(id, publication time as text)`` pairs."""
    matching = matching.filter(published_at__gte=oldest).order_by("-published_at", "-pk")
    if times:
        return list(matching.annotate(time_text=_TIME_TEXT).values_list("pk", "time_text")[:limit])
    return list(matching.values_list("pk", flat=True)[:limit])


class Matches(list):
    """Ids of matching articles, newest first, with their publication times (``published``,
    in the same order, as PostgreSQL writes them) where the backend read them along: the
    ranking then reads only the search index, not the articles again."""

    def __init__(self, pairs: Iterable[tuple] = ()):
        pairs = list(pairs)
        super().__init__(pk for pk, _published in pairs)
        self.published = [published for _pk, published in pairs]


# The last (highest rowid) matches of an FTS5 expression, at most a number of them: as a
# filter on articles, how many were read, and the lowest rowid among them.
_SQLITE_IN_LAST_MATCHES = (
    "newsroom_article.id IN (SELECT rowid FROM newsroom_article_search "
    "WHERE newsroom_article_search MATCH %s ORDER BY rowid DESC LIMIT %s)"
)
_SQLITE_IN_MATCHES = (
    "newsroom_article.id IN (SELECT rowid FROM newsroom_article_search "
    "WHERE newsroom_article_search MATCH %s)"
)
_SQLITE_IN_MATCHES_BETWEEN = (
    "newsroom_article.id IN (SELECT rowid FROM newsroom_article_search "
    "WHERE newsroom_article_search MATCH %s AND rowid BETWEEN %s AND %s)"
)
_SQLITE_COUNT_LAST_MATCHES = (
    "SELECT COUNT(*) FROM (SELECT rowid FROM newsroom_article_search "
    "WHERE newsroom_article_search MATCH %s ORDER BY rowid DESC LIMIT %s)"
)
_SQLITE_LOWEST_LAST_MATCH = (
    "SELECT MIN(rowid) FROM (SELECT rowid FROM newsroom_article_search "
    "WHERE newsroom_article_search MATCH %s ORDER BY rowid DESC LIMIT %s)"
)


class SqliteBackend:
    """FTS5: one row per article, the three fields as columns of space-separated lexemes."""

    def write(self, cursor, rows):
        self.delete(cursor, [row[0] for row in rows])
        cursor.executemany(
            "INSERT INTO newsroom_article_search (rowid, headline, lead, body) "
            "VALUES (%s, %s, %s, %s)",
            [(pk, " ".join(head), " ".join(lead), " ".join(body)) for pk, head, lead, body in rows],
        )

    def append(self, cursor, rows):
        """Insert entries of articles that have none yet (a bulk load), in one statement."""
        cursor.executemany(
            "INSERT INTO newsroom_article_search (rowid, headline, lead, body) "
            "VALUES (%s, %s, %s, %s)",
            [(pk, " ".join(head), " ".join(lead), " ".join(body)) for pk, head, lead, body in rows],
        )

    def delete(self, cursor, ids):
        cursor.executemany(
            "DELETE FROM newsroom_article_search WHERE rowid = %s", [(pk,) for pk in ids]
        )

    def delete_orphans(self, cursor):
        cursor.execute(
            "DELETE FROM newsroom_article_search "
            "WHERE rowid NOT IN (SELECT id FROM newsroom_article)"
        )

    def optimize(self, cursor):
        # Merge the index's segments into one after a bulk write.
        cursor.execute(
            "INSERT INTO newsroom_article_search (newsroom_article_search) VALUES ('optimize')"
        )

    def match(self, query: SearchQuery) -> tuple[str, list]:
        expression = "(" + " AND ".join(_quote_fts5(t) for t in query.positive) + ")"
        for term in query.negative:
            expression += " NOT " + _quote_fts5(term)
        return "newsroom_article_search.newsroom_article_search MATCH %s", [expression]

    def ranking_match(self, query: SearchQuery) -> tuple[str, list]:
        """The match condition of the ranking query: bm25() only works inside a MATCH."""
        return self.match(query)

    def ranked_base(self, queryset: QuerySet) -> QuerySet:
        """What the ranking query selects from: ``queryset`` itself."""
        return queryset

    def relevance(self, query: SearchQuery) -> tuple[str, list]:
        # bm25() is negative, best lowest; weights per column: headline, lead, body.
        return "-bm25(newsroom_article_search.newsroom_article_search, 10.0, 4.0, 1.0)", []

    def age_days(self, now: datetime) -> tuple[str, list]:
        return (
            "MAX(0.0, COALESCE(julianday(%s) - julianday(newsroom_article.published_at), 0.0))",
            [now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")],
        )

    def newest_matches(self, queryset: QuerySet, query: SearchQuery, limit: int):
        """The ids of the newest ``limit`` articles of ``queryset`` matching ``query``, newest
        first.

        FTS5 cannot order matches by publication time, and joining every match of a common
        word to its article costs time in proportion to the archive. What FTS5 does cheaply
        is list matches by rowid (the article id) from either end, or between two rowids.

        1. The last ``SQLITE_FIRST_PASS`` matches: ids follow publication on a site that
           writes its own news, so these are the newest. Exact when they were all the
           matches, or when every article published since the oldest one kept has an id
           inside the part read (one more query over those few articles' dates).
        2. Otherwise (an archive imported out of order, filters that leave few of the last
           matches): the newest ``SQLITE_WINDOW`` articles of ``queryset``, then ten times as
           many, and so on: the matches between their lowest and highest id, published
           since the oldest of them. Exact as soon as a window holds ``limit`` matches or is
           the whole of ``queryset``; each step costs about the window, not the archive."""
        expression = self.match(query)[1][0]
        first = SQLITE_FIRST_PASS
        rows, read = self._last_matches(queryset, expression, first, limit)
        ids = [row[0] for row in rows]
        if read < first:
            return ids
        if len(rows) == limit:
            since = RawSQL("newsroom_article.published_at >= %s", [rows[-1][2]], BooleanField())  # noqa: S611
            # MIN(id + 0): a bare MIN(id) makes SQLite walk the table from its lowest id
            # instead of reading the few recent rows through the date index.
            newer = queryset.filter(since).aggregate(low=Min(F("pk") + 0))["low"]
            if newer is None or newer >= rows[0][1]:
                return ids
        return _newest_in_windows(queryset, query, limit, self.window_matches)

    def window_matches(self, queryset, query: SearchQuery, span: dict, limit: int, previous):
        """The newest ``limit`` matches in a window of ``_newest_in_windows`` (its ``span``)."""
        matching = self.matching(queryset, query, span["low"], span["high"])
        return _newest_between(matching, span["oldest"], limit)

    def matching(self, queryset: QuerySet, query: SearchQuery, low=None, high=None):
        """Articles of ``queryset`` matching ``query`` (with an id between ``low`` and
        ``high``). The matches are read once, in a subquery: joined instead, SQLite may loop
        over the articles of a section and run the full-text query again for each."""
        expression = self.match(query)[1][0]
        if low is None:
            sql, params = _SQLITE_IN_MATCHES, [expression]
        else:
            sql, params = _SQLITE_IN_MATCHES_BETWEEN, [expression, low, high]
        return queryset.filter(RawSQL(sql, params, BooleanField()))  # noqa: S611

    def _last_matches(self, queryset: QuerySet, expression: str, count: int, limit: int):
        """The newest ``limit`` articles of ``queryset`` among the last ``count`` matches of
        ``expression``, as (id, lowest rowid read, publication time as stored), and how many
        matches were read."""
        params = [expression, count]
        rows = list(
            queryset.filter(RawSQL(_SQLITE_IN_LAST_MATCHES, params, BooleanField()))  # noqa: S611
            .annotate(
                read=RawSQL(f"({_SQLITE_COUNT_LAST_MATCHES})", params),  # noqa: S611
                lowest=RawSQL(f"({_SQLITE_LOWEST_LAST_MATCH})", params),  # noqa: S611
                # As stored (text): no conversion of a thousand dates to read one.
                stored_time=RawSQL("newsroom_article.published_at", []),  # noqa: S611
            )
            .order_by("-published_at", "-pk")
            .values_list("pk", "read", "lowest", "stored_time")[:limit]
        )
        read = rows[0][1] if rows else self._count_last_matches([expression, count])
        return [(pk, lowest, stored) for pk, _read, lowest, stored in rows], read

    @staticmethod
    def _count_last_matches(params: list) -> int:
        with default_connection.cursor() as cursor:
            cursor.execute(_SQLITE_COUNT_LAST_MATCHES, params)
            return cursor.fetchone()[0]

    def rowid_span(self, ids: list[int]) -> tuple[str, list]:
        """Lets FTS5 read only the matches between the lowest and highest of ``ids``."""
        return "newsroom_article_search.rowid BETWEEN %s AND %s", [min(ids), max(ids)]

    def page(self, queryset, query: SearchQuery, newest: list[int], now, start, stop):
        """Articles ``start:stop`` of ``newest`` ranked (see ``SearchResults``)."""
        return list(_ranked(queryset, query, newest, now)[start:stop])

    def among(self, ids: list[int]):
        """Only the articles ``ids``. The unary ``+`` keeps SQLite from looping over them and
        running the full-text query once for each: the matches stay the outer loop."""
        marks = ", ".join(["%s"] * len(ids))
        return RawSQL(f"+newsroom_article.id IN ({marks})", ids, BooleanField())  # noqa: S611


BETWEEN_SQL = "newsroom_article_search.rowid BETWEEN %s AND %s"


class PostgresBackend:
    """A ``tsvector`` per article: headline weighted A, lead B, body C; GIN-indexed."""

    def write(self, cursor, rows):
        cursor.executemany(
            "INSERT INTO newsroom_article_search (rowid, document) VALUES (%s, %s::tsvector) "
            "ON CONFLICT (rowid) DO UPDATE SET document = EXCLUDED.document",
            [(pk, self.tsvector(head, lead, body)) for pk, head, lead, body in rows],
        )

    def append(self, cursor, rows):
        """Insert entries of articles that have none yet (a bulk load), through ``COPY``."""
        with cursor.cursor.copy(
            "COPY newsroom_article_search (rowid, document) FROM STDIN"
        ) as copy:
            for pk, head, lead, body in rows:
                copy.write_row((pk, self.tsvector(head, lead, body)))

    def delete(self, cursor, ids):
        cursor.execute("DELETE FROM newsroom_article_search WHERE rowid = ANY(%s)", [list(ids)])

    def delete_orphans(self, cursor):
        cursor.execute(
            "DELETE FROM newsroom_article_search s WHERE NOT EXISTS "
            "(SELECT 1 FROM newsroom_article a WHERE a.id = s.rowid)"
        )

    def optimize(self, cursor):
        # Fresh statistics, so the planner starts from the GIN index for rare words.
        cursor.execute("ANALYZE newsroom_article_search")

    @staticmethod
    def tsvector(*fields: list[str]) -> str:
        """A ``tsvector`` literal; a gap between fields keeps phrases inside one field."""
        parts, position = [], 0
        for weight, words in zip("ABC", fields, strict=True):
            # Joined through map() with ready-made ":<position><weight>" suffixes: a bulk
            # load builds millions of these.
            suffixes = _position_suffixes(weight)[position + 1 : position + 1 + len(words)]
            suffixes += [suffixes[-1] if suffixes else f":16383{weight}"] * (
                len(words) - len(suffixes)
            )
            parts.extend(map(str.__add__, map(_quote_lexeme, words), suffixes))
            position += len(words) + 1
        return " ".join(parts)

    @staticmethod
    def tsquery(query: SearchQuery) -> str:
        parts = [_quote_tsquery(t) for t in query.positive]
        parts += ["!" + _quote_tsquery(t) for t in query.negative]
        return " & ".join(parts)

    def match(self, query: SearchQuery) -> tuple[str, list]:
        return "newsroom_article_search.document @@ %s::tsquery", [self.tsquery(query)]

    def ranking_match(self, query: SearchQuery) -> tuple[str, list]:
        """No condition: the articles ranked are matches already, and with ``@@`` in the
        ranking query the planner may read every match in the archive from the GIN index (a
        phrase, whose matches it underestimates) to keep the thousand it was given."""
        return "TRUE", []

    def ranked_base(self, queryset: QuerySet) -> QuerySet:
        """What the ranking query selects from: all articles, loaded as ``queryset`` loads
        them, since the ids it is given were found in ``queryset`` already. With its
        conditions repeated, the planner takes the ids for an eighth of a section (as if
        independent of it) and reads the section's whole index to combine the two."""
        base = queryset.model._default_manager.all()
        base.query.select_related = queryset.query.select_related
        base.query.deferred_loading = queryset.query.deferred_loading
        base._prefetch_related_lookups = queryset._prefetch_related_lookups
        return base

    def relevance(self, query: SearchQuery) -> tuple[str, list]:
        # Weights are listed {D, C, B, A}; 1 divides by 1 + log(document length).
        return (
            "ts_rank_cd('{0, 0.1, 0.4, 1.0}', newsroom_article_search.document, %s::tsquery, 1)",
            [self.tsquery(query)],
        )

    def age_days(self, now: datetime) -> tuple[str, list]:
        return (
            "GREATEST(0.0, COALESCE(EXTRACT(EPOCH FROM (%s::timestamptz - "
            "newsroom_article.published_at)) / 86400.0, 0.0))",
            [now],
        )

    def newest_matches(self, queryset: QuerySet, query: SearchQuery, limit: int):
        """The ids of the newest ``limit`` articles of ``queryset`` matching ``query``, newest
        first, looked for in windows of the newest articles (see ``_newest_in_windows`` and
        ``window_matches``): left to itself the planner reads every match when it misjudges
        how often words occur together (three words of one beat: a thousand rows expected,
        fifty thousand read). Their publication times come along (:class:`Matches`)."""
        # The highest id in the index, which the cost of each window needs: read once per
        # search, when a window first asks for it.
        window_matches = partial(self.window_matches, top_id=cache(self._top_id))
        return Matches(_newest_in_windows(queryset, query, limit, window_matches, times=True))

    @staticmethod
    def _top_id() -> int:
        with default_connection.cursor() as cursor:
            cursor.execute("SELECT MAX(rowid) FROM newsroom_article_search")
            return cursor.fetchone()[0] or 0

    def window_matches(
        self, queryset, query: SearchQuery, span: dict, limit: int, previous, *, top_id
    ):
        """The newest ``limit`` matches in a window of ``_newest_in_windows`` (its ``span``;
        ``previous``: how many matched in the window before, among how many ids). Which
        rows are read is chosen here, not by the planner, whose estimates are far off for
        words that go together and who counts testing a document as nearly free:

        - a window whose articles are fewer than one id in ``WALK_BELOW_DENSITY`` (a
          section): its articles are walked newest first, each document tested by key,
          until ``limit`` match (``_walk``); the words of a section's beat stop early;
        - otherwise the cheapest of three ways by ``_window_costs``: the GIN index's
          matches from the window's lowest id up (``_matches_from``), the usual way for the
          newest articles; the words' matches in the whole archive combined with the key's
          range (``_matches_between``), when the window before says they are few; or every
          document between the window's lowest and highest id tested in key order, when
          the window lies far below the newest id (a search of an old period). ``top_id()``
        gives the highest id in the index."""
        low, high, articles = span["low"], span["high"], span["articles"]
        if high - low + 1 > WALK_BELOW_DENSITY * articles:
            return self._walk(queryset, query, articles, limit)
        costs = self._window_costs(query, low, high, previous, max(top_id(), high))
        way = min(costs, key=costs.get)
        if way == "test":
            tested = _joined(queryset).filter(
                RawSQL(*self.match_each(query), BooleanField()),  # noqa: S611
                RawSQL(BETWEEN_SQL, [low, high], BooleanField()),  # noqa: S611
            )
            return _newest_between(tested, span["oldest"], limit, times=True)
        if way == "from":
            matching = queryset.filter(self._matches_from(query, low))
        else:
            ids = self._matches_between(query, low, high)
            matching = queryset.filter(
                RawSQL(  # noqa: S611
                    "newsroom_article.id = ANY(%s::bigint[])", [_id_array(ids)], BooleanField()
                )
            )
        return _newest_between(matching, span["oldest"], limit, times=True)

    def _window_costs(self, query: SearchQuery, low: int, high: int, previous, top: int) -> dict:
        """What each way of reading a window's matches costs, in the time the GIN index
        takes to pass one id (measured on a million articles; every way also reads the
        matching rows, about as many for each, left out):

        - ``from``: the index passes every id from ``low`` to the highest, ``top``
          (a lower bound is the part of a range it reads well: with an upper bound it
          would pass every id from the first) and skips through the words' lists to them;
        - ``between``: the index reads each word's whole list of matches (a posting costs
          about 1.5 ids) and the key's btree the range (half an id each); only with an
          estimate, from the window before, of how many match in the archive;
        - ``test``: each document between ``low`` and ``high`` read and tested (6 ids)."""
        ids_between = high - low + 1
        costs = {"from": top - low + 1, "test": 6 * ids_between}
        if previous is not None:
            matched, among = previous
            expected = matched * top / max(among, 1)
            costs["between"] = 1.5 * expected * len(query.terms) + 0.5 * ids_between
        return costs

    def match_each(self, query: SearchQuery) -> tuple[str, list]:
        """``match`` as a function call, which no index can serve: each row is tested."""
        return "ts_match_vq(newsroom_article_search.document, %s::tsquery)", [self.tsquery(query)]

    def _matches_from(self, query: SearchQuery, low: int) -> RawSQL:
        """A condition on articles: their id is one from ``low`` up whose document matches
        ``query``, found in one scan of the GIN index over ``(rowid + 0, document)``
        (migration 0011), whose first column is that very expression, so no other index
        can answer it (the planner would otherwise walk the key's range testing each
        document, which it counts as almost free). The bound is a ``bigint``, the type of
        the index's operator class: an ``integer`` would be left out of the index. The
        subquery is read once, then joined to the window's articles: ``OFFSET 0`` keeps the
        planner from merging it into the query, where it may look up each article's
        document by key and test it instead."""
        match_sql, match_params = self.match(query)
        sql = (
            "newsroom_article.id IN (SELECT rowid FROM newsroom_article_search "  # noqa: S608
            f"WHERE {match_sql} AND (newsroom_article_search.rowid + 0) >= %s::bigint "
            "OFFSET 0)"
        )
        return RawSQL(sql, [*match_params, low], BooleanField())  # noqa: S611

    def _walk(self, queryset: QuerySet, query: SearchQuery, window: int, limit: int):
        """The newest ``limit`` matches among the newest ``window`` articles of ``queryset``,
        as ``(id, publication time as text)``. The test is a scalar subquery, which
        PostgreSQL runs row by row as the articles come out of the date index, newest
        first, and stops at ``limit``: as a join the planner would weigh it against reading
        every match from the GIN index."""
        newest = queryset.order_by("-published_at", "-pk").values_list("pk", "published_at")
        try:
            newest_sql, newest_params = newest[:window].query.sql_with_params()
        except EmptyResultSet:
            return []
        match_sql, match_params = self.match(query)
        # Only SQL built by Django and this class; every value goes in as a parameter.
        sql = (
            f"SELECT w.id, w.published_at::text FROM ({newest_sql}) AS w (id, published_at) "  # noqa: S608
            f"WHERE (SELECT {match_sql} FROM newsroom_article_search "
            "WHERE newsroom_article_search.rowid = w.id) "
            "ORDER BY w.published_at DESC, w.id DESC LIMIT %s"
        )
        with default_connection.cursor() as cursor:
            cursor.execute(sql, [*newest_params, *match_params, limit])
            return cursor.fetchall()

    def matching(self, queryset: QuerySet, query: SearchQuery):
        """Articles of ``queryset`` matching ``query``: the planner weighs the GIN index
        against testing each article's document (the last step of ``_newest_in_windows``,
        when ``queryset`` is smaller than the window)."""
        return _joined(queryset).filter(RawSQL(*self.match(query), BooleanField()))  # noqa: S611

    def _matches_between(self, query: SearchQuery, low: int, high: int) -> list[int]:
        """Ids between ``low`` and ``high`` whose document matches ``query``: the GIN index's
        matches and the key's range combined as bitmaps, then only those rows read. Allowed
        a plain index scan, the planner walks the key's range and tests every document in
        it: it counts that test as almost free, and it costs more than the rest together."""
        match_sql, match_params = self.match(query)
        sql = (
            f"SELECT rowid FROM newsroom_article_search WHERE {match_sql} "  # noqa: S608
            "AND newsroom_article_search.rowid BETWEEN %s AND %s"
        )
        with transaction.atomic(), default_connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
            try:
                cursor.execute(sql, [*match_params, low, high])
                return [row[0] for row in cursor.fetchall()]
            finally:
                cursor.execute("RESET enable_indexscan")

    def rowid_span(self, ids: list[int]) -> tuple[str, list]:
        return "TRUE", []

    def page(self, queryset, query: SearchQuery, newest: list[int], now, start, stop):
        """Articles ``start:stop`` of ``newest`` ranked (see ``SearchResults``): ranked by
        ``rank_page``, then read by a query compiled once (``_page_query``)."""
        ranked = self.rank_page(query, newest, now, start, stop)
        ids = {f"id{n}": pk for n, (pk, _rank) in enumerate(ranked)}
        loaded = {a.pk: a for a in _page_query(len(ranked)).all(**ids)}
        articles = []
        for pk, rank in ranked:
            article = loaded.get(pk)
            if article is not None:  # None: deleted since it was found
                article.search_rank = rank
                articles.append(article)
        return articles

    def rank_page(self, query: SearchQuery, newest: Matches, now, start, stop):
        """``(id, search_rank)`` of articles ``start:stop`` of ``newest``, best first, with
        ``_ranked``'s ``search_rank`` (same SQL, see ``_rank_sql``). Only the documents are
        read for the thousand articles ranked: their publication times came with them
        (:class:`Matches`). Joining the articles only for their times took as long as
        ranking; joining their whole rows and sections, as ``_ranked`` does, longer still.

        The ids and times are one ``unnest()`` named ``newsroom_article``, so ``_rank_sql``
        reads ``newsroom_article.published_at`` from them. Joined from ``unnest()``, not
        tested with ``= ANY(...)``: the planner would weigh each of the thousand ids on its
        own, a millisecond of planning."""
        rank_sql, rank_params = _rank_sql(self, query, now)
        # Only fixed SQL from this module; every value goes in as a parameter.
        sql = (
            f"SELECT newsroom_article.id, {rank_sql} AS search_rank "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS newsroom_article (id, published_at) "
            "JOIN newsroom_article_search ON newsroom_article_search.rowid = newsroom_article.id "
            "ORDER BY search_rank DESC, newsroom_article.published_at DESC, "
            "newsroom_article.id DESC LIMIT %s OFFSET %s"
        )
        times = _time_array(newest.published)
        with default_connection.cursor() as cursor:
            cursor.execute(sql, [*rank_params, _id_array(newest), times, stop - start, start])
            return cursor.fetchall()

    def among(self, ids: list[int]):
        """Only the articles ``ids``, as one array: a thousand ``%s`` (``pk__in``) cost the
        ORM and the driver more time than the query."""
        return RawSQL(  # noqa: S611
            "newsroom_article.id = ANY(%s::bigint[])", [_id_array(ids)], BooleanField()
        )


def _id_array(ids: list[int]) -> str:
    """``ids`` as a PostgreSQL array literal: psycopg adapts a Python list element by element
    in Python, a millisecond for a thousand ids; this takes a few microseconds."""
    return "{" + ",".join(map(str, ids)) + "}"


def _time_array(times: list[str]) -> str:
    """Times as PostgreSQL wrote them (``2026-11-29 08:15:00.5+00``: no quote, comma or
    brace) as a ``timestamptz[]`` literal, each element quoted for its space. Written with
    their offset, they read back as the very same times."""
    return '{"' + '","'.join(times) + '"}' if times else "{}"


BACKENDS = {"sqlite": SqliteBackend, "postgresql": PostgresBackend}


@cache
def _backend_instance(vendor: str):
    backend = BACKENDS.get(vendor)
    if backend is None:
        raise NotImplementedError(f"Article search supports SQLite and PostgreSQL, not {vendor}.")
    return backend()


def backend_for(connection=None):
    return _backend_instance((connection or default_connection).vendor)


# Index maintenance --------------------------------------------------------------------------


Row = tuple[int, str, str, str]  # id, headline, standfirst, body (HTML)


def document_lexemes(headline: str, standfirst: str, body: str) -> tuple[list, list, list]:
    """The lexemes indexed for an article's headline, lead and body (HTML)."""
    return (
        lexemes(headline, limit=FIELD_MAX_WORDS),
        lexemes(standfirst, limit=FIELD_MAX_WORDS),
        lexemes(html_to_text(body), limit=FIELD_MAX_WORDS),
    )


def index_rows(rows: Iterable[Row], *, connection=None) -> int:
    """Write index entries for ``(id, headline, standfirst, body)`` rows; returns how many.
    Low-level: migrations and :func:`search_index_rebuild` use it."""
    connection = connection or default_connection
    prepared = [(pk, *document_lexemes(h, s, b)) for pk, h, s, b in rows]
    if prepared:
        with connection.cursor() as cursor:
            backend_for(connection).write(cursor, prepared)
    return len(prepared)


def search_index_update(*, articles: Iterable) -> None:
    """Re-index ``articles`` (Article instances) from their current field values."""
    index_rows((a.pk, a.headline, a.standfirst, a.body) for a in articles)


def search_index_remove(*, article_ids: Iterable[int]) -> None:
    """Drop the index entries of ``article_ids``."""
    ids = [pk for pk in article_ids if pk is not None]
    if ids:
        with default_connection.cursor() as cursor:
            backend_for().delete(cursor, ids)


def search_index_rebuild(
    *, chunk_size: int = 500, progress: Callable[[int], None] | None = None
) -> int:
    """Re-index every article in chunks of ``chunk_size`` (one transaction each, so readers
    keep finding articles meanwhile), drop entries of deleted articles and optimise the
    index (FTS5 ``optimize``; PostgreSQL ``ANALYZE``). Calls
    ``progress(n)`` after each chunk; returns how many articles were indexed."""
    from .models import Article

    rows = (
        Article.objects.order_by("pk")
        .values_list("pk", "headline", "standfirst", "body")
        .iterator(chunk_size=chunk_size)
    )
    total, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == chunk_size:
            with transaction.atomic():
                total += index_rows(chunk)
            if progress:
                progress(len(chunk))
            chunk = []
    with transaction.atomic():
        total += index_rows(chunk)
        with default_connection.cursor() as cursor:
            backend_for().delete_orphans(cursor)
    with default_connection.cursor() as cursor:
        backend_for().optimize(cursor)
    if progress and chunk:
        progress(len(chunk))
    return total


# Searching ----------------------------------------------------------------------------------


class SearchIndexJoin(Join):
    """The join from articles to the search index. On SQLite the index side of the join gets
    a unary ``+``, so the planner always reads the full-text matches first and looks each
    article up by key. Without table statistics it may otherwise loop over every published
    article and run the full-text query (and bm25's statistics) again for each one."""

    def as_sql(self, compiler, connection):
        if connection.vendor != "sqlite" or len(self.join_fields) != 1:
            return super().as_sql(compiler, connection)
        qn = compiler.quote_name
        ((article_field, index_field),) = self.join_fields
        on = (
            f"{qn(self.parent_alias)}.{qn(article_field.column)} = "
            f"+{qn(self.table_alias)}.{qn(index_field.column)}"
        )
        alias = "" if self.table_alias == self.table_name else f" {qn(self.table_alias)}"
        return f"{self.join_type} {qn(self.table_name)}{alias} ON ({on})", []

    @property
    def identity(self):
        return (Join, *super().identity[1:])


class _CountedResults:
    """Mixed into a search result's QuerySet class: ``count()`` answers from the list of
    matching articles already read, without a query, until the result is narrowed further."""

    known_count: int | None = None

    def count(self):
        if self.known_count is not None:
            return self.known_count
        return super().count()

    def _clone(self):
        clone = super()._clone()
        clone.known_count = None
        return clone


@cache
def _counted(queryset_class: type) -> type:
    return type(f"Counted{queryset_class.__name__}", (_CountedResults, queryset_class), {})


def _joined(queryset: QuerySet) -> QuerySet:
    """``queryset`` joined to the search index (see :class:`SearchIndexJoin`)."""
    joined = queryset.filter(search_document__isnull=False)
    for join in joined.query.alias_map.values():
        if isinstance(join, Join) and join.table_name == "newsroom_article_search":
            join.__class__ = SearchIndexJoin
    return joined


def _rank_sql(backend, query: SearchQuery, now: datetime) -> tuple[str, list]:
    """``search_rank``'s SQL and parameters: relevance blended with recency (see the module
    docstring). One definition for the ranked QuerySet and the search page's ranking, so the
    two always give the same numbers and order."""
    relevance_sql, relevance_params = backend.relevance(query)
    age_sql, age_params = backend.age_days(now)
    recency_days = float(settings.GAZETA_SEARCH_RECENCY_DAYS)
    # Only fixed SQL from the backend classes; every value goes in as a parameter.
    return (
        f"({relevance_sql}) / (1.0 + ({age_sql}) / {recency_days!r})",
        [*relevance_params, *age_params],
    )


def _no_results(queryset: QuerySet) -> QuerySet:
    return queryset.none().annotate(search_rank=RawSQL("0.0", [], output_field=FloatField()))


def _ranked(queryset: QuerySet, query: SearchQuery, newest: list[int], now) -> QuerySet:
    """The articles ``newest`` (found in ``queryset``), best first, with ``search_rank``."""
    backend = backend_for(default_connection)
    match_sql, match_params = backend.ranking_match(query)
    rank = RawSQL(*_rank_sql(backend, query, now), output_field=FloatField())  # noqa: S611
    span_sql, span_params = backend.rowid_span(newest)
    results = (
        _joined(backend.ranked_base(queryset))
        .filter(backend.among(newest))
        .filter(RawSQL(match_sql, match_params, output_field=BooleanField()))  # noqa: S611
        .filter(RawSQL(span_sql, span_params, output_field=BooleanField()))  # noqa: S611
        .annotate(search_rank=rank)
        .order_by("-search_rank", "-published_at", "-pk")
    )
    results.__class__ = _counted(results.__class__)
    results.known_count = len(newest)
    return results


def search_queryset(queryset: QuerySet, query: "str | SearchQuery", *, now=None) -> QuerySet:
    """``queryset`` narrowed to the newest ``SEARCH_MAX_RESULTS`` articles matching ``query``,
    best first, each annotated with ``search_rank`` (relevance blended with recency, see the
    module docstring). Finding those articles runs a query at once; the ranking runs when
    the result is read."""
    parsed = parse_query(query)
    if not parsed.is_searchable:
        return _no_results(queryset)
    newest = backend_for(default_connection).newest_matches(queryset, parsed, SEARCH_MAX_RESULTS)
    if not newest:
        return _no_results(queryset)
    return _ranked(queryset, parsed, newest, now or timezone.now())


def local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _searched_articles(section, date_from: date | None, date_to: date | None) -> QuerySet:
    from .models import Article

    # The dates go first: SQLite bounds an index range by the first condition it meets on
    # the column, and published()'s "until now" would make it read from date_from to today.
    articles = Article.objects.all()
    if date_from is not None:
        articles = articles.filter(published_at__gte=local_day_start(date_from))
    if date_to is not None:
        articles = articles.filter(published_at__lt=local_day_start(date_to + timedelta(days=1)))
    articles = articles.published().select_related("section")
    if section is not None:
        articles = articles.in_section(section)
    return articles


def article_search(
    *,
    query: "str | SearchQuery",
    section=None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Published articles matching ``query``, best first, ready for cards (section joined),
    optionally within ``section`` and published between two local dates (both included)."""
    return _searched_articles(section, date_from, date_to).search(query)


def article_search_results(
    *,
    query: "str | SearchQuery",
    section=None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> "SearchResults":
    """The articles :func:`article_search` gives (same ones, same order, same ``search_rank``)
    as :class:`SearchResults`, for a paginator: finding them runs its queries at once, and
    each page read ranks them and loads only that page's articles."""
    parsed = parse_query(query)
    queryset = _searched_articles(section, date_from, date_to)
    if not parsed.is_searchable:
        return SearchResults(queryset, parsed, [], timezone.now())
    newest = backend_for(default_connection).newest_matches(queryset, parsed, SEARCH_MAX_RESULTS)
    return SearchResults(queryset, parsed, newest, timezone.now())


class SearchResults:
    """The newest matches of a search in the shape Django's ``Paginator`` takes: ``count()``
    is how many were found (no query) and a slice is one page of articles, best first, with
    ``search_rank``. Nothing else of a QuerySet: the API's cursor filters on ``search_rank``
    and needs :func:`article_search`'s QuerySet.

    Why not slice that QuerySet: on PostgreSQL its page query carries the whole rows of the
    thousand articles found, with their sections, through the ranking, and the ORM builds
    that query anew for every search. Here the thousand are ranked from their documents and
    publication times alone, in SQL written once (``PostgresBackend.rank_page``), and only
    the page's articles are read, by a query compiled once per process (``_page_query``).
    On SQLite, bm25() is only available inside the full-text query, which reads the
    articles anyway: a page is the QuerySet's slice."""

    def __init__(self, queryset: QuerySet, query: SearchQuery, newest: list[int], now):
        self.queryset = queryset
        self.query = query
        self.newest = newest
        self.now = now

    def count(self) -> int:
        return len(self.newest)

    def __len__(self) -> int:
        return len(self.newest)

    def __getitem__(self, page: slice) -> list:
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("SearchResults are read a page (a slice) at a time.")
        offset, stop, _step = page.indices(len(self.newest))
        if stop <= offset:
            return []
        backend = backend_for(default_connection)
        return backend.page(self.queryset, self.query, self.newest, self.now, offset, stop)


# One PreparedQuery per page length (a list's length is part of a query's shape).
_PAGE_QUERIES: dict[int, PreparedQuery] = {}


def _page_query(size: int) -> PreparedQuery:
    """Articles by id with their sections (what ``_searched_articles`` loads for a search
    page's cards), for ``size`` ids."""
    query = _PAGE_QUERIES.get(size)
    if query is None:
        from .models import Article

        def articles(**ids):
            articles = Article.objects.select_related("section").order_by()  # ranked after
            return articles.filter(pk__in=list(ids.values()))

        query = PreparedQuery(articles, **{f"id{n}": int for n in range(size)})
        _PAGE_QUERIES[size] = query
    return query


# Highlighting -------------------------------------------------------------------------------


class _Highlighter:
    def __init__(self, query: SearchQuery):
        self.wanted = query.highlight_lexemes
        # A word's lexeme is always a prefix of the folded word: a cheap test first.
        self.prefixes = tuple(self.wanted)

    def matches(self, word: str) -> bool:
        if not self.wanted:
            return False
        folded = _fold_word(word)
        return folded.startswith(self.prefixes) and _lexeme_of_folded(folded) in self.wanted

    def render(self, text: str, spans: list, flags: list[bool], start: int, end: int) -> str:
        """``text[start:end]`` escaped, with the flagged word ``spans`` in ``<mark>``."""
        out, pos = [], start
        for span, flagged in zip(spans, flags, strict=True):
            if flagged and start <= span.start() and span.end() <= end:
                out.append(escape(text[pos : span.start()]))
                out.append(f"<mark>{escape(span.group())}</mark>")
                pos = span.end()
        out.append(escape(text[pos:end]))
        return "".join(out)


def highlight(text: str, query: "str | SearchQuery") -> SafeString:
    """``text`` escaped, with the words that match ``query`` in ``<mark>``."""
    text = text or ""
    highlighter = _Highlighter(parse_query(query))
    spans = list(WORD_RE.finditer(text))
    flags = [highlighter.matches(m.group()) for m in spans]
    return mark_safe(highlighter.render(text, spans, flags, 0, len(text)))  # noqa: S308


def snippet(text: str, query: "str | SearchQuery", *, words: int = 32) -> SafeString:
    """About ``words`` words of plain ``text`` around the densest cluster of matches,
    escaped, matches in ``<mark>``, an ellipsis where the text was cut."""
    text = text or ""
    highlighter = _Highlighter(parse_query(query))
    spans = list(WORD_RE.finditer(text))
    if not spans:
        return mark_safe("")
    flags = [highlighter.matches(m.group()) for m in spans]
    keys = [
        _fold_word(m.group()) if flagged else None for m, flagged in zip(spans, flags, strict=True)
    ]
    best_start, best_score = 0, 0
    for hit in (i for i, flagged in enumerate(flags) if flagged):
        start = max(0, min(hit - 6, len(spans) - words))
        score = len({k for k in keys[start : start + words] if k is not None})
        if score > best_score:
            best_start, best_score = start, score
    last = min(len(spans), best_start + words) - 1
    begin = 0 if best_start == 0 else spans[best_start].start()
    finish = len(text) if last == len(spans) - 1 else spans[last].end()
    window = slice(best_start, last + 1)
    body = highlighter.render(text, spans[window], flags[window], begin, finish).strip()
    prefix = "… " if begin > 0 else ""
    suffix = " …" if finish < len(text) else ""
    return mark_safe(prefix + body + suffix)  # noqa: S308 - escaped by the highlighter


def attach_highlights(articles: Iterable, query: "str | SearchQuery") -> list:
    """Give each article ``search_headline`` and ``search_snippet`` (safe HTML with
    ``<mark>``), taken from its headline and from its lead and body text."""
    parsed = parse_query(query)
    articles = list(articles)
    for article in articles:
        article.search_headline = highlight(article.headline, parsed)
        text = " ".join(filter(None, [article.standfirst, html_to_text(article.body)]))
        article.search_snippet = snippet(text, parsed)
    return articles


# Reader input -------------------------------------------------------------------------------


class QueryField(forms.CharField):
    """Free text that never fails validation: control characters go, long text is cut."""

    def to_python(self, value):
        return clean_query_text(super().to_python(value))


class SearchForm(forms.Form):
    """The search page's GET parameters. Invalid filters are reported and left out."""

    q = QueryField(label=_("Search for"), required=False)
    sectiune = forms.ModelChoiceField(
        label=_("Section"), queryset=None, to_field_name="slug", required=False
    )
    de_la = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d", "%d.%m.%Y"])
    pana_la = forms.DateField(
        label=_("Until"), required=False, input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )

    def __init__(self, *args, **kwargs):
        from .models import Section

        super().__init__(*args, **kwargs)
        self.fields["sectiune"].queryset = Section.objects.all()

    def search_arguments(self) -> dict:
        """Keyword arguments for :func:`article_search` from the fields that are valid."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        date_from, date_to = data.get("de_la"), data.get("pana_la")
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return {
            "query": parse_query(data.get("q", "")),
            "section": data.get("sectiune"),
            "date_from": date_from,
            "date_to": date_to,
        }


def search_rate_limited(request) -> bool:
    """Count one search for the reader's IP in the current minute (in the cache, keyed by a
    hash of the address); true once they are over ``GAZETA_SEARCH_RATE_LIMIT``."""
    limit = settings.GAZETA_SEARCH_RATE_LIMIT
    if not limit:
        return False
    ip_hash = hashlib.sha256((client_ip(request) or "unknown").encode()).hexdigest()[:24]
    key = f"search-rate:{ip_hash}:{int(time.time() // 60)}"
    django_cache.add(key, 0, timeout=120)
    try:
        count = django_cache.incr(key)
    except ValueError:  # expired between add() and incr()
        django_cache.set(key, 1, timeout=120)
        count = 1
    return count > limit
