"""Parsed from the network: a feed and its entries, a sitemap entry, a response, a page.

Made by :mod:`occasional.sources`, :mod:`occasional.fetch` and
:mod:`occasional.extract`; re-exported by :mod:`occasional.types`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "Enclosure",
    "EntryData",
    "ExtractedPage",
    "FeedData",
    "FetchResponse",
    "SitemapEntry",
]


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
