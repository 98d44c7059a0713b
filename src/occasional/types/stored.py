"""Sources, articles and stories as stored, and what the pure stages take and give.

Stored and read back by users: :class:`Source`, :class:`Article`,
:class:`Story`. Handed to and from the pure stages: :class:`Doc` (one
article as copy detection and story clustering see it),
:class:`CopyDecision`, :class:`StoryAssignment`. Re-exported by
:mod:`occasional.types`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "Article",
    "CopyDecision",
    "Doc",
    "Source",
    "SourceSettings",
    "Story",
    "StoryAssignment",
]


# --- stored, and read back by users -----------------------------------------


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """What a user may set per source."""

    tags: tuple[str, ...] = ()
    enabled: bool = True
    fetch_full: bool = True
    poll_min_seconds: int = 15 * 60
    poll_max_seconds: int = 24 * 3600
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A stored source: a feed, or a site read through its sitemap.

    ``kind`` is ``"feed"`` or ``"sitemap"``. The scheduling state
    (``next_poll``, ``failures``, ``interval_seconds``) is what the pure
    poll decider reads and returns.
    """

    id: str
    url: str
    kind: str = "feed"
    title: str | None = None
    site_url: str | None = None
    settings: SourceSettings = field(default_factory=SourceSettings)
    disabled_reason: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    added: datetime | None = None
    last_polled: datetime | None = None
    next_poll: datetime | None = None
    interval_seconds: int | None = None
    failures: int = 0
    last_error: str | None = None
    last_status: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article: a feed entry, with its page's text when fetched.

    The copy fields are filled by the copies-and-stories stage: ``copy_of`` is
    the id of the group's original (``None`` for an original or a lone
    article), ``original_url`` and ``original_reason`` say which copy was
    judged the original and why, ``story`` is the story id. ``page_attempts``
    counts failed tries at its page and ``page_error`` says what the last one
    met.
    """

    id: str
    source_id: str
    url: str
    title: str
    text: str
    source_url: str = ""
    source_title: str | None = None
    canonical_url: str | None = None
    summary: str | None = None
    content: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    image: str | None = None
    categories: tuple[str, ...] = ()
    source_links: tuple[str, ...] = ()
    fetched: datetime | None = None
    extraction: str = "feed"
    copy_of: str | None = None
    original_url: str | None = None
    original_reason: str | None = None
    story: str | None = None
    page_attempts: int = 0
    page_error: str | None = None


# --- the pure stages' inputs and outputs ------------------------------------


@dataclass(frozen=True, slots=True)
class Doc:
    """One article as copy detection and story clustering see it."""

    id: str
    title: str
    text: str
    published: datetime | None = None
    url: str | None = None
    source: str | None = None
    source_links: tuple[str, ...] = ()
    canonical_url: str | None = None


@dataclass(frozen=True, slots=True)
class CopyDecision:
    """Whether a doc is a copy, of which original, and why.

    ``copy_of`` is ``None`` for an original or a lone doc. ``reason`` is a
    short machine-friendly phrase (``"source-link"``, ``"canonical"``,
    ``"wire-credit"``, ``"earliest"``, ``"preference"``, ``"fullest"``, ``"same-url"``,
    ``"same-text"``, ``"near-duplicate"``…) or ``None`` for a lone doc.
    """

    id: str
    copy_of: str | None
    reason: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    """The story a doc joined."""

    id: str
    story: str


@dataclass(frozen=True, slots=True)
class Story:
    """A real-world event and every article that reports it.

    ``sources`` lists the distinct outlets (source ids or hosts) in order of
    first report; ``first_source`` is the one that reported first.
    """

    id: str
    label: str
    article_ids: tuple[str, ...]
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sources: tuple[str, ...] = ()
    first_source: str | None = None
