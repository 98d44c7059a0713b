"""Open a database: create it if needed, configure the engine, migrate.

:func:`open_storage` is the one way in (the engine facade calls it with
``Config.database``). Supported URLs:

- ``sqlite:///path/to/file.sqlite`` (the folder is created; the file is
  made 0600, and so its WAL and shared-memory files; an empty file or a
  read-only folder is refused with a message saying so; WAL journal
  with ``synchronous=NORMAL``, foreign keys on, a busy timeout, a 32 MiB
  page cache, and write transactions that start with
  ``BEGIN IMMEDIATE`` so concurrent writers wait instead of failing);
- ``sqlite://`` (in memory, for tests and one-off runs);
- ``postgresql+psycopg://user@host:port/name`` (the database is created
  when missing and the user may create databases).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool

from ..exceptions import MigrationError, StorageError
from ..fileio import PRIVATE_FILE
from ..oserrors import is_read_only
from .errors import describe, wrap_exceptions
from .migrate import upgrade
from .sql import SqlStorage
from .sqlbase import WRITE_OPTION

__all__ = ["BUSY_TIMEOUT_MS", "open_storage", "shared_between_processes"]

BUSY_TIMEOUT_MS = 10_000
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # Under WAL, NORMAL skips the sync at each commit (only checkpoints sync):
    # a crash of the program loses nothing committed and nothing is ever
    # corrupted; only a power cut may drop the last few commits.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    # 32 MiB of page cache per connection (the default is 2 MiB): the article
    # indexes of a large poll stay in memory.
    "PRAGMA cache_size=-32768",
)
_SIDE_FILES = ("-wal", "-shm")
# Taken for the length of the migration transaction, so two processes opening
# the same PostgreSQL database at once migrate one after the other. (SQLite's
# BEGIN IMMEDIATE already serialises them.)
_MIGRATION_LOCKS = {"postgresql": "SELECT pg_advisory_xact_lock(7242013)"}


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Leave transaction control to SQLAlchemy's "begin" event below: the
    # driver's own implicit BEGIN would skip DDL and could not be IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in _SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    writing = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _to_json(value: Any) -> str:
    # Most JSON columns of a new article hold an empty list: skip the encoder then.
    if not value and isinstance(value, list | tuple):
        return "[]"
    return json.dumps(value)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:"):
        # One shared connection; the pipeline's batch writer uses it from a worker
        # thread (one write at a time), which sqlite3 refuses unless told.
        engine = create_engine(
            url,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
            json_serializer=_to_json,
        )
    else:
        path = Path(database).expanduser()
        _make_folder(path.parent)
        _prepare_file(path)
        engine = create_engine(url, json_serializer=_to_json)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        message = f"cannot create the database folder {folder}: {error.strerror or error}"
        raise StorageError(
            message + "; choose a writable OCCASIONAL_HOME or database_url"
        ) from error


def _prepare_file(path: Path) -> None:
    """Refuse a file we must not build on; create a new one private; keep ours private.

    SQLite creates the WAL and shared-memory files with the database file's
    mode, so a 0600 database keeps all three private whatever the umask.
    """
    folder = path.parent
    if is_read_only(folder):
        raise StorageError(
            f"cannot open the database {path}: the folder {folder} is read-only; make it "
            "writable, or pick another home with --home DIR or OCCASIONAL_HOME"
        )
    if not path.exists():
        _create_database_file(path)
        return
    if path.stat().st_size == 0:
        raise StorageError(
            f"the database file {path} is empty (0 bytes): it was cut short or is not ours, "
            "and occasional will not build over it; restore it from a backup, or move it "
            "away to start a new, empty database"
        )
    if not os.access(path, os.R_OK | os.W_OK):
        raise StorageError(
            f"cannot open the database {path}: the file is read-only; make it writable"
        )
    for name in (path, *(path.with_name(path.name + tail) for tail in _SIDE_FILES)):
        _make_private(name)


def _create_database_file(path: Path) -> None:
    """A new database file, 0600 and never empty: built beside it, then renamed into place."""
    draft = path.with_name(path.name + ".new")
    draft.unlink(missing_ok=True)  # left by a run that died while creating it
    os.close(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    connection = sqlite3.connect(draft)
    try:
        connection.execute("PRAGMA journal_mode=WAL")  # writes the header: the file is a database
    finally:
        connection.close()
    draft.replace(path)


def _make_private(path: Path) -> None:
    # Homes made before files were private; ours only (chmod refuses others' files).
    with contextlib.suppress(FileNotFoundError, PermissionError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(PRIVATE_FILE)


def _postgres_engine(url: URL) -> Engine:
    engine = create_engine(url, pool_pre_ping=True)
    try:
        engine.connect().close()
    except OperationalError as error:
        if f'database "{url.database}" does not exist' not in str(error.orig):
            raise
        _create_postgres_database(url)
    return engine


def _create_postgres_database(url: URL) -> None:
    # CREATE DATABASE cannot run in a transaction: use an autocommit
    # connection to the server's maintenance database.
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            name = connection.dialect.identifier_preparer.quote(url.database or "")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        server.dispose()


_ENGINES: dict[str, Callable[[URL], Engine]] = {
    "sqlite": _sqlite_engine,
    "postgresql": _postgres_engine,
}


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as error:
        raise StorageError(f"{url!r} is not a database URL: {describe(error)}") from error


def _migrate(engine: Engine, where: str) -> None:
    writer = engine.execution_options(**{WRITE_OPTION: True})
    try:
        with wrap_exceptions(f"migrating {where}", MigrationError), writer.begin() as connection:
            lock = _MIGRATION_LOCKS.get(connection.dialect.name)
            if lock is not None:
                connection.execute(text(lock))
            upgrade(connection)
    except CommandError as error:
        message = f"cannot migrate {where}: {error}; is it from a newer occasional?"
        raise MigrationError(message) from error


def shared_between_processes(url: str) -> bool:
    """Whether another process opening ``url`` reaches the same database (an
    in-memory SQLite database is its process's own). False for a bad URL."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False
    if parsed.get_backend_name() != "sqlite":
        return True
    memory = parsed.database in (None, "", ":memory:") or parsed.query.get("mode") == "memory"
    return not memory


def open_storage(url: str) -> SqlStorage:
    """Open (creating and migrating as needed) the database at ``url``.

    Raises :class:`~occasional.exceptions.StorageError` when the URL is bad,
    its backend unsupported, or the database unreachable or unwritable, and
    :class:`~occasional.exceptions.MigrationError` when the schema cannot be
    brought up to date (nothing is changed then).
    """
    parsed = _parse(url)
    where = parsed.render_as_string(hide_password=True)
    factory = _ENGINES.get(parsed.get_backend_name())
    if factory is None:
        supported = ", ".join(sorted(_ENGINES))
        raise StorageError(f"cannot store in {where}: supported databases are {supported}")
    with wrap_exceptions(f"opening the database {where}"):
        engine = factory(parsed)
        try:
            _migrate(engine, where)
        except BaseException:
            engine.dispose()
            raise
    return SqlStorage(engine)
