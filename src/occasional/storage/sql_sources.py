"""Sources, their tags and their fetch log, for SqlStorage."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, or_, select, update

from ..exceptions import SourceExistsError, SourceNotFoundError
from ..types import Source, SourceSettings
from .base import LEAVE, FetchLogEntry, SourceChange
from .schema import fetch_log, source_tags, sources
from .sqlbase import SqlBase

__all__ = ["SourcesMixin", "apply_change", "change_values", "log_values"]


def _candidate_id(url: str, attempt: int) -> str:
    # Derived from the URL so re-adding a source gives it the same id back;
    # the attempt counter only matters on the rare hash collision.
    salt = f"#{attempt}" if attempt else ""
    return hashlib.blake2b(f"{url}{salt}".encode(), digest_size=4).hexdigest()


def _settings_columns(settings: SourceSettings) -> dict[str, Any]:
    return {
        "enabled": settings.enabled,
        "fetch_full": settings.fetch_full,
        "poll_min_seconds": settings.poll_min_seconds,
        "poll_max_seconds": settings.poll_max_seconds,
        "user_title": settings.title,
    }


def _source(row: Row[Any], tags: tuple[str, ...]) -> Source:
    settings = SourceSettings(
        tags=tags,
        enabled=row.enabled,
        fetch_full=row.fetch_full,
        poll_min_seconds=row.poll_min_seconds,
        poll_max_seconds=row.poll_max_seconds,
        title=row.user_title,
    )
    return Source(
        id=row.id,
        url=row.url,
        kind=row.kind,
        title=row.title,
        site_url=row.site_url,
        settings=settings,
        disabled_reason=row.disabled_reason,
        etag=row.etag,
        last_modified=row.last_modified,
        added=row.added,
        last_polled=row.last_polled,
        next_poll=row.next_poll,
        interval_seconds=row.interval_seconds,
        failures=row.failures,
        last_error=row.last_error,
        last_status=row.last_status,
    )


def _tags_of(connection: Connection, ids: list[str] | None) -> dict[str, tuple[str, ...]]:
    query = select(source_tags.c.source_id, source_tags.c.tag).order_by(
        source_tags.c.source_id, source_tags.c.position
    )
    if ids is not None:
        query = query.where(source_tags.c.source_id.in_(ids))
    grouped: dict[str, list[str]] = defaultdict(list)
    for source_id, tag in connection.execute(query):
        grouped[source_id].append(tag)
    return {key: tuple(value) for key, value in grouped.items()}


def _set_tags(connection: Connection, source_id: str, tags: tuple[str, ...]) -> None:
    connection.execute(delete(source_tags).where(source_tags.c.source_id == source_id))
    unique = list(dict.fromkeys(tags))  # a tag listed twice is one tag
    rows = [{"source_id": source_id, "tag": tag, "position": n} for n, tag in enumerate(unique)]
    if rows:
        connection.execute(insert(source_tags), rows)


def _find(connection: Connection, id_or_url: str) -> Row[Any]:
    query = select(sources).where(or_(sources.c.id == id_or_url, sources.c.url == id_or_url))
    row = connection.execute(query).first()
    if row is None:
        raise SourceNotFoundError(
            f"no source {id_or_url!r}; `occasional sources` lists the stored ones",
            url=id_or_url,
        )
    return row


def _load(connection: Connection, id_or_url: str) -> Source:
    row = _find(connection, id_or_url)
    return _source(row, _tags_of(connection, [row.id]).get(row.id, ()))


def _refuse_taken_url(connection: Connection, url: str) -> None:
    existing = connection.execute(select(sources.c.id).where(sources.c.url == url)).scalar()
    if existing is not None:
        raise SourceExistsError(f"{url} is already a source (id {existing})", url=url)


def _free_id(connection: Connection, url: str) -> str:
    attempt = 0
    while True:
        candidate = _candidate_id(url, attempt)
        taken = connection.execute(select(sources.c.id).where(sources.c.id == candidate)).first()
        if taken is None:
            return candidate
        attempt += 1


def change_values(change: SourceChange) -> dict[str, Any]:
    """The columns a change sets, settings aside (fields left at LEAVE are absent)."""
    return {
        spec.name: getattr(change, spec.name)
        for spec in fields(change)
        if spec.name != "settings" and getattr(change, spec.name) is not LEAVE
    }


def apply_change(connection: Connection, source_id: str, change: SourceChange) -> str:
    """Apply one change inside the caller's transaction; returns the source's id.

    Raises SourceNotFoundError, SourceExistsError (a new URL another source has).
    """
    row = _find(connection, source_id)
    values = change_values(change)
    if "url" in values and values["url"] != row.url:
        _refuse_taken_url(connection, values["url"])
    if change.settings is not LEAVE:
        values |= _settings_columns(change.settings)
        _set_tags(connection, row.id, change.settings.tags)
    if values:
        connection.execute(update(sources).where(sources.c.id == row.id).values(**values))
    return str(row.id)


def log_values(entry: FetchLogEntry) -> dict[str, Any]:
    """The fetch_log row of one entry."""
    return {spec.name: getattr(entry, spec.name) for spec in fields(entry)}


def _log_entry(row: Row[Any]) -> FetchLogEntry:
    return FetchLogEntry(
        source_id=row.source_id,
        url=row.url,
        started=row.started,
        status=row.status,
        elapsed=row.elapsed,
        bytes=row.bytes,
        error=row.error,
        new_entries=row.new_entries,
    )


class SourcesMixin(SqlBase):
    """Source and fetch-log methods of :class:`~occasional.storage.base.Storage`."""

    def add_source(
        self,
        url: str,
        *,
        kind: str = "feed",
        settings: SourceSettings = SourceSettings(),  # noqa: B008 (frozen, so sharing is safe)
        title: str | None = None,
        site_url: str | None = None,
        now: datetime,
    ) -> Source:
        """See :meth:`Storage.add_source`."""
        with self._write(f"adding source {url}") as connection:
            _refuse_taken_url(connection, url)
            source_id = _free_id(connection, url)
            values: dict[str, Any] = {"id": source_id, "url": url, "kind": kind, "title": title}
            values |= {"site_url": site_url, "added": now, "failures": 0}
            connection.execute(insert(sources).values(**values, **_settings_columns(settings)))
            _set_tags(connection, source_id, settings.tags)
            return _load(connection, source_id)

    def get_source(self, id_or_url: str) -> Source:
        """See :meth:`Storage.get_source`."""
        with self._read(f"reading source {id_or_url}") as connection:
            return _load(connection, id_or_url)

    def list_sources(self, *, tag: str | None = None, enabled_only: bool = False) -> list[Source]:
        """See :meth:`Storage.list_sources`."""
        query = select(sources).order_by(sources.c.added, sources.c.id)
        if enabled_only:
            query = query.where(sources.c.enabled.is_(True), sources.c.disabled_reason.is_(None))
        if tag is not None:
            tagged = select(source_tags.c.source_id).where(source_tags.c.tag == tag)
            query = query.where(sources.c.id.in_(tagged))
        with self._read("listing sources") as connection:
            rows = connection.execute(query).all()
            tags = _tags_of(connection, None)
        return [_source(row, tags.get(row.id, ())) for row in rows]

    def update_source(self, source_id: str, change: SourceChange) -> Source:
        """See :meth:`Storage.update_source`."""
        with self._write(f"updating source {source_id}") as connection:
            return _load(connection, apply_change(connection, source_id, change))

    def remove_source(self, id_or_url: str) -> None:
        """See :meth:`Storage.remove_source`."""
        with self._write(f"removing source {id_or_url}") as connection:
            row = _find(connection, id_or_url)
            # Foreign keys cascade to tags, log, articles and what hangs off them.
            connection.execute(delete(sources).where(sources.c.id == row.id))

    def due_sources(self, now: datetime, limit: int | None = None) -> list[Source]:
        """See :meth:`Storage.due_sources`."""
        query = (
            select(sources)
            .where(sources.c.enabled.is_(True), sources.c.disabled_reason.is_(None))
            .where(or_(sources.c.next_poll.is_(None), sources.c.next_poll <= now))
            .order_by(sources.c.next_poll.asc().nulls_first(), sources.c.added, sources.c.id)
            .limit(limit)
        )
        with self._read("choosing sources to poll") as connection:
            rows = connection.execute(query).all()
            tags = _tags_of(connection, [row.id for row in rows]) if rows else {}
        return [_source(row, tags.get(row.id, ())) for row in rows]

    def record_fetch(self, entry: FetchLogEntry) -> None:
        """See :meth:`Storage.record_fetch`."""
        with self._write(f"logging a fetch of {entry.url}") as connection:
            connection.execute(insert(fetch_log).values(**log_values(entry)))

    def fetch_log(self, source_id: str, limit: int = 20) -> list[FetchLogEntry]:
        """See :meth:`Storage.fetch_log`."""
        query = (
            select(fetch_log)
            .where(fetch_log.c.source_id == source_id)
            .order_by(fetch_log.c.seq.desc())
            .limit(limit)
        )
        with self._read(f"reading the fetch log of {source_id}") as connection:
            return [_log_entry(row) for row in connection.execute(query)]

    def prune_fetch_log(self, older_than: datetime) -> int:
        """See :meth:`Storage.prune_fetch_log`."""
        statement = delete(fetch_log).where(fetch_log.c.started < older_than)
        with self._write("pruning the fetch log") as connection:
            return int(connection.execute(statement).rowcount)
