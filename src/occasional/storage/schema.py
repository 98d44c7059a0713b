"""The current schema as SQLAlchemy Core tables, for building queries.

The migrations in ``migrations/`` create and evolve the real schema; this
module mirrors their result (a test compares the two), and is what
:mod:`occasional.storage.sql` queries through. Change both together: add a
new numbered migration, never edit an old one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    TypeDecorator,
    false,
)

__all__ = [
    "article_html",
    "articles",
    "copies",
    "digest_shown",
    "digests",
    "feedback",
    "fetch_log",
    "item_state",
    "metadata",
    "sessions",
    "source_tags",
    "sources",
    "state",
    "stories",
    "story_articles",
    "story_overrides",
    "subscriptions",
    "users",
]


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps them naive, as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # A naive time is ambiguous; refusing it keeps every stored time comparable.
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CleanText(TypeDecorator[str]):
    """Text without NUL characters, which PostgreSQL refuses and feeds sometimes carry."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else value.replace("\x00", "")


def _json() -> JSON:
    return JSON(none_as_null=True)


def _seq() -> Column[Any]:
    # SQLite only aliases the rowid (stable across VACUUM, which the FTS index
    # needs) when the column is spelled exactly INTEGER PRIMARY KEY.
    return Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)


def _fk(target: str, ondelete: str = "CASCADE") -> ForeignKey:
    return ForeignKey(target, ondelete=ondelete)


metadata = MetaData()

sources = Table(
    "sources",
    metadata,
    Column("id", Text, primary_key=True),
    Column("url", CleanText, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("title", CleanText),
    Column("site_url", CleanText),
    Column("user_title", CleanText),
    Column("enabled", Boolean, nullable=False),
    Column("fetch_full", Boolean, nullable=False),
    Column("poll_min_seconds", Integer, nullable=False),
    Column("poll_max_seconds", Integer, nullable=False),
    Column("disabled_reason", CleanText),
    Column("etag", CleanText),
    Column("last_modified", CleanText),
    Column("added", UTCDateTime, nullable=False),
    Column("last_polled", UTCDateTime),
    Column("next_poll", UTCDateTime),
    Column("interval_seconds", Integer),
    Column("failures", Integer, nullable=False),
    Column("last_error", CleanText),
    Column("last_status", Integer),
    Index("ix_sources_next_poll", "next_poll"),
)

source_tags = Table(
    "source_tags",
    metadata,
    Column("source_id", Text, _fk("sources.id"), nullable=False),
    Column("tag", CleanText, nullable=False),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("source_id", "tag"),
    Index("ix_source_tags_tag", "tag"),
)

fetch_log = Table(
    "fetch_log",
    metadata,
    _seq(),
    Column("source_id", Text, _fk("sources.id"), nullable=False),
    Column("url", CleanText, nullable=False),
    Column("started", UTCDateTime, nullable=False),
    Column("status", Integer),
    Column("elapsed", Float, nullable=False),
    Column("bytes", BigInteger, nullable=False),
    Column("error", CleanText),
    Column("new_entries", Integer, nullable=False),
    Index("ix_fetch_log_source", "source_id", "seq"),
)

articles = Table(
    "articles",
    metadata,
    _seq(),
    Column("id", Text, nullable=False, unique=True),
    Column("source_id", Text, _fk("sources.id"), nullable=False),
    Column("entry_key", CleanText, nullable=False),
    Column("url", CleanText, nullable=False),
    Column("title", CleanText, nullable=False),
    Column("summary", CleanText),
    Column("content", CleanText),
    Column("text", CleanText),
    Column("authors", _json()),
    Column("categories", _json()),
    Column("enclosures", _json()),
    Column("published", UTCDateTime),
    Column("updated", UTCDateTime),
    Column("fetched", UTCDateTime, nullable=False),
    Column("sort_at", UTCDateTime, nullable=False),
    Column("canonical_url", CleanText),
    Column("language", CleanText),
    Column("site_name", CleanText),
    Column("image", CleanText),
    Column("description", CleanText),
    Column("source_links", _json()),
    Column("extraction", Text, nullable=False),
    Column("page_fetched", UTCDateTime),
    Column("page_attempts", Integer, nullable=False),
    Column("page_error", CleanText),
    Column("page_due", UTCDateTime),
    Index("ix_articles_sort", "sort_at", "seq"),
    Index("ix_articles_source", "source_id", "sort_at"),
    Index("ix_articles_entry", "source_id", "entry_key"),
    Index("ix_articles_page_due", "page_due"),
)

article_html = Table(
    "article_html",
    metadata,
    Column("article_id", Text, _fk("articles.id"), primary_key=True),
    Column("codec", Text, nullable=False),
    Column("html", LargeBinary, nullable=False),
    Column("stored", UTCDateTime, nullable=False),
    Index("ix_article_html_stored", "stored"),
)

copies = Table(
    "copies",
    metadata,
    Column("article_id", Text, _fk("articles.id"), primary_key=True),
    Column("copy_of", Text, _fk("articles.id", "SET NULL")),
    Column("reason", CleanText),
    Column("group_id", CleanText),
    Column("original_url", CleanText),
    Index("ix_copies_copy_of", "copy_of"),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Text, primary_key=True),
    Column("label", CleanText, nullable=False),
    Column("first_seen", UTCDateTime),
    Column("last_seen", UTCDateTime),
    Column("sources", _json()),
    Column("first_source", CleanText),
    Index("ix_stories_last_seen", "last_seen"),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", Text, _fk("articles.id"), primary_key=True),
    Column("story_id", Text, _fk("stories.id"), nullable=False),
    Index("ix_story_articles_story", "story_id"),
)

story_overrides = Table(
    "story_overrides",
    metadata,
    _seq(),
    Column("kind", Text, nullable=False),
    Column("a", CleanText, nullable=False),
    Column("b", CleanText, nullable=False),
    Column("created", UTCDateTime, nullable=False),
)

digests = Table(
    "digests",
    metadata,
    _seq(),
    Column("id", Text, nullable=False, unique=True),
    Column("profile", CleanText, nullable=False),
    Column("generated", UTCDateTime, nullable=False),
    Column("sent", UTCDateTime),
    Column("payload", _json()),
    Column("for_delivery", Boolean, nullable=False, server_default=false()),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_attempt", UTCDateTime),
    Column("last_error", CleanText),
    Column("delivered", _json()),
    Column("given_up", UTCDateTime),
    Index("ix_digests_profile", "profile", "generated"),
)

digest_shown = Table(
    "digest_shown",
    metadata,
    Column("digest_id", Text, _fk("digests.id"), nullable=False),
    Column("story_id", CleanText, nullable=False),
    Column("fingerprint", CleanText, nullable=False),
    PrimaryKeyConstraint("digest_id", "story_id"),
    Index("ix_digest_shown_story", "story_id"),
)

feedback = Table(
    "feedback",
    metadata,
    _seq(),
    Column("profile", CleanText, nullable=False),
    Column("story_id", CleanText, nullable=False),
    Column("kind", CleanText, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("link", Text),
    Index("ix_feedback_profile", "profile", "seq"),
    Index("ix_feedback_link", "link", unique=True),
)

state = Table(
    "state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", _json()),
)


users = Table(
    "users",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", CleanText, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("owner", Boolean, nullable=False),
    Column("created", UTCDateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_id", Text, _fk("users.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("csrf", Text, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("expires", UTCDateTime, nullable=False),
    Index("ix_sessions_user", "user_id"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("user_id", Text, _fk("users.id"), nullable=False),
    Column("source_id", Text, _fk("sources.id"), nullable=False),
    Column("title", CleanText),
    Column("tags", _json()),
    Column("active", Boolean, nullable=False),
    Column("added", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("user_id", "source_id"),
    Index("ix_subscriptions_source", "source_id"),
)

item_state = Table(
    "item_state",
    metadata,
    Column("user_id", Text, _fk("users.id"), nullable=False),
    Column("article_id", Text, _fk("articles.id"), nullable=False),
    Column("read_at", UTCDateTime),
    Column("starred_at", UTCDateTime),
    PrimaryKeyConstraint("user_id", "article_id"),
    Index("ix_item_state_article", "article_id"),
)
