"""QuerySets whose SQL the ORM builds once per process, for the reads every member's page repeats.

Building a query costs the ORM more CPU than PostgreSQL spends answering it: a membership with
its group takes about 0.3 ms to run and 0.6 ms to turn into SQL, and a member's page runs four to
seven such reads. A function decorated with `@prepared` returns a QuerySet of its arguments; the
first call in each language builds and compiles it, later calls put their arguments into the same
SQL and let the ORM turn the rows into instances as usual (select_related, annotations and
prefetch_related included). The call returns the rows as a list.

What makes it safe to reuse the SQL:
- The arguments must reach the SQL as parameters, unchanged. On first use the function is built
  twice, with the real arguments and with probe values; the two SQL texts must be equal and every
  parameter that differs must be one of the arguments. Anything else (an argument that shapes the
  SQL, a slice length, a value computed from an argument, `now()` read inside the function) makes
  the query unpreparable: it then runs through the ORM on every call, and `PREPARED_QUERIES_CHECK`
  makes that an error.
- The function must depend on nothing but its arguments and the active language (part of the key).
  It may not branch on an argument's value. `PREPARED_QUERIES_CHECK` (on in the tests) builds every
  call through the ORM as well and raises when its SQL or parameters differ from the prepared ones,
  so the test suite proves each prepared query on every call it makes.
- Supported arguments: int, str, date, datetime and UUID (a bool or a list would shape the SQL or could
  not be told apart from a constant).

On PostgreSQL the SQL is also a server-side prepared statement (PREPARE once per connection, then
EXECUTE with the arguments): PostgreSQL parses it once and, once its plan is stable, plans it once
too, where planning took 0.2-0.9 ms of each run. The constants are written into the statement as
literals (what psycopg2 would send anyway), so the planner still matches them against partial
indexes; only the arguments are `$n` parameters, typed by PostgreSQL from where they stand. A
statement PostgreSQL refuses to prepare runs as plain SQL. `PREPARED_STATEMENTS=0` turns them off
where connections are shared between sessions (a pooler in transaction mode).
"""

import copy
import datetime
import functools
import itertools
import logging
import operator
import re
import threading
import uuid
from collections.abc import Callable

import psycopg2
from django.conf import settings
from django.db import connections
from django.db.models import F, Func, QuerySet
from django.utils import translation
from psycopg2 import errors as pg_errors
from psycopg2.extensions import AsIs

_SUPPORTED = (int, str, datetime.date, uuid.UUID)  # datetime.datetime is a date
_statement_numbers = itertools.count(1)
_statements: dict[str, "_Statement"] = {}
logger = logging.getLogger(__name__)


class UnpreparableQuery(ValueError):
    pass


def _check_types(args) -> None:
    for value in args:
        if isinstance(value, bool) or not isinstance(value, _SUPPORTED):
            raise TypeError(
                f"a prepared query takes int, str, date, datetime or UUID arguments, not {type(value).__name__}"
            )


def _probe(value, index: int):
    """A value of the argument's type that differs from it and from every other probe."""
    if isinstance(value, int):
        return value + 1_000_003 + 7919 * index
    if isinstance(value, str):
        return f"{value}\u2063probe{index}"
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=(value.int + 1 + index) % (1 << 128))
    return value - datetime.timedelta(days=36_500 + index)


class _Statement:
    """The SQL as a server-side prepared statement, PREPAREd on each connection before its first EXECUTE.

    Only the arguments become parameters ($1, $2, ... in the order of the arguments that appear);
    every other value is written in as the literal psycopg2 would have sent.
    """

    __slots__ = ("arguments", "execute_sql", "name", "refused", "sql", "text", "values")

    def __init__(self, sql: str, params: tuple, positions: tuple, label: str):
        # A readable name in the SQL log: EXECUTE courses_views_module_with_slug_en_4('a-slug')
        readable = re.sub(r"[^a-z0-9]+", "_", label.lower())[-50:].lstrip("_0123456789")
        self.name = f"{readable}_{next(_statement_numbers)}"
        _statements[self.name] = self
        used = sorted({index for _, index in positions})
        number = {index: n for n, index in enumerate(used, start=1)}
        values = list(params)
        for position, index in positions:
            values[position] = AsIs(f"${number[index]}")
        self.sql, self.values = sql, tuple(values)
        self.arguments = tuple(used)  # which arguments EXECUTE passes, in the order of $1, $2, ...
        placeholders = ", ".join(["%s"] * len(used))
        self.execute_sql = f"EXECUTE {self.name}({placeholders})" if used else f"EXECUTE {self.name}"
        self.refused = False
        self.text = ""  # the statement as prepared, once it has been

    def ready_on(self, connection) -> bool:
        """Whether the statement is prepared on this connection, preparing it if need be.

        The PREPARE goes straight to psycopg2: it is bookkeeping, not one of the page's queries (query
        counts stay those of the ORM). PREPARE is not transactional: a rollback keeps the statement.
        Inside a transaction a savepoint keeps a refused PREPARE from aborting it."""
        if self.refused:
            return False
        # As Django does before its first cursor: the statement goes on the connection the query will use.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        raw = connection.connection
        state = getattr(connection, "_jige_prepared_statements", None)
        if state is None or state[0] is not raw:  # a new connection prepares again
            state = (raw, set())
            connection._jige_prepared_statements = state
        if self.name in state[1]:
            return True
        saved = False
        with raw.cursor() as cursor:
            try:
                self.text = self.text or cursor.mogrify(self.sql, self.values).decode()
                if not raw.autocommit:
                    cursor.execute("SAVEPOINT jige_prepare")
                    saved = True
                cursor.execute(f"PREPARE {self.name} AS {self.text}")
                if saved:
                    cursor.execute("RELEASE SAVEPOINT jige_prepare")
            except (psycopg2.OperationalError, psycopg2.InterfaceError, pg_errors.InFailedSqlTransaction):
                return False  # the query itself runs as plain SQL and reports what is wrong
            except psycopg2.Error as error:
                if saved:
                    cursor.execute("ROLLBACK TO SAVEPOINT jige_prepare")
                    cursor.execute("RELEASE SAVEPOINT jige_prepare")
                if isinstance(error, pg_errors.DuplicatePreparedStatement):  # prepared before, forgotten here
                    state[1].add(self.name)
                    return True
                if getattr(settings, "PREPARED_QUERIES_CHECK", False):
                    raise
                logger.warning("PostgreSQL refused to prepare %s: %s", self.name, error)
                self.refused = True
                return False
        state[1].add(self.name)
        return True


class _Compiled:
    """The SQL of one language, with the positions of the arguments among its parameters."""

    __slots__ = (
        "arity",
        "compiler",
        "db",
        "label",
        "params",
        "positions",
        "sql",
        "statement",
        "template",
        "_converters",
        "_paged",
    )

    def __init__(self, template: QuerySet, compiler, sql: str, params: tuple, positions: tuple, label: str, arity: int):
        self.template = template
        self.label, self.arity = label, arity
        self._paged = None
        self._converters = None  # (the connection's operations, the converters of the selected columns)
        self.db = template.db
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.positions = positions  # (parameter index, argument index)
        use_statements = getattr(settings, "PREPARED_STATEMENTS", True)
        postgres = connections[self.db].vendor == "postgresql"
        self.statement = _Statement(sql, params, positions, label) if use_statements and postgres else None

    def params_for(self, args) -> tuple:
        params = list(self.params)
        for position, index in self.positions:
            params[position] = args[index]
        return tuple(params)

    def paged(self) -> "_Compiled":
        """The same SQL with LIMIT and OFFSET as two more arguments (Django writes a slice in as literals)."""
        if self._paged is None:
            if self.template.query.is_sliced:
                raise UnpreparableQuery(f"{self.label}: rows() pages a whole QuerySet; this one is sliced already")
            count, arity = len(self.params), self.arity
            self._paged = _Compiled(
                self.template,
                self.compiler,
                f"{self.sql} LIMIT %s OFFSET %s",
                (*self.params, 0, 0),
                (*self.positions, (count, arity), (count + 1, arity + 1)),
                f"{self.label}.page",
                arity + 2,
            )
        return self._paged

    def _converters_for(self, compiler, expressions) -> dict:
        """The converters of the selected columns, found once: the same columns on the same kind of
        connection have the same (a wide row of translated fields took 0.4 ms to look them up)."""
        kept = self._converters
        if (
            kept is not None
            and kept[0] is compiler.connection.ops
            and len(kept[1]) == len(expressions)
            and all(map(operator.is_, kept[1], expressions))
        ):
            return kept[2]
        converters = type(compiler).get_converters(compiler, expressions)
        self._converters = (compiler.connection.ops, tuple(expressions), converters)
        return converters

    def queryset(self, args) -> QuerySet:
        compiler = copy.copy(self.compiler)
        connection = connections[self.db]  # per thread
        compiler.connection = connection
        sql, params, statement = self.sql, self.params_for(args), self.statement

        def as_sql(*_, **__):
            # Asked when the query runs, on the connection it runs on.
            if statement is not None and statement.ready_on(connection):
                return statement.execute_sql, tuple(args[index] for index in statement.arguments)
            return sql, params

        compiler.as_sql = as_sql
        compiler.get_converters = lambda expressions: self._converters_for(compiler, expressions)
        queryset = self.template._chain()
        queryset.query.get_compiler = lambda *_, **__: compiler
        return queryset


def _compile(queryset: QuerySet):
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


def _prepare(build: Callable[..., QuerySet], args: tuple) -> _Compiled:
    template = build(*args)
    compiler, sql, params = _compile(template)
    probes = tuple(_probe(value, index) for index, value in enumerate(args))
    _, probe_sql, probe_params = _compile(build(*probes))
    if probe_sql != sql or len(probe_params) != len(params):
        raise UnpreparableQuery(f"{build.__qualname__}: an argument changes the SQL, not only its parameters")
    positions = []
    for position, (value, probe_value) in enumerate(zip(params, probe_params, strict=True)):
        if value == probe_value and type(value) is type(probe_value):
            continue
        index = next((i for i, probe in enumerate(probes) if probe == probe_value), None)
        if index is None or value != args[index] or type(value) is not type(args[index]):
            raise UnpreparableQuery(
                f"{build.__qualname__}: parameter {position} differs between calls but is not an argument as given"
            )
        positions.append((position, index))
    label = f"{build.__module__}.{build.__qualname__}.{translation.get_language()}"
    return _Compiled(template, compiler, sql, params, tuple(positions), label, len(args))


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[str, _Compiled | None] = {}  # by language; None: unpreparable
        self._lock = threading.Lock()
        self._counter: PreparedQuery | None = None
        functools.update_wrapper(self, build)

    def _compiled_for(self, args) -> _Compiled | None:
        language = translation.get_language()
        try:
            return self._compiled[language]
        except KeyError:
            pass
        with self._lock:
            if language not in self._compiled:
                try:
                    self._compiled[language] = _prepare(self.build, args)
                except UnpreparableQuery:
                    if getattr(settings, "PREPARED_QUERIES_CHECK", False):
                        raise
                    self._compiled[language] = None
            return self._compiled[language]

    def _queryset(self, args, page: tuple[int, int] | None = None) -> QuerySet:
        # Never handed out: a method chained to it would run the prepared SQL without that
        # method (a clone of the query keeps the prepared compiler).
        _check_types(args)
        compiled = self._compiled_for(args)
        if compiled is None:
            queryset = self.build(*args)
            return queryset if page is None else queryset[page[1] : page[1] + page[0]]
        if getattr(settings, "PREPARED_QUERIES_CHECK", False):
            _, sql, params = _compile(self.build(*args))
            if (sql, params) != (compiled.sql, compiled.params_for(args)):
                raise AssertionError(
                    f"prepared query {self.build.__qualname__} differs from the ORM's for {args!r}:\n"
                    f"prepared: {compiled.sql} {compiled.params_for(args)!r}\nORM:      {sql} {params!r}"
                )
        if page is not None:
            return compiled.paged().queryset((*args, *page))
        return compiled.queryset(args)

    def __call__(self, *args) -> list:
        return list(self._queryset(args))

    def rows(self, *args) -> "PreparedRows":
        """The rows as a sequence for a Paginator: its count and each page are prepared queries too.
        The function returns the whole QuerySet, ordered; the page is LIMIT and OFFSET parameters."""
        if self._counter is None:
            build = self.build

            def count_of(*args):
                return counted(build(*args))

            count_of.__module__, count_of.__qualname__ = build.__module__, f"{build.__qualname__}.count"
            self._counter = PreparedQuery(count_of)
        return PreparedRows(self, args)

    def count(self, *args) -> int:
        """The number a function returning `counted(...)` counts."""
        rows = self(*args)
        return rows[0] if rows else 0

    def first(self, *args):
        """The first row or None (slice the QuerySet in the function: `[:1]`)."""
        rows = self(*args)
        return rows[0] if rows else None


class PreparedRows:
    """What `PreparedQuery.rows()` returns: enough of a sequence for Django's Paginator."""

    ordered = True  # the function orders its QuerySet (Paginator warns otherwise)

    def __init__(self, query: PreparedQuery, args: tuple):
        self.query, self.args = query, args

    def count(self) -> int:
        return self.query._counter.count(*self.args)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step is not None or (index.start or 0) < 0 or index.stop is None:
            raise TypeError("prepared rows are read a page at a time: rows[start:stop]")
        start = index.start or 0
        return list(self.query._queryset(self.args, page=(max(index.stop - start, 0), start)))


def counted(queryset: QuerySet) -> QuerySet:
    """The QuerySet as one row holding the number of its rows, for a prepared function
    (`count()` runs at once and returns no QuerySet). COUNT as a plain function, not an
    aggregate, adds no GROUP BY: PostgreSQL answers one row, as for `count()`."""
    return queryset.order_by().annotate(row_count=Func(F("pk"), function="COUNT")).values_list("row_count", flat=True)


def statement_sql(sql: str) -> str:
    """The statement an `EXECUTE name(...)` of a query log runs, as PostgreSQL holds it (the arguments
    as $1, $2, ...); any other SQL as given."""
    match = re.match(r"EXECUTE (\w+)", sql)
    statement = _statements.get(match.group(1)) if match else None
    return statement.text if statement is not None and statement.text else sql


def prepared(build: Callable[..., QuerySet]) -> PreparedQuery:
    return PreparedQuery(build)
