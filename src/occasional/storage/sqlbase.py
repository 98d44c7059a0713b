"""What every part of SqlStorage shares: the engine, transactions, upserts.

The ``*Mixin`` classes in ``sql_*.py`` and ``search.py`` each implement one group of
:class:`~occasional.storage.base.Storage` methods on top of :class:`SqlBase`;
:class:`~occasional.storage.sql.SqlStorage` combines them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.dialects import postgresql, sqlite

from .errors import wrap_exceptions

__all__ = ["WRITE_OPTION", "SqlBase", "chunks"]

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
