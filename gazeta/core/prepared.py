"""QuerySets compiled to SQL once and run again with new values.

Building a QuerySet (``filter``, ``select_related``...) and compiling it to SQL costs Django
far more than running it: for the article page's main query about 2 ms of Python against
0.06 ms for SQLite to answer. A page that runs the same few queries for every reader can
build each one once per process and afterwards only send the SQL with that request's values.

    ARTICLE = PreparedQuery(
        lambda slug, now: Article.objects.published(now=now).filter(slug=slug),
        slug=str, now=datetime,
    )
    article = ARTICLE.first(slug="...", now=timezone.now())

The builder is called once per database with stand-in values of the declared types; the
stand-ins are found among the compiled query's parameters and replaced on every run. The
rows become model instances with Django's own converters, ``select_related`` populators and
annotations (and without ``Model.__init__`` only where that gives the same instance, see
``_from_db``), so the result is what the QuerySet would have returned. The QuerySet stays the
definition (``published()`` is still the one place that says what "published" means).

Limits, checked when the query is compiled: a parameter must reach the SQL unchanged (a
``slug=`` or ``pk=`` or a datetime comparison does; ``__contains`` wraps it and is refused),
a list's length is part of the query's shape (prepare one query per length), and
``prefetch_related`` is not run (prepare the related query and attach it, see
``attach_prefetched``).

Written here because the libraries that did this have not followed Django for years
(django-prepared-queries: last release January 2019; django-prepared-query: July 2018).
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, partial

import psycopg
from django.db import connections
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import DEFAULT_FETCH_MODE, RelatedPopulator
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

_STAND_INS = {
    str: lambda i: f"\x00gazeta-prepared-{i}\x00",
    int: lambda i: -2_000_000_000 + i,
    datetime: lambda i: datetime(2999, 12, 31, 23, 59, 59, 990_000 + i, tzinfo=UTC),
}


def stand_ins(**types: type) -> dict:
    """One stand-in value per name, of its type (str, int or datetime), that no real value
    equals: build a QuerySet with them, then ``SlottedSQL`` finds where each one went."""
    unknown = {name: t for name, t in types.items() if t not in _STAND_INS}
    if unknown:
        raise TypeError(f"Prepared parameters must be str, int or datetime: {unknown}")
    return {name: _STAND_INS[t](i) for i, (name, t) in enumerate(types.items())}


@dataclass
class SlottedSQL:
    """A compiled query's SQL and parameters, with the positions each named value fills, so
    the same SQL runs again with other values and no compiling."""

    sql: str
    params: list
    slots: dict[str, list[int]]

    @classmethod
    def of(cls, compiler, stand_ins: dict) -> SlottedSQL:
        """``compiler``'s SQL, for the QuerySet built with ``stand_ins`` (see ``stand_ins``).
        Refused when a value does not reach the parameters unchanged."""
        sql, params = compiler.as_sql()
        params = list(params)
        slots = {}
        for name, value in stand_ins.items():
            adapted = _adapt(compiler.connection, value)
            slots[name] = [i for i, p in enumerate(params) if p == adapted]
            if not slots[name]:
                raise ValueError(f"Prepared: parameter {name!r} does not reach the SQL unchanged.")
        return cls(sql=sql, params=params, slots=slots)

    def params_with(self, connection, values: dict) -> list:
        """The parameters with ``values`` in their slots."""
        params = list(self.params)
        for name, positions in self.slots.items():
            value = _adapt(connection, values[name])
            for position in positions:
                params[position] = value
        return params


@dataclass
class _Compiled:
    query: SlottedSQL
    init_list: list[str]
    model_fields: slice
    annotation_col_map: dict
    converters: list
    populators: list
    from_db: Callable


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], **types: type):
        stand_ins(**types)  # refuses a type that has no stand-in
        self.build = build
        self.types = types
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def sample(self) -> QuerySet:
        """The QuerySet with stand-in values (to look at its SQL or plan)."""
        return self.build(**stand_ins(**self.types))

    def _compile(self, alias: str) -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is not None:
            return compiled
        with self._lock:
            if alias in self._compiled:
                return self._compiled[alias]
            values = stand_ins(**self.types)
            queryset = self.build(**values)
            if queryset._prefetch_related_lookups:
                raise ValueError("PreparedQuery does not run prefetch_related; prepare it apart.")
            compiler = queryset.query.get_compiler(using=alias)
            query = SlottedSQL.of(compiler, values)
            fields = [column[0] for column in compiler.select[: compiler.col_count]]
            if compiler.has_composite_fields(fields):
                raise ValueError("PreparedQuery does not read composite primary keys.")
            klass_info = compiler.klass_info
            select_fields = klass_info["select_fields"]
            start, end = select_fields[0], select_fields[-1] + 1
            init_list = [column[0].target.attname for column in compiler.select[start:end]]
            compiled = _Compiled(
                query=query,
                init_list=init_list,
                model_fields=slice(start, end),
                annotation_col_map=compiler.annotation_col_map or {},
                # What results_iter() and the related populators would work out again on
                # every run.
                converters=list(compiler.get_converters(fields).items()),
                populators=_populators(klass_info, compiler.select, alias),
                from_db=_from_db(klass_info["model"], init_list),
            )
            self._compiled[alias] = compiled
            return compiled

    def all(self, *, using: str = "default", **values) -> list[Model]:
        """The model instances the QuerySet built with ``values`` would give."""
        (found,) = all_together((self, values), using=using)
        return found

    def first(self, **values) -> Model | None:
        found = self.all(**values)
        return found[0] if found else None


def all_together(*runs: tuple[PreparedQuery, dict], using: str = "default") -> list[list[Model]]:
    """What ``query.all(**values)`` gives for each ``(query, values)`` of ``runs``, in order.
    On PostgreSQL the queries go to the server in one round trip (psycopg's pipeline mode):
    for the article page's four follow-up queries, 0.16 ms instead of 0.46 ms here, and
    half the worker's CPU. Elsewhere they run one after the other."""
    connection = connections[using]
    compiled = [query._compile(using) for query, _values in runs]
    statements = [
        (c.query.sql, c.query.params_with(connection, values))
        for c, (_query, values) in zip(compiled, runs, strict=True)
    ]
    rows = _fetch(connection, statements)
    return [
        _instances(c, connection, using, found) for c, found in zip(compiled, rows, strict=True)
    ]


def _instances(compiled: _Compiled, connection, using: str, rows) -> list[Model]:
    """The model instances of ``rows`` as the QuerySet would make them."""
    from_db = compiled.from_db
    converters, populators = compiled.converters, compiled.populators
    init_list, model_fields = compiled.init_list, compiled.model_fields
    annotations = compiled.annotation_col_map.items()
    objects = []
    for row in rows:
        if converters:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for convert in functions:
                    value = convert(value, expression, connection)
                row[position] = value
        obj = from_db(using, init_list, row[model_fields])
        for populator in populators:
            populator.populate(row, obj)
        for attr, position in annotations:
            setattr(obj, attr, row[position])
        objects.append(obj)
    return objects


def _fetch(connection, statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """The rows of each ``(sql, params)`` of ``statements``, by the shortest path the
    database allows.

    Django's own cursor is taken when an execute wrapper is installed, and on SQLite when
    queries are being logged (``connection.queries``, the tests' query counts), so both see
    the queries exactly as Django would run them."""
    if connection.execute_wrappers:
        return [_fetch_through_django(connection, *statement) for statement in statements]
    if connection.vendor == "postgresql":
        return _fetch_postgresql(connection, statements)
    if connection.vendor == "sqlite" and not connection.queries_logged:
        return [_fetch_sqlite(connection, *statement) for statement in statements]
    return [_fetch_through_django(connection, *statement) for statement in statements]


def _fetch_through_django(connection, sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _checked(connection):
    """The driver's connection, after the checks ``connection.cursor()`` and Django's cursor
    make before a query: the connection's health, that it is open (opening it if not), that
    it belongs to this thread, that no failed transaction awaits its rollback."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    return connection.connection


@cache
def _qmark(sql: str) -> str:
    """``sql`` in sqlite3's own parameter style, as Django's SQLite cursor converts it."""
    return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")


def _fetch_sqlite(connection, sql: str, params: list) -> list[tuple]:
    """On sqlite3's connection itself, with the SQL converted once per query instead of on
    every run (Django's SQLite cursor converts the placeholders with a pattern each time).
    Django's checks are made first (``_checked``) and driver errors become Django's."""
    raw = _checked(connection)
    with connection.wrap_database_errors:
        return raw.execute(_qmark(sql), params).fetchall()


def _fetch_postgresql(connection, statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """From statements the server keeps prepared, several sent in one pipeline.

    Django binds values on the client (psycopg's ``ClientCursor``), so PostgreSQL parses and
    plans every query anew: about 0.2–0.5 ms for each of the article page's queries here, as
    much as running them. A prepared query is planned once per connection (see
    ``plan_once_per_connection``). psycopg does the preparing (``prepare=True``); it is off
    when the connection's ``prepare_threshold`` is None (settings:
    ``GAZETA_DB_PREPARED_STATEMENTS``).

    Each statement runs on a psycopg ``RawCursor`` kept for the connection, with the SQL's
    placeholders numbered once per query: a Django cursor and a psycopg cursor made for every
    query cost more than the query's own round trip here. Several statements go in one
    pipeline (one round trip), each on a cursor of its own, their results read once the
    server has answered them all. Django's checks are made first (``_checked``), driver
    errors become Django's, and the queries are logged where Django would log them
    (``connection.queries``, the tests' query counts)."""
    raw = _checked(connection)
    if raw.prepare_threshold is None:
        return [_fetch_through_django(connection, *statement) for statement in statements]
    started = time.monotonic()
    cursors = _kept_cursors(connection, raw, len(statements))
    with connection.wrap_database_errors:
        if len(statements) == 1:  # nothing to gain from a pipeline
            sql, params = statements[0]
            cursors[0].execute(_numbered(sql), params, prepare=True)
        else:
            with raw.pipeline():
                for cursor, (sql, params) in zip(cursors, statements, strict=True):
                    cursor.execute(_numbered(sql), params, prepare=True)
        rows = [cursor.fetchall() for cursor in cursors]
    _log(connection, statements, started)
    return rows


def _kept_cursors(connection, raw, count: int) -> list:
    """``count`` psycopg raw cursors kept on the Django connection for ``raw`` (a new
    set after the connection was opened again)."""
    cursors = getattr(connection, "_gazeta_prepared_cursors", None)
    if not cursors or cursors[0].connection is not raw or cursors[0].closed:
        cursors = connection._gazeta_prepared_cursors = []
    while len(cursors) < count:
        cursors.append(psycopg.RawCursor(raw))
    return cursors[:count]


def _log(connection, statements: list[tuple[str, list]], started: float) -> None:
    """Each statement in ``connection.queries`` when Django would log it, its values in place
    as Django writes them (the tests read query plans from there)."""
    if not connection.queries_logged:
        return
    each = (time.monotonic() - started) / len(statements)
    for sql, params in statements:
        connection.queries_log.append(
            {"sql": connection.ops.compose_sql(sql, params), "time": f"{each:.3f}"}
        )


_FORMAT_PLACEHOLDER = re.compile(r"%([s%])")


@cache
def _numbered(sql: str) -> str:
    """``sql`` with Django's ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``… (and ``%%``
    as ``%``), what psycopg's ``RawCursor`` takes."""
    count = itertools.count(1)
    return _FORMAT_PLACEHOLDER.sub(lambda m: f"${next(count)}" if m.group(1) == "s" else "%", sql)


def plan_once_per_connection(sender, connection, **kwargs) -> None:
    """``connection_created``: on PostgreSQL with prepared statements on, plan each one once
    for the connection (``plan_cache_mode = force_generic_plan``).

    Left to itself PostgreSQL plans a prepared statement again for its values on each of
    the first five runs, then keeps a plan that fits all values only when it does not look
    costlier than those: for "Read also" it never did, and planning that query took 0.9 ms
    of the 1.1 ms it cost on every article page (1M corpus). The queries prepared here read
    by key or by a short index range, whose plan does not depend on the values; a query
    whose best plan does should not be a PreparedQuery. Django's own queries are never
    prepared, so this does not touch them."""
    if connection.vendor != "postgresql":
        return
    if getattr(connection.connection, "prepare_threshold", None) is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")


def _populators(klass_info, select, alias) -> list[RelatedPopulator]:
    """Django's select_related populators, each making its instances with ``_from_db``."""
    populators = []
    for info in klass_info.get("related_klass_infos", []):
        populator = RelatedPopulator(info, select, alias, DEFAULT_FETCH_MODE)
        if populator.reorder_for_init is None:
            populator.from_db = _from_db(populator.model_cls, populator.init_list)
        populator.related_populators = _populators(info, select, alias)
        populators.append(populator)
    return populators


# The attributes a loaded column may be stored under directly, as Model.__init__ would.
_PLAIN_DESCRIPTORS = (type(None), DeferredAttribute, ForeignKeyDeferredAttribute)


def _from_db(model: type[Model], names: list[str]) -> Callable:
    """``model.from_db`` for rows of the attributes ``names``, or where it gives the very same
    instance, a quicker one that skips ``Model.__init__``: about half the cost of a row on a
    page that reads thirty. ``__init__`` only stores each loaded value under its attribute
    name and sends ``pre_init``/``post_init``, so this is taken only for a model that keeps
    Django's ``__init__`` and ``from_db``, has no receivers of those signals (an
    ``ImageField`` with dimension fields connects one) and whose loaded attributes have no
    descriptor that would do more than store the value."""
    stock = partial(model.from_db, fetch_mode=DEFAULT_FETCH_MODE)
    if (
        model.__init__ is not Model.__init__
        or model.from_db.__func__ is not Model.from_db.__func__
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
        or any(
            type(model.__dict__.get(name)) not in _PLAIN_DESCRIPTORS
            and type(getattr(model, name, None)) not in _PLAIN_DESCRIPTORS
            for name in names
        )
    ):
        return stock
    new = object.__new__

    def from_db(db, init_list, values):
        instance = new(model)
        instance.__dict__.update(zip(init_list, values, strict=True))
        state = instance._state = ModelState()
        state.adding = False
        state.db = db
        state.fetch_mode = DEFAULT_FETCH_MODE
        return instance

    return from_db


def _adapt(connection, value):
    """A value as the compiler puts it among a query's parameters."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


@cache
def _empty_queryset(model: type[Model], name: str) -> QuerySet:
    """An empty QuerySet of what ``model.<name>`` relates to, copied for each instance (its
    SQL query is never changed in place: every QuerySet method works on a clone)."""
    return model._meta.get_field(name).related_model._default_manager.none()


def attach_prefetched(instance: Model, name: str, objects: list[Model]) -> None:
    """Make ``instance.<name>.all()`` return ``objects`` without a query, as
    ``prefetch_related(name)`` would have."""
    queryset = copy(_empty_queryset(type(instance), name))
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
