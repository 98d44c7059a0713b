"""What is written through the Storage protocol, and the stored records it gives back.

Frozen values: intents to write (:class:`SourceChange`, :class:`FetchLogEntry`,
:class:`ArticleIntent`, :class:`PollWrite`) built by the pipeline, and records
read back (:class:`StoryOverride`, :class:`StoredDigest`, :class:`Feedback`),
plus the id makers the pipeline and digest stage use. Re-exported by
:mod:`occasional.storage.base` beside the :class:`~occasional.storage.base.Storage`
protocol whose methods take and return them. Pure; nothing raises.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ..types import SourceSettings
from .leave import LEAVE, Leave

__all__ = [
    "ArticleIntent",
    "Feedback",
    "FetchLogEntry",
    "OverrideKind",
    "PollWrite",
    "Settle",
    "SourceChange",
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
