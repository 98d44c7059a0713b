"""SQLite's full-text index takes new articles a batch at a time, not a trigger per row.

A trigger inserting each new row into ``articles_fts`` cost about 30 µs an
entry, five times what one ``INSERT … SELECT`` over the batch costs, and was a
fifth of a full poll's CPU; the storage now indexes each batch of new articles
itself (:func:`occasional.storage.search.index_new_articles`), in the same
transaction. The update trigger stays, and now re-indexes a row only when its
title or text really changed. The delete trigger is unchanged. PostgreSQL's
expression index follows the table by itself: nothing changes there.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None

_INSERT_TRIGGER = (
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END"
)
_REINDEX = (
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.seq, old.title, old.text); "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END"
)
_UPDATE_ALWAYS = "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
_UPDATE_CHANGED = (
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles "
    "WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN "
)


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def upgrade() -> None:
    """Drop the per-row insert trigger; re-index on update only what changed."""
    if not _sqlite():
        return
    op.execute("DROP TRIGGER articles_fts_insert")
    op.execute("DROP TRIGGER articles_fts_update")
    op.execute(_UPDATE_CHANGED + _REINDEX)


def downgrade() -> None:
    """The triggers of the first migration."""
    if not _sqlite():
        return
    op.execute("DROP TRIGGER articles_fts_update")
    op.execute(_UPDATE_ALWAYS + _REINDEX)
    op.execute(_INSERT_TRIGGER)
