"""The Storage protocol: everything occasional keeps between runs.

Callers: the pipeline (sources, fetch log, articles, copies, stories), the
digest stage (digests, feedback, ``last_shown``), the stories stage
(``get_state``/``set_state`` for its index) and the CLI (listings, search,
export). :func:`occasional.storage.open_storage` is the only constructor.

Every method is synchronous, runs in one transaction, and raises
:class:`~occasional.exceptions.StorageError` (driver error chained) when the
database fails; a failed call changes nothing. Lookups by id raise the
``LookupError`` named in their docstring. Times are timezone-aware UTC.
The small frozen intents and records its methods take and return live in
:mod:`.records` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from ..exceptions import ArticleNotFoundError, DigestNotFoundError
from ..types import (
    Article,
    CopyDecision,
    ExtractedPage,
    Source,
    SourceSettings,
    Story,
    StoryAssignment,
)
from .accounts import AccountStore
from .leave import LEAVE, Leave
from .records import (
    ArticleIntent,
    Feedback,
    FetchLogEntry,
    OverrideKind,
    PollWrite,
    Settle,
    SourceChange,
    StoredDigest,
    StoryOverride,
    make_article_id,
    new_digest_id,
)

__all__ = [
    "LEAVE",
    "ArticleIntent",
    "ArticleNotFoundError",
    "DigestNotFoundError",
    "Feedback",
    "FetchLogEntry",
    "Leave",
    "OverrideKind",
    "PollWrite",
    "Settle",
    "SourceChange",
    "Storage",
    "StoredDigest",
    "StoryOverride",
    "make_article_id",
    "new_digest_id",
]


@runtime_checkable
class Storage(AccountStore, Protocol):
    """Everything occasional keeps between runs.

    Who calls what: the CLI manages sources (add/update/remove/list) and
    overrides; the pipeline reads due sources, writes the fetch log, articles
    and pages, and after the pure stories stage, copies and stories; the
    digest stage reads stories and articles and writes digests; feedback
    comes from the CLI or web front end; users, sessions, subscriptions and
    read state (:class:`~occasional.storage.accounts.AccountStore`) serve the
    web app and the Reader API. Every method raises StorageError
    (driver error chained) when the database fails, having changed nothing;
    lookups raise the ``LookupError`` subclass their docstring names.
    """

    # --- sources: the CLI adds/edits/removes, the pipeline polls and updates

    def add_source(
        self,
        url: str,
        *,
        kind: str = "feed",
        settings: SourceSettings = ...,
        title: str | None = None,
        site_url: str | None = None,
        now: datetime,
    ) -> Source:
        """Store a new source. Raises SourceExistsError when the URL is stored."""

    def get_source(self, id_or_url: str) -> Source:
        """One source by id or URL. Raises SourceNotFoundError."""

    def list_sources(self, *, tag: str | None = None, enabled_only: bool = False) -> list[Source]:
        """Sources in the order they were added; only one tag's, or only enabled ones
        (``settings.enabled`` and no ``disabled_reason``), when asked."""

    def update_source(self, source_id: str, change: SourceChange) -> Source:
        """Apply a change; returns the stored result. Raises SourceNotFoundError,
        SourceExistsError (a new URL that another source has)."""

    def remove_source(self, id_or_url: str) -> None:
        """Delete a source with its articles and log. Raises SourceNotFoundError."""

    def due_sources(self, now: datetime, limit: int | None = None) -> list[Source]:
        """Enabled sources whose ``next_poll`` is unset or not after ``now``, most overdue
        first. The pipeline calls it to pick what to poll."""

    def record_fetch(self, entry: FetchLogEntry) -> None:
        """Append to a source's fetch log (pipeline, after every poll)."""

    def record_polls(self, polls: Sequence[PollWrite]) -> list[list[str]]:
        """Store the results of many polls in one transaction (the pipeline's batch
        writer): each poll's articles as :meth:`upsert_articles` would, then the change
        and log line its ``settle`` returns. Returns the new article ids of each poll,
        in order. Raises SourceNotFoundError when a source is gone, SourceExistsError
        when a change moves a source to another's URL, AlreadyPolledError when a poll's
        ``cycle`` is already stored; then nothing is written. The sources' rows are
        locked for the transaction (PostgreSQL), so concurrent writers of one source
        take turns."""

    def fetch_log(self, source_id: str, limit: int = 20) -> list[FetchLogEntry]:
        """The newest ``limit`` log entries of a source, newest first."""

    def prune_fetch_log(self, older_than: datetime) -> int:
        """Drop log entries of polls started before ``older_than``; returns how many."""

    # --- articles: the pipeline writes, everyone reads

    def upsert_articles(self, items: Sequence[ArticleIntent]) -> list[str]:
        """Store entries; returns the ids that were new. A stored entry only gets its
        title, summary and updated time refreshed (its extracted text stays)."""

    def set_article_page(
        self,
        article_id: str,
        page: ExtractedPage,
        *,
        html: bytes | None,
        extraction: str,
        now: datetime,
    ) -> None:
        """Store what extraction found (pipeline); the page is no longer due.
        Raises ArticleNotFoundError."""

    def record_page_failure(
        self,
        article_id: str,
        error: str,
        now: datetime,
        *,
        retry_at: datetime | None = None,
        fallback_text: str | None = None,
    ) -> None:
        """Count a failed page fetch/extraction and keep ``error`` (pipeline). The page
        is due again at ``retry_at``, or never when it is None. ``fallback_text`` (the
        feed's own text) becomes the article's text while it has none.
        Raises ArticleNotFoundError."""

    def due_pages(self, now: datetime, *, since: datetime, limit: int) -> list[Article]:
        """Articles whose page is due at ``now``, read from their feed at or after
        ``since``, of enabled sources that want full pages; newest first, at most
        ``limit`` (pipeline, each poll)."""

    def get_article(self, article_id: str) -> Article:
        """One article with its copy and story fields. Raises ArticleNotFoundError."""

    def iter_articles(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        source_id: str | None = None,
        limit: int | None = None,
        ids: Sequence[str] | None = None,
    ) -> Iterator[Article]:
        """Articles oldest first by publication (else fetch) time, ``since`` inclusive,
        ``until`` exclusive; read in pages, so a long export holds no transaction."""

    def count_articles(self) -> int:
        """How many articles are stored."""

    def search(self, query: str, limit: int = 20) -> list[Article]:
        """Full-text search over title and text, best first. Words are ANDed; "a phrase"
        and -word work; any other syntax character is taken literally."""

    def page_html(self, article_id: str) -> bytes | None:
        """The stored HTML of an article's page, decompressed, or None."""

    def prune_html(self, older_than: datetime) -> int:
        """Drop HTML stored before ``older_than``; returns how many pages went."""

    # --- copies and stories: the stories stage writes, digest and CLI read

    def set_copies(
        self,
        decisions: Sequence[CopyDecision],
        original_urls: Mapping[str, str | None] | None = None,
    ) -> None:
        """Store copy decisions (replacing earlier ones for those articles). The original
        URL of a copy defaults to its original's URL. Unknown ids raise StorageError."""

    def set_stories(self, stories: Sequence[Story], assignments: Sequence[StoryAssignment]) -> None:
        """Upsert stories and move articles to them (``Story.article_ids`` and
        ``assignments`` both assign). Stories left with no article are deleted."""

    def list_stories(
        self, *, since: datetime | None = None, limit: int | None = None
    ) -> list[Story]:
        """Stories last seen at or after ``since``, most recent first."""

    def get_story(self, story_id: str) -> Story:
        """One story; its article ids oldest first. Raises StoryNotFoundError."""

    def add_story_override(self, kind: OverrideKind, a: str, b: str, now: datetime) -> None:
        """Record a reader's split/merge of two articles or stories (CLI). Raises
        InputError for another kind."""

    def story_overrides(self) -> list[StoryOverride]:
        """Every override, oldest first (the stories stage applies them in order)."""

    # --- digests and feedback: the digest stage

    def save_digest(
        self,
        profile: str,
        generated: datetime,
        payload: Any,
        shown: Mapping[str, str],
        *,
        digest_id: str | None = None,
        for_delivery: bool = False,
    ) -> str:
        """Store a digest and the fingerprint of each story it shows; returns its id
        (``digest_id`` when given, e.g. one already printed in the digest, else a new one).
        ``for_delivery`` marks one that is to be sent (it stays pending until it is)."""

    def mark_digest_sent(self, digest_id: str, now: datetime) -> None:
        """Note delivery time (every target took it; counts as an attempt). Raises
        DigestNotFoundError."""

    def note_delivered(self, digest_id: str, target: str, now: datetime) -> None:
        """Note that one target (by its key) took the digest, so a retry skips it; the
        digest is then meant for delivery. Raises DigestNotFoundError."""

    def note_delivery_failure(
        self, digest_id: str, error: str, now: datetime, *, give_up: bool = False
    ) -> StoredDigest:
        """Count a failed delivery attempt (the digest is then meant for delivery); with
        ``give_up`` stop retrying it. Returns the digest as stored now. Raises
        DigestNotFoundError."""

    def digests(self, profile: str, limit: int = 10) -> list[StoredDigest]:
        """A profile's newest digests, newest first."""

    def get_digest(self, digest_id: str) -> StoredDigest:
        """One stored digest by id. Raises DigestNotFoundError."""

    def last_shown(self, profile: str, *, sent_only: bool = False) -> dict[str, str]:
        """The latest fingerprint of every story ever shown to a profile (digests given up
        on do not count: their stories were never seen)."""

    def add_feedback(
        self, profile: str, story_id: str, kind: str, now: datetime, *, link: str | None = None
    ) -> bool:
        """Record a reader's reaction to a story; returns whether it was new. ``link``
        names the link it came through: a second reaction through the same link is not
        recorded again."""

    def feedback(self, profile: str) -> list[Feedback]:
        """A profile's feedback, oldest first."""

    # --- stage state and lifetime

    def get_state(self, key: str) -> Any:
        """The JSON value stored under ``key``, or None."""

    def set_state(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable value under ``key`` (replacing it)."""

    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """Hold the database-wide lock ``name`` for a block: one holder at a time, across
        processes and machines (PostgreSQL: an advisory lock, freed if its holder dies;
        SQLite, one machine: its write lock already orders writers, so none is taken).
        Called by the stories stage. Raises StorageError."""
        ...

    def close(self) -> None:
        """Release connections. Calling other methods afterwards reopens them."""
