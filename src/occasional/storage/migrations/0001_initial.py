"""The first schema: sources, fetch log, articles (+ full-text index), copies,
stories, digests, feedback and stage state."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json() -> sa.JSON:
    return sa.JSON(none_as_null=True)


def _seq() -> sa.Column[int]:
    return sa.Column("seq", SEQ, primary_key=True)


def _fk(target: str, ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete=ondelete)


def _sources() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("site_url", sa.Text),
        sa.Column("user_title", sa.Text),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("fetch_full", sa.Boolean, nullable=False),
        sa.Column("poll_min_seconds", sa.Integer, nullable=False),
        sa.Column("poll_max_seconds", sa.Integer, nullable=False),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("added", UTC_TIME, nullable=False),
        sa.Column("last_polled", UTC_TIME),
        sa.Column("next_poll", UTC_TIME),
        sa.Column("interval_seconds", sa.Integer),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("last_status", sa.Integer),
    )
    op.create_index("ix_sources_next_poll", "sources", ["next_poll"])
    op.create_table(
        "source_tags",
        sa.Column("source_id", sa.Text, _fk("sources.id"), nullable=False),
        sa.Column("tag", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("source_id", "tag"),
    )
    op.create_index("ix_source_tags_tag", "source_tags", ["tag"])
    op.create_table(
        "fetch_log",
        _seq(),
        sa.Column("source_id", sa.Text, _fk("sources.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("started", UTC_TIME, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("elapsed", sa.Float, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("new_entries", sa.Integer, nullable=False),
    )
    op.create_index("ix_fetch_log_source", "fetch_log", ["source_id", "seq"])


def _articles() -> None:
    op.create_table(
        "articles",
        _seq(),
        sa.Column("id", sa.Text, nullable=False, unique=True),
        sa.Column("source_id", sa.Text, _fk("sources.id"), nullable=False),
        sa.Column("entry_key", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text),
        sa.Column("content", sa.Text),
        sa.Column("text", sa.Text),
        sa.Column("authors", _json()),
        sa.Column("categories", _json()),
        sa.Column("enclosures", _json()),
        sa.Column("published", UTC_TIME),
        sa.Column("updated", UTC_TIME),
        sa.Column("fetched", UTC_TIME, nullable=False),
        sa.Column("sort_at", UTC_TIME, nullable=False),
        sa.Column("canonical_url", sa.Text),
        sa.Column("language", sa.Text),
        sa.Column("site_name", sa.Text),
        sa.Column("image", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("source_links", _json()),
        sa.Column("extraction", sa.Text, nullable=False),
        sa.Column("page_fetched", UTC_TIME),
        sa.Column("page_attempts", sa.Integer, nullable=False),
        sa.Column("page_error", sa.Text),
    )
    op.create_index("ix_articles_sort", "articles", ["sort_at", "seq"])
    op.create_index("ix_articles_source", "articles", ["source_id", "sort_at"])
    op.create_index("ix_articles_entry", "articles", ["source_id", "entry_key"])
    op.create_table(
        "article_html",
        sa.Column("article_id", sa.Text, _fk("articles.id"), primary_key=True),
        sa.Column("codec", sa.Text, nullable=False),
        sa.Column("html", sa.LargeBinary, nullable=False),
        sa.Column("stored", UTC_TIME, nullable=False),
    )
    op.create_index("ix_article_html_stored", "article_html", ["stored"])


# The full-text index differs per backend; register by dialect name.
_SQLITE_FTS = [
    # External content: the index stores no second copy of the text. It keys
    # on articles.seq, an INTEGER PRIMARY KEY, so VACUUM cannot renumber it.
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
    "content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.seq, old.title, old.text); END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.seq, old.title, old.text); "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END",
]
_POSTGRES_FTS = [
    # An expression index: queries must repeat this exact expression. The
    # text is capped because a tsvector cannot exceed 1 MB.
    "CREATE INDEX ix_articles_fts ON articles USING GIN (to_tsvector('english', "
    "coalesce(title, '') || ' ' || left(coalesce(text, ''), 200000)))",
]
_FTS: dict[str, list[str]] = {"sqlite": _SQLITE_FTS, "postgresql": _POSTGRES_FTS}


def _full_text() -> None:
    for statement in _FTS[op.get_bind().dialect.name]:
        op.execute(statement)


def _stories() -> None:
    op.create_table(
        "copies",
        sa.Column("article_id", sa.Text, _fk("articles.id"), primary_key=True),
        sa.Column("copy_of", sa.Text, _fk("articles.id", "SET NULL")),
        sa.Column("reason", sa.Text),
        sa.Column("group_id", sa.Text),
        sa.Column("original_url", sa.Text),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("first_seen", UTC_TIME),
        sa.Column("last_seen", UTC_TIME),
        sa.Column("sources", _json()),
        sa.Column("first_source", sa.Text),
    )
    op.create_index("ix_stories_last_seen", "stories", ["last_seen"])
    op.create_table(
        "story_articles",
        sa.Column("article_id", sa.Text, _fk("articles.id"), primary_key=True),
        sa.Column("story_id", sa.Text, _fk("stories.id"), nullable=False),
    )
    op.create_index("ix_story_articles_story", "story_articles", ["story_id"])
    op.create_table(
        "story_overrides",
        _seq(),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("a", sa.Text, nullable=False),
        sa.Column("b", sa.Text, nullable=False),
        sa.Column("created", UTC_TIME, nullable=False),
    )


def _digests() -> None:
    op.create_table(
        "digests",
        _seq(),
        sa.Column("id", sa.Text, nullable=False, unique=True),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("generated", UTC_TIME, nullable=False),
        sa.Column("sent", UTC_TIME),
        sa.Column("payload", _json()),
    )
    op.create_index("ix_digests_profile", "digests", ["profile", "generated"])
    op.create_table(
        "digest_shown",
        sa.Column("digest_id", sa.Text, _fk("digests.id"), nullable=False),
        sa.Column("story_id", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("digest_id", "story_id"),
    )
    op.create_index("ix_digest_shown_story", "digest_shown", ["story_id"])
    op.create_table(
        "feedback",
        _seq(),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("story_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("created", UTC_TIME, nullable=False),
    )
    op.create_index("ix_feedback_profile", "feedback", ["profile", "seq"])
    op.create_table(
        "state",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", _json()),
    )


_STEPS: list[Callable[[], None]] = [_sources, _articles, _full_text, _stories, _digests]


def upgrade() -> None:
    """Create every table and index."""
    for step in _STEPS:
        step()


def downgrade() -> None:
    """Not supported: restore a backup instead of dropping a user's news."""
    raise NotImplementedError("occasional does not downgrade its schema")
