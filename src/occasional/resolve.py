"""Turn what a user typed into a source: a feed URL, or a site's feed or sitemap.

The order is the one a person would follow: the URL itself as a feed; the
feeds its page announces (``<link rel="alternate">``); the usual feed paths;
then the sitemaps robots.txt names, and the usual sitemap paths.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urljoin

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

__all__ = ["ResolvedSource", "resolve_source"]


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
        return replace(sitemap, title=_page_title(response.body))
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
