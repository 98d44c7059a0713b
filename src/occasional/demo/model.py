"""The demo web's public records: outlets and the ground-truth articles.

:class:`~occasional.demo.server.NewsWeb` builds these once its sockets are
bound (URLs need the ports); tests and evaluations read them to know what the
web contains: which outlet publishes what, which page copies which, and which
articles report the same real-world event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..types import Doc
from .outlets import spec_for

__all__ = ["BEHAVIOURS", "FORMATS", "KINDS", "DemoArticle", "Outlet"]

KINDS = ("feed", "sitemap", "trouble")
FORMATS = ("rss2.0", "atom1.0", "json1.1", "rss0.91", "rss1.0")
BEHAVIOURS = (
    "ok",
    "flaky",
    "rate-limited",
    "moved",
    "slow",
    "oversized",
    "malformed",
    "not-modified",
    "gone",
    "hostile",
)

# A full stop, question or exclamation mark (and a closing quote) before a
# capital: "p.m. yesterday" and "Dr. Achebe" are not the end of a sentence.
_SENTENCE_END = re.compile(r'(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bSt)[.?!]["”]?(?=\s+["“A-Z])')


@dataclass(frozen=True, slots=True)
class Outlet:
    """One simulated site, served on a port of its own.

    ``kind`` is ``"feed"`` (a healthy site with a feed), ``"sitemap"`` (no
    feed; read through robots.txt and sitemaps) or ``"trouble"`` (a feed that
    misbehaves as ``behaviour`` says). ``feed_url`` is ``None`` for the
    sitemap site; ``format`` is the feed's format, ``None`` without a feed.
    ``sitemap_url`` is the sitemap index, only on the sitemap site.
    """

    key: str
    name: str
    kind: str
    home_url: str
    feed_url: str | None
    format: str | None
    behaviour: str
    language: str = "en"
    sitemap_url: str | None = None


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """One article page of the demo web, with the truth about it.

    ``id`` is ``"<outlet>/<slug>"``. ``event`` names the real-world event it
    reports (articles sharing it belong in one story; a lone article has an
    event of its own). ``copy_of`` is the URL of the article it republishes
    (an aggregator copy, or a wire story carried by a subscriber), ``None``
    for an original. ``wire`` is true for wire-agency copy, both the agency's
    own story and the subscribers' carried versions. ``body`` is the article
    text as paragraphs, without page boilerplate. ``robots_allowed`` is false
    for a page under a path the site's robots.txt disallows.
    """

    id: str
    outlet: str
    url: str
    headline: str
    published: datetime
    event: str
    copy_of: str | None = None
    wire: bool = False
    author: str = ""
    section: str = ""
    body: tuple[str, ...] = ()
    robots_allowed: bool = True

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by blank lines."""
        return "\n\n".join(self.body)

    @property
    def summary(self) -> str:
        """The first sentence of the body: what feeds give as a summary."""
        first = self.body[0] if self.body else ""
        end = _SENTENCE_END.search(first)
        return first if end is None else first[: end.end()]

    def as_doc(self) -> Doc:
        """The article as copy detection and story clustering see it.

        ``source_links`` holds what a good extractor finds on the page: the
        aggregator's "Source link" target. Carried wire copy names no link.
        """
        aggregated = spec_for(self.outlet).layout == "aggregator"
        on_page = (self.copy_of,) if self.copy_of and aggregated else ()
        return Doc(
            id=self.id,
            title=self.headline,
            text=self.text,
            published=self.published,
            url=self.url,
            source=self.outlet,
            source_links=on_page,
            canonical_url=self.url,
        )
