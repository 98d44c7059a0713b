"""Bring a database's schema up to date with Alembic, without an alembic.ini.

:func:`upgrade` is called by :func:`occasional.storage.open_storage` on a
connection that is already inside a transaction, so either every pending
migration applies or none does (SQLite and PostgreSQL both have
transactional DDL; the SQLite engine issues its own BEGIN to get it).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

__all__ = ["MIGRATIONS", "current_revision", "head_revision", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


@cache
def _script() -> ScriptDirectory:
    config = Config()
    # Values go through configparser interpolation, where % is special.
    folder = str(MIGRATIONS).replace("%", "%%")
    config.set_main_option("path_separator", "os")
    config.set_main_option("script_location", folder)
    # The numbered scripts live beside __init__.py, not in a versions/ folder.
    config.set_main_option("version_locations", folder)
    return ScriptDirectory.from_config(config)


def head_revision() -> str:
    """The newest migration's number."""
    head = _script().get_current_head()
    assert head is not None  # there is always at least the first migration
    return head


def current_revision(connection: Connection) -> str | None:
    """The schema revision a database is at (None for an empty one)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection) -> list[str]:
    """Apply every pending migration on ``connection``; returns the revisions applied."""
    script = _script()
    applied: list[str] = []

    def steps(revision: Any, _context: MigrationContext) -> Iterable[Any]:
        # What `alembic upgrade head` computes inside env.py.
        todo = list(script._upgrade_revs("head", revision))
        applied.extend(step.revision.revision for step in todo)
        return todo

    context = MigrationContext.configure(
        connection, opts={"fn": steps, "transactional_ddl": True, "script": script}
    )
    with Operations.context(context):
        context.run_migrations()
    return applied
