"""What every part of SqlStorage shares: the engine, transactions, upserts.

The ``*Mixin`` classes in ``sql_*.py`` and ``search.py`` each implement one group of
:class:`~occasional.storage.base.Storage` methods on top of :class:`SqlBase`;
:class:`~occasional.storage.sql.SqlStorage` combines them.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Connection, Dialect, Engine, Table, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError

from .errors import wrap_exceptions

__all__ = ["WRITE_OPTION", "SqlBase", "chunks", "insert_many"]

#: Execution option the SQLite engine reads to start a write transaction with
#: BEGIN IMMEDIATE (so concurrent writers queue on busy_timeout instead of
#: failing when a read lock cannot be upgraded).
WRITE_OPTION = "occasional_write"

T = TypeVar("T")

# SQLite allows 32766 bound parameters per statement; stay far below it.
CHUNK = 500

# Both dialects spell an upsert as INSERT … ON CONFLICT DO UPDATE.
_INSERTS: dict[str, Callable[[Table], Any]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


@functools.lru_cache(maxsize=64)
def _insert_plan(dialect: Dialect, table: Table, names: tuple[str, ...]) -> _InsertPlan:
    compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
    processors = {
        name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    }
    order = tuple(compiled.positiontup) if compiled.positiontup else names
    return _InsertPlan(
        str(compiled), order, tuple(processors[name] for name in order), bool(compiled.positiontup)
    )


class _InsertPlan(NamedTuple):
    sql: str
    order: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool


def insert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT`` every row (each with the keys of the first) in one driver ``executemany``.

    What ``connection.execute(insert(table), rows)`` does, with each value converted
    by its column type exactly as SQLAlchemy would, minus SQLAlchemy's per-row
    bookkeeping, which cost as much as the database's own work on the poll path.
    """
    if not rows:
        return
    plan = _insert_plan(connection.dialect, table, tuple(rows[0]))
    pairs = tuple(zip(plan.order, plan.processors, strict=True))
    try:
        params: list[Any] = [
            tuple(row[name] if convert is None else convert(row[name]) for name, convert in pairs)
            for row in rows
        ]
    except (TypeError, ValueError) as exc:  # a value its type refuses, as SQLAlchemy reports it
        raise StatementError(str(exc), plan.sql, None, exc) from exc
    if not plan.positional:
        params = [dict(zip(plan.order, values, strict=True)) for values in params]
    connection.exec_driver_sql(plan.sql, params)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SqlBase:
    """Holds the engine; gives each public method one read or write transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tests and maintenance scripts)."""
        return self._engine

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """See :meth:`Storage.exclusive`."""
        if self._engine.dialect.name != "postgresql":
            yield
            return
        key = int.from_bytes(
            hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
        )
        with wrap_exceptions(f"waiting for the {name} lock"):
            connection = self._engine.connect()
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            connection.commit()
        try:
            yield
        finally:
            with wrap_exceptions(f"releasing the {name} lock"), connection:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        with wrap_exceptions(action), self._engine.connect() as connection:
            yield connection

    @contextmanager
    def _write(self, action: str) -> Iterator[Connection]:
        # One transaction per call: committed when the block ends, rolled back
        # (nothing half-written) when anything inside raises.
        with wrap_exceptions(action), self._writer.begin() as connection:
            yield connection

    @staticmethod
    def _insert(connection: Connection, table: Table) -> Any:
        """The dialect's INSERT for ``table`` (it has ``on_conflict_do_nothing``/``_update``)."""
        return _INSERTS[connection.dialect.name](table)

    def _upsert(
        self, connection: Connection, table: Table, rows: Sequence[dict[str, Any]], keys: list[str]
    ) -> None:
        """Insert rows, replacing the other columns of rows whose ``keys`` exist.

        Every row has the same columns, and at least one that is not a key.
        """
        if not rows:
            return
        # Both dialect Inserts have .excluded and .on_conflict_*; their common
        # base class does not, hence Any.
        statement: Any = _INSERTS[connection.dialect.name](table)
        updates = {name: statement.excluded[name] for name in rows[0] if name not in keys}
        statement = statement.on_conflict_do_update(index_elements=keys, set_=updates)
        connection.execute(statement, list(rows))
