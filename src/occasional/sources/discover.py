"""Finding a site's feeds and sitemaps from what it serves.

Pure functions for the add-a-source flow: the caller fetches a page (and
``/robots.txt``), these say which URLs to try next, best first.

- :func:`discover_feed_links`: ``<link rel="alternate">`` feeds in an HTML
  page, then ``<a>`` links that plainly point at a feed;
- :data:`COMMON_FEED_PATHS` / :func:`common_feed_urls`: where feeds usually
  live when a page names none;
- :func:`sitemap_urls_from_robots`: ``Sitemap:`` lines of robots.txt, then
  :data:`DEFAULT_SITEMAP_PATHS`.

Nothing here raises: a page that cannot be read yields no links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from occasional.sources._values import is_http_url

__all__ = [
    "COMMON_FEED_PATHS",
    "DEFAULT_SITEMAP_PATHS",
    "FEED_MEDIA_TYPES",
    "common_feed_urls",
    "discover_feed_links",
    "sitemap_urls_from_robots",
]

FEED_MEDIA_TYPES: frozenset[str] = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "application/x.atom+xml",
        "application/x-atom+xml",
        "application/x-rss+xml",
        "text/xml",
        "application/xml",
    }
)
"""Media types a ``<link rel="alternate">`` may give for a feed."""

COMMON_FEED_PATHS: tuple[str, ...] = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/feed.json",
    "/atom",
    "/index.rss",
    "/rss/index.xml",
    "/feeds/posts/default",
    "/blog/feed",
    "/news/rss.xml",
    "/?feed=rss2",
)
"""Paths tried, in order, on a site whose pages name no feed."""

DEFAULT_SITEMAP_PATHS: tuple[str, ...] = (
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/news-sitemap.xml",
)
"""Sitemap paths tried after those robots.txt names."""

_FEED_SUFFIXES = (".rss", ".atom", ".rdf", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml")
_FEED_ENDINGS = frozenset(p.lower() for p in COMMON_FEED_PATHS if "?" not in p)
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
_HTML_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)


def discover_feed_links(html: bytes | str, base_url: str) -> list[str]:
    """Absolute feed URLs an HTML page names, best first, without repeats.

    Declared feeds (``<link rel="alternate" type="application/rss+xml">``
    and kin, ``rel="feed"``) come first, comment feeds after the others;
    then ``<a href>`` links whose path is an obvious feed (``/feed``,
    ``*.rss``, ``/atom.xml`` …). A ``<base href>`` is honoured.
    """
    root = _parse_html(html)
    if root is None:
        return []
    base = _base(root, base_url)
    declared = sorted(_declared(root, base), key=_is_comment_feed)
    return list(dict.fromkeys([*declared, *_anchors(root, base)]))


def common_feed_urls(site_url: str) -> list[str]:
    """:data:`COMMON_FEED_PATHS` made absolute on ``site_url``'s origin."""
    return [urljoin(site_url, path) for path in COMMON_FEED_PATHS]


def sitemap_urls_from_robots(robots_txt: str, base_url: str, *, defaults: bool = True) -> list[str]:
    """Sitemap URLs from robots.txt ``Sitemap:`` lines, then the defaults.

    Relative values are resolved against ``base_url``; anything that is
    not http(s) is dropped. With ``defaults``, :data:`DEFAULT_SITEMAP_PATHS`
    on ``base_url``'s origin follow those robots.txt names.
    """
    named = (urljoin(base_url, m.group(1)) for m in _SITEMAP_LINE.finditer(robots_txt))
    found = [url for url in named if is_http_url(url)]
    if defaults:
        found.extend(urljoin(base_url, path) for path in DEFAULT_SITEMAP_PATHS)
    return list(dict.fromkeys(found))


def _parse_html(html: bytes | str) -> etree._Element | None:
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _base(root: etree._Element, page_url: str) -> str:
    for element in root.iter("base"):
        href = str(element.get("href") or "").strip()
        if href:
            return urljoin(page_url, href)
    return page_url


def _declared(root: etree._Element, base: str) -> Iterator[str]:
    for element in root.iter("link"):
        rel = set((element.get("rel") or "").lower().split())
        kind = (element.get("type") or "").split(";")[0].strip().lower()
        if ("alternate" in rel and kind in FEED_MEDIA_TYPES) or "feed" in rel:
            yield from _absolute((element.get("href"),), base)


def _anchors(root: etree._Element, base: str) -> Iterator[str]:
    for url in _absolute((a.get("href") for a in root.iter("a")), base):
        if _looks_like_feed(url):
            yield url


def _absolute(hrefs: Iterable[str | None], base: str) -> Iterator[str]:
    for href in hrefs:
        if not href or not href.strip():
            continue
        try:
            url = urljoin(base, href.strip())
        except ValueError:
            continue
        if is_http_url(url):
            yield url


def _looks_like_feed(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower().rstrip("/") or "/"
    if parts.query.lower() in ("feed=rss2", "feed=atom", "format=rss", "format=atom"):
        return True
    return path.endswith(_FEED_SUFFIXES) or any(path.endswith(end) for end in _FEED_ENDINGS)


def _is_comment_feed(url: str) -> bool:
    return "comment" in url.lower()
