"""The Storage protocol and the small frozen intents written through it.

Callers: the pipeline (sources, fetch log, articles, copies, stories), the
digest stage (digests, feedback, ``last_shown``), the stories stage
(``get_state``/``set_state`` for its index) and the CLI (listings, search,
export). :func:`occasional.storage.open_storage` is the only constructor.

Every method is synchronous, runs in one transaction, and raises
:class:`~occasional.exceptions.StorageError` (driver error chained) when the
database fails; a failed call changes nothing. Lookups by id raise the
``LookupError`` named in their docstring. Times are timezone-aware UTC.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

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


OverrideKind = Literal["split", "merge"]


def new_digest_id() -> str:
    """A fresh digest id (16 hex digits)."""
    return secrets.token_hex(8)


def make_article_id(source_id: str, entry_key: str) -> str:
    """A stable, short article id for one entry of one source.

    The pipeline calls it when turning feed entries into :class:`ArticleIntent`,
    so the same entry always gets the same id (and upserts stay idempotent).
    """
    digest = hashlib.blake2b(f"{source_id}\n{entry_key}".encode(), digest_size=10)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class SourceChange:
    """What :meth:`Storage.update_source` changes; fields left at ``LEAVE`` stay."""

    url: str | Leave = LEAVE
    title: str | Leave | None = LEAVE
    site_url: str | Leave | None = LEAVE
    settings: SourceSettings | Leave = LEAVE
    disabled_reason: str | Leave | None = LEAVE
    etag: str | Leave | None = LEAVE
    last_modified: str | Leave | None = LEAVE
    last_polled: datetime | Leave | None = LEAVE
    next_poll: datetime | Leave | None = LEAVE
    interval_seconds: int | Leave | None = LEAVE
    failures: int | Leave = LEAVE
    last_error: str | Leave | None = LEAVE
    last_status: int | Leave | None = LEAVE


@dataclass(frozen=True, slots=True)
class FetchLogEntry:
    """One poll of a source: what was asked, what came back, how long it took."""

    source_id: str
    url: str
    started: datetime
    status: int | None = None
    elapsed: float = 0.0
    bytes: int = 0
    error: str | None = None
    new_entries: int = 0


@dataclass(frozen=True, slots=True)
class ArticleIntent:
    """A feed entry to store. ``id`` should come from :func:`make_article_id`.

    ``enclosures`` is any JSON value (usually a list of objects). ``text`` is
    the article's text when the feed alone gives it (an entry with no page);
    otherwise it stays empty until :meth:`Storage.set_article_page`.
    ``fetched`` is when the entry was read from its feed (the current time
    when ``None``); it orders articles that carry no publication time.
    ``page_due`` is when its page should be fetched (``None``: never); a new
    entry keeps it until the page is stored or given up, so a poll that stops
    between storing entries and fetching pages loses no page.
    """

    id: str
    source_id: str
    url: str
    title: str
    entry_key: str
    summary: str | None = None
    content: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    categories: tuple[str, ...] = ()
    enclosures: Any = None
    fetched: datetime | None = None
    text: str | None = None
    page_due: datetime | None = None


#: Given the ids of a poll's articles that were new, what to change on its source
#: and what to log (see :class:`PollWrite`).
Settle = Callable[[Sequence[str]], tuple[SourceChange, FetchLogEntry]]


@dataclass(frozen=True, slots=True)
class PollWrite:
    """Everything one poll of one source stores, for :meth:`Storage.record_polls`.

    The source's next state can depend on how many entries were new, which only
    the write itself finds out; so ``settle`` is called inside the transaction,
    with those ids, and returns the change and the log line. It must be pure:
    it runs while the write transaction is open and must not use the storage.

    ``cycle``, when given, is the time of the poll cycle this poll belongs to: the
    write is refused (AlreadyPolledError) if the source was already polled at or
    after it, so a task run twice (the task queue delivers at least once) stores once.
    """

    source_id: str
    articles: Sequence[ArticleIntent]
    settle: Settle
    cycle: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoryOverride:
    """A reader's correction to clustering: split ``a`` from ``b``, or merge them."""

    kind: OverrideKind
    a: str
    b: str
    created: datetime


@dataclass(frozen=True, slots=True)
class StoredDigest:
    """A generated digest: its JSON payload, the story fingerprints it showed, and how
    its delivery went (``attempts`` made, the last error, ``delivered``: the keys of the
    targets that took it, ``given_up``: when retrying stopped)."""

    id: str
    profile: str
    generated: datetime
    sent: datetime | None
    payload: Any
    shown: Mapping[str, str]
    for_delivery: bool = False
    attempts: int = 0
    last_attempt: datetime | None = None
    last_error: str | None = None
    delivered: tuple[str, ...] = ()
    given_up: datetime | None = None

    @property
    def pending(self) -> bool:
        """Whether it still waits to be delivered: meant for delivery, not sent, not given up."""
        return self.for_delivery and self.sent is None and self.given_up is None


@dataclass(frozen=True, slots=True)
class Feedback:
    """A reader's reaction (``kind``: e.g. "more", "less", "mute") to a story.

    ``id`` names the stored entry (for undoing it); empty for one not stored.
    """

    profile: str
    story_id: str
    kind: str
    created: datetime
    id: str = ""


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
