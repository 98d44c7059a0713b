"""Many polls in one transaction, for SqlStorage.

The pipeline's :class:`~occasional.storage.batch.BatchWriter` calls
:meth:`PollsMixin.record_polls` with the polls of up to a few hundred sources.
Per batch the work is a fixed handful of statements, whatever the number of
sources: one existence check, one article upsert, one UPDATE per shape of
source change and one fetch-log INSERT, each run with ``executemany``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from ..exceptions import AlreadyPolledError, SourceNotFoundError
from ..text import plural
from .base import LEAVE, ArticleIntent, FetchLogEntry, PollWrite, SourceChange
from .schema import fetch_log, sources
from .sql_articles import upsert_article_rows
from .sql_sources import apply_change, change_values, log_values
from .sqlbase import SqlBase, chunks, insert_many

__all__ = ["PollsMixin"]


def _require_sources(connection: Connection, polls: Sequence[PollWrite]) -> None:
    """Check every source still exists and no poll's cycle is already stored.

    The rows are read FOR UPDATE (PostgreSQL; SQLite's write lock already orders
    writers): a concurrent write of the same source waits, then sees its result.
    """
    wanted = list(dict.fromkeys(poll.source_id for poll in polls))
    polled: dict[str, Any] = {}
    for part in chunks(wanted):
        query = select(sources.c.id, sources.c.last_polled).where(sources.c.id.in_(part))
        polled.update((row[0], row[1]) for row in connection.execute(query.with_for_update()))
    missing = [source_id for source_id in wanted if source_id not in polled]
    if missing:
        message = f"no source {missing[0]!r}: it was removed while being polled"
        raise SourceNotFoundError(message, url=missing[0])
    for poll in polls:
        last = polled[poll.source_id]
        if poll.cycle is not None and last is not None and last >= poll.cycle:
            mark = AlreadyPolledError.MARK
            message = f"source {poll.source_id!r} was {mark} (at {last.isoformat()})"
            raise AlreadyPolledError(message, url=poll.source_id)


def _new_per_poll(polls: Sequence[PollWrite], new: set[str]) -> list[list[str]]:
    return [_new_of(poll.articles, new) for poll in polls]


def _new_of(articles: Sequence[ArticleIntent], new: set[str]) -> list[str]:
    # In the order upsert_articles reports them: first mention, once.
    return [aid for aid in dict.fromkeys(item.id for item in articles) if aid in new]


def _is_simple(change: SourceChange) -> bool:
    # A new URL needs its uniqueness checked and settings rewrite tags: one by one.
    return change.url is LEAVE and change.settings is LEAVE


def _update_sources(connection: Connection, changes: Sequence[tuple[str, SourceChange]]) -> None:
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for source_id, change in changes:
        if not _is_simple(change):
            apply_change(connection, source_id, change)
            continue
        values = change_values(change)
        if values:
            shapes[tuple(values)].append({"b_id": source_id} | _prefixed(values))
    for names, rows in shapes.items():
        connection.execute(_update_statement(names), rows)


def _prefixed(values: dict[str, Any]) -> dict[str, Any]:
    return {f"b_{name}": value for name, value in values.items()}


def _update_statement(names: tuple[str, ...]) -> Any:
    # Parameter names must differ from column names in an UPDATE's SET clause.
    targets = {name: bindparam(f"b_{name}", type_=sources.c[name].type) for name in names}
    return update(sources).where(sources.c.id == bindparam("b_id")).values(targets)


def _insert_log(connection: Connection, entries: Sequence[FetchLogEntry]) -> None:
    if entries:
        insert_many(connection, fetch_log, [log_values(entry) for entry in entries])


class PollsMixin(SqlBase):
    """The batch-write method of :class:`~occasional.storage.base.Storage`."""

    def record_polls(self, polls: Sequence[PollWrite]) -> list[list[str]]:
        """See :meth:`Storage.record_polls`."""
        if not polls:
            return []
        with self._write(f"storing the polls of {plural(len(polls), 'source')}") as connection:
            _require_sources(connection, polls)
            intents = [item for poll in polls for item in poll.articles]
            news = _new_per_poll(polls, set(upsert_article_rows(connection, intents)))
            settled = [poll.settle(new) for poll, new in zip(polls, news, strict=True)]
            changes = [(p.source_id, change) for p, (change, _) in zip(polls, settled, strict=True)]
            _update_sources(connection, changes)
            _insert_log(connection, [entry for _, entry in settled])
        return news
