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
"""

import copy
import datetime
import functools
import threading
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.db.models import F, Func, QuerySet
from django.utils import translation

_SUPPORTED = (int, str, datetime.date, uuid.UUID)  # datetime.datetime is a date


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


class _Compiled:
    """The SQL of one language, with the positions of the arguments among its parameters."""

    __slots__ = ("compiler", "db", "params", "positions", "sql", "template")

    def __init__(self, template: QuerySet, compiler, sql: str, params: tuple, positions: tuple):
        self.template = template
        self.db = template.db
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.positions = positions  # (parameter index, argument index)

    def params_for(self, args) -> tuple:
        params = list(self.params)
        for position, index in self.positions:
            params[position] = args[index]
        return tuple(params)

    def queryset(self, args) -> QuerySet:
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[self.db]  # per thread
        sql, params = self.sql, self.params_for(args)
        compiler.as_sql = lambda *_, **__: (sql, params)
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
    return _Compiled(template, compiler, sql, params, tuple(positions))


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[str, _Compiled | None] = {}  # by language; None: unpreparable
        self._lock = threading.Lock()
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

    def _queryset(self, args) -> QuerySet:
        # Never handed out: a method chained to it would run the prepared SQL without that
        # method (a clone of the query keeps the prepared compiler).
        _check_types(args)
        compiled = self._compiled_for(args)
        if compiled is None:
            return self.build(*args)
        if getattr(settings, "PREPARED_QUERIES_CHECK", False):
            _, sql, params = _compile(self.build(*args))
            if (sql, params) != (compiled.sql, compiled.params_for(args)):
                raise AssertionError(
                    f"prepared query {self.build.__qualname__} differs from the ORM's for {args!r}:\n"
                    f"prepared: {compiled.sql} {compiled.params_for(args)!r}\nORM:      {sql} {params!r}"
                )
        return compiled.queryset(args)

    def __call__(self, *args) -> list:
        return list(self._queryset(args))

    def count(self, *args) -> int:
        """The number a function returning `counted(...)` counts."""
        rows = self(*args)
        return rows[0] if rows else 0

    def first(self, *args):
        """The first row or None (slice the QuerySet in the function: `[:1]`)."""
        rows = self(*args)
        return rows[0] if rows else None


def counted(queryset: QuerySet) -> QuerySet:
    """The QuerySet as one row holding the number of its rows, for a prepared function
    (`count()` runs at once and returns no QuerySet). COUNT as a plain function, not an
    aggregate, adds no GROUP BY: PostgreSQL answers one row, as for `count()`."""
    return queryset.order_by().annotate(row_count=Func(F("pk"), function="COUNT")).values_list("row_count", flat=True)


def prepared(build: Callable[..., QuerySet]) -> PreparedQuery:
    return PreparedQuery(build)
