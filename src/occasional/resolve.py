"""Turn what a user typed into a source: a feed URL, or a site's feed or sitemap.

The order is the one a person would follow: the URL itself as a feed; the
feeds its page announces (``<link rel="alternate">``); the usual feed paths;
then the sitemaps robots.txt names, and the usual sitemap paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from .exceptions import DiscoveryError, FeedParseError, FetchError, OccasionalError
from .fetch.client import Fetcher
from .sources import (
    COMMON_FEED_PATHS,
    discover_feed_links,
    looks_like_html,
    parse_feed,
    parse_sitemap,
    sitemap_urls_from_robots,
)
from .types import FetchResponse

__all__ = ["ResolvedSource", "resolve_source", "site_name"]

# What a page title joins the site's name to the page's with: "Latest news | Pressline".
_SEPARATORS = re.compile(r"\s+(?:[|–—:·•»/-]|::)\s+")
# Words of a section or page heading, not of a name: a part made only of these is dropped.
_SECTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        "home homepage page front main index latest news breaking top stories headlines today "
        "today's the and & of welcome to all articles",
    )
)


@dataclass(frozen=True, slots=True)
class ResolvedSource:
    """Where a source really is: ``kind`` is ``"feed"`` or ``"sitemap"``."""

    url: str
    kind: str
    title: str | None = None
    site_url: str | None = None


async def resolve_source(fetcher: Fetcher, url: str) -> ResolvedSource:
    """Find the feed or sitemap behind ``url``.

    Raises :class:`~occasional.exceptions.FetchError` when ``url`` itself
    cannot be fetched, :class:`~occasional.exceptions.FeedParseError` when it
    is neither a feed nor a page, and
    :class:`~occasional.exceptions.DiscoveryError` when a page offers nothing.
    """
    response = await fetcher.get(url)
    found = _as_feed(response)
    if found is not None:
        return found
    if not looks_like_html(response.body):
        raise FeedParseError(f"{url} is neither a feed nor a web page", url)
    site = response.url
    for candidate in discover_feed_links(response.body, site):
        found = await _try_feed(fetcher, candidate, site)
        if found is not None:
            return found
    for path in COMMON_FEED_PATHS:
        found = await _try_feed(fetcher, urljoin(site, path), site)
        if found is not None:
            return found
    sitemap = await _find_sitemap(fetcher, site)
    if sitemap is not None:
        title = _page_title(response.body)
        return replace(sitemap, title=site_name(title, site) if title else None)
    raise DiscoveryError(
        f"no feed or sitemap found at {url}: the page names no feed, none of the usual feed "
        "paths answered with one, and robots.txt names no sitemap; add the feed URL directly",
        url,
    )


def _page_title(html: bytes) -> str | None:
    """The page's og:site_name, else its <title>: what a site calls itself."""
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    names = root.xpath('//meta[@property="og:site_name"]/@content') or root.xpath("//title/text()")
    return str(names[0]).strip() or None if names else None


def site_name(title: str, url: str | None = None) -> str:
    """The site's own name in a page title: "Latest news | Pressline" → "Pressline".

    The title is split at its separators; parts made only of section words ("Home",
    "Latest news", "Top stories") are dropped, and "Welcome to" is taken off. Of the
    parts left, the one that best matches the host of ``url`` wins, else the last
    ("Page | Site" is the usual order); a title with no separator is kept whole.
    """
    parts = [re.sub(r"(?i)^welcome to\s+", "", p).strip() for p in _SEPARATORS.split(title)]
    named = [p for p in parts if p and not set(p.lower().split()) <= _SECTION_WORDS]
    if not named:
        return title.strip()
    host = re.sub(r"[^a-z0-9]", "", (urlsplit(url).hostname or "") if url else "")
    return max(reversed(named), key=lambda p: _shared_with_host(p, host))


def _shared_with_host(part: str, host: str) -> int:
    squeezed = re.sub(r"[^a-z0-9]", "", part.lower())
    return len(squeezed) if squeezed and squeezed in host else 0


def _as_feed(response: FetchResponse, site_url: str | None = None) -> ResolvedSource | None:
    try:
        feed = parse_feed(response.body, response.url, response.content_type)
    except FeedParseError:
        return None
    url = response.permanent_redirect or response.url
    return ResolvedSource(url=url, kind="feed", title=feed.title, site_url=feed.link or site_url)


async def _try_feed(fetcher: Fetcher, url: str, site_url: str) -> ResolvedSource | None:
    try:
        response = await fetcher.get(url)
    except FetchError:
        return None
    return _as_feed(response, site_url)


async def _find_sitemap(fetcher: Fetcher, site: str) -> ResolvedSource | None:
    try:
        robots = (await fetcher.get(urljoin(site, "/robots.txt"))).text()
    except FetchError:
        robots = ""
    for candidate in sitemap_urls_from_robots(robots, site):
        try:
            response = await fetcher.get(candidate)
            sitemap = parse_sitemap(response.body, response.url)
        except OccasionalError:
            continue
        if sitemap.entries or sitemap.children:
            return ResolvedSource(url=response.url, kind="sitemap", site_url=site)
    return None
