"""The data that flows between occasional's stages.

Each stage of the data has a name of its own, and every class here is small
and frozen:

- parsed from the network: :class:`FeedData` / :class:`EntryData` (a feed),
  :class:`SitemapEntry` (a sitemap), :class:`FetchResponse` (any response),
  :class:`ExtractedPage` (an article page);
- stored and read back by users: :class:`Source`, :class:`Article`,
  :class:`Story`;
- handed to the pure stages: :class:`Doc` (one article as copy detection and
  story clustering see it), :class:`CopyDecision`, :class:`StoryAssignment`.

Times are timezone-aware :class:`~datetime.datetime` in UTC or ``None``.
Ids are strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "Analysis",
    "Article",
    "CopyDecision",
    "Digest",
    "DigestItem",
    "DigestSource",
    "Doc",
    "Enclosure",
    "Entity",
    "EntryData",
    "ExtractedPage",
    "FeedData",
    "FetchResponse",
    "Figure",
    "Quote",
    "SentenceSpan",
    "SitemapEntry",
    "Source",
    "SourceSettings",
    "Story",
    "StoryAssignment",
    "SummarySentence",
]


# --- parsed from the network -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A media file attached to a feed entry."""

    url: str
    type: str | None = None
    length: int | None = None


@dataclass(frozen=True, slots=True)
class EntryData:
    """One entry of a feed, as parsed."""

    guid: str | None
    link: str | None
    title: str | None = None
    summary: str | None = None
    content: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    categories: tuple[str, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()

    @property
    def key(self) -> str:
        """The entry's identity within its feed: guid, else link, else title."""
        return self.guid or self.link or self.title or ""


@dataclass(frozen=True, slots=True)
class FeedData:
    """A parsed feed.

    ``format`` names what was parsed (``rss2.0``, ``rss1.0``, ``rss0.91``,
    ``atom1.0``, ``atom0.3``, ``json1.1``, …). ``errors`` lists what was wrong
    with a feed that still parsed partially (the entries kept are good).
    ``ttl_minutes`` is RSS ``<ttl>``; ``update_period_minutes`` comes from
    ``sy:updatePeriod``/``sy:updateFrequency``.
    """

    title: str | None
    link: str | None
    entries: tuple[EntryData, ...]
    format: str
    description: str | None = None
    language: str | None = None
    ttl_minutes: int | None = None
    update_period_minutes: int | None = None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One ``<url>`` of a sitemap; news sitemaps add title, time and language."""

    url: str
    lastmod: datetime | None = None
    title: str | None = None
    published: datetime | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResponse:
    """A completed HTTP exchange, body decompressed and capped.

    ``url`` is the final URL after redirects. ``permanent_redirect`` is the
    target of a 301/308 chain from the requested URL (so the caller can update
    what it stores). ``not_modified`` is true for a 304 answer to a
    conditional request, with an empty body.
    """

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    elapsed: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    permanent_redirect: str | None = None
    encoding: str | None = None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ('' when absent)."""
        value = self.headers.get("content-type") or self.headers.get("Content-Type") or ""
        return value.split(";", 1)[0].strip().lower()

    def text(self) -> str:
        """The body decoded with the detected encoding (UTF-8 by default)."""
        return self.body.decode(self.encoding or "utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What extraction found in one article page.

    ``source_links`` are absolute URLs the page names as where it was copied
    from: a canonical or og:url on another site, and "Source link", "Source:",
    "Originally published at", "via" links in the body or footer.
    """

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    language: str | None = None
    image: str | None = None
    description: str | None = None
    source_links: tuple[str, ...] = ()


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


# --- what analysis finds in one text (offsets index that text) --------------


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """A sentence of a text; ``text == source[start:end]``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote, verbatim, and who said it (``None`` when unknown).

    ``start``/``end`` index the quoted words without the quote marks.
    ``speaker`` is a name as first written in full ("Donald J. Trump"), or the
    phrase the article uses when it names nobody ("a spokeswoman"); ``role``
    is what the article says the speaker is ("a Trump spokeswoman"), if it does.
    """

    text: str
    speaker: str | None
    start: int
    end: int
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A key figure: a number, its unit, and what it counts.

    ``text`` is the phrase as written ("54,000 US military personnel"),
    ``value`` the number (54000.0), ``unit`` e.g. ``"percent"``, ``"USD"`` or
    ``None``, ``counts`` what is counted ("US military personnel in Japan"),
    either as written after the number (then part of ``text``) or as a short
    label read from the sentence ("the key rate", "fall in Quillpay"); ``None``
    when the sentence does not say, and then a story card leaves it out.
    """

    text: str
    value: float
    unit: str | None
    counts: str | None
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity: ``label`` is PERSON, ORG, GPE, LOC, EVENT or MISC."""

    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything :func:`occasional.analysis.analyze` finds in one text."""

    summary: tuple[SentenceSpan, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    entities: tuple[Entity, ...] = ()


# --- a digest, as renderers and the JSON output see it ----------------------


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """One sentence of a story's summary and the article it came from."""

    text: str
    article: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class DigestSource:
    """One article of a story as a digest lists it."""

    url: str
    title: str
    source: str
    original: bool = False
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story card of a digest.

    ``quotes`` are :class:`Quote` re-anchored to an article id (``article``
    below names it per quote); ``status`` is ``"new"`` or ``"updated"``.
    """

    id: str
    headline: str
    reasons: tuple[str, ...]
    summary: tuple[SummarySentence, ...]
    quotes: tuple[tuple[Quote, str], ...] = ()
    figures: tuple[Figure, ...] = ()
    entities: tuple[Entity, ...] = ()
    sources: tuple[DigestSource, ...] = ()
    score: float = 0.0
    status: str = "new"
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    top: bool = False


@dataclass(frozen=True, slots=True)
class Digest:
    """A digest for one profile. ``quiet`` is the one line shown on a quiet day."""

    profile: str
    generated: datetime
    items: tuple[DigestItem, ...]
    top: tuple[DigestItem, ...] = ()
    quiet: str | None = None
    id: str | None = None
