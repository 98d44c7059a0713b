"""Sitemaps, so sites without a feed can still be followed.

:func:`parse_sitemap` reads a ``<urlset>`` (with Google News tags) or a
``<sitemapindex>``, gzip'd or not, or a plain-text list of URLs.
:func:`sitemap_as_feed` turns the newest URLs into a
:class:`~occasional.types.FeedData`, so a sitemap source flows through the
same pipeline as a feed. Both are pure.

Errors: :class:`~occasional.exceptions.FeedParseError` when the body is not
a sitemap (the message says what it is), including XML that declares
entities; :class:`~occasional.exceptions.ResponseTooLargeError` when a
gzip'd sitemap inflates past :data:`MAX_UNCOMPRESSED`.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree

from occasional.exceptions import FeedParseError, ResponseTooLargeError
from occasional.sources._prolog import safe_xml
from occasional.sources._values import absolute_url, clean_text, is_http_url, parse_date
from occasional.types import EntryData, FeedData, SitemapEntry

__all__ = ["MAX_ENTRIES", "MAX_UNCOMPRESSED", "Sitemap", "parse_sitemap", "sitemap_as_feed"]

MAX_UNCOMPRESSED = 50 * 1024 * 1024
"""The sitemaps.org limit on an uncompressed sitemap, in bytes."""

MAX_ENTRIES = 50_000
"""The sitemaps.org limit on URLs per sitemap; more are dropped."""

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, recover=True, huge_tree=False
)


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: page entries, or (for an index) child sitemap URLs."""

    entries: tuple[SitemapEntry, ...] = ()
    children: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """Parse a sitemap or sitemap index fetched from ``url``.

    URLs are made absolute against ``url``; ones that are not http(s) are
    skipped and counted in ``errors``. See the module docstring for what
    raises.
    """
    data = _gunzip(body, url) if body[:2] == b"\x1f\x8b" else body
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FeedParseError("got an empty response, not a sitemap", url)
    if stripped[:1] != b"<" and stripped[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        return _text_sitemap(stripped, url)
    return _xml_sitemap(data, url)


def sitemap_as_feed(
    sitemap: Sitemap, site_url: str, now: datetime, max_age_days: int = 3, limit: int = 200
) -> FeedData:
    """The sitemap's URLs from the last ``max_age_days`` as feed entries.

    An entry's time is its news publication date, else ``lastmod``; newest
    first, at most ``limit``. Undated URLs are used only when no URL has a
    date (a plain list), so a dated sitemap never floods with old pages.
    ``guid`` and ``link`` are the URL. Called by the pipeline for sources of
    kind ``"sitemap"``; never raises.
    """
    since = now - timedelta(days=max_age_days)
    dated = [e for e in sitemap.entries if _when(e) is not None]
    if dated:
        fresh = [e for e in dated if since <= _when_or_min(e) <= now + timedelta(days=1)]
        fresh.sort(key=_when_or_min, reverse=True)
    else:
        fresh = list(sitemap.entries)
    return FeedData(
        title=None,
        link=site_url,
        entries=tuple(_as_entry(entry) for entry in fresh[:limit]),
        format="sitemap",
        language=_main_language(sitemap.entries),
        errors=sitemap.errors,
    )


# --- reading -------------------------------------------------------------------


def _gunzip(body: bytes, url: str) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_UNCOMPRESSED + 1)
    except zlib.error as exc:
        raise FeedParseError(f"got broken gzip data, not a sitemap: {exc}", url) from exc
    if len(data) > MAX_UNCOMPRESSED or inflater.unconsumed_tail:
        raise ResponseTooLargeError(
            f"sitemap inflates past {MAX_UNCOMPRESSED // 2**20} MB; refused", url
        )
    return data


def _text_sitemap(data: bytes, url: str) -> Sitemap:
    lines = data.decode("utf-8", "replace").splitlines()
    urls = [line.strip() for line in lines if line.strip()]
    good = [u for u in urls if is_http_url(u)]
    if not good:
        raise FeedParseError("got plain text with no URLs, not a sitemap", url)
    skipped = len(urls) - len(good)
    errors = (f"{skipped} lines are not http(s) URLs; skipped",) if skipped else ()
    return Sitemap(entries=tuple(SitemapEntry(u) for u in good[:MAX_ENTRIES]), errors=errors)


def _xml_sitemap(data: bytes, url: str) -> Sitemap:
    safe, match, errors = safe_xml(data, url)
    name = match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1]
    reader = _READERS.get(name)
    if reader is None:
        what = "an HTML page" if name.lower() == "html" else f"an XML document <{name}>"
        raise FeedParseError(f"got {what}, not a sitemap", url)
    root = etree.fromstring(safe, parser=_PARSER)
    if root is None:
        raise FeedParseError("got XML that does not parse, not a sitemap", url)
    sitemap = reader(root, url)
    return Sitemap(sitemap.entries, sitemap.children, (*errors, *sitemap.errors))


def _urlset(root: Any, url: str) -> Sitemap:
    entries: list[SitemapEntry] = []
    skipped = 0
    for element in root.iter("{*}url"):
        entry = _entry(element, url)
        if entry is None:
            skipped += 1
        elif len(entries) < MAX_ENTRIES:
            entries.append(entry)
    errors = [f"{skipped} <url> elements without an http(s) <loc>; skipped"] if skipped else []
    if len(entries) == MAX_ENTRIES:
        errors.append(f"more than {MAX_ENTRIES} URLs; the rest were dropped")
    return Sitemap(entries=tuple(entries), errors=tuple(errors))


def _index(root: Any, url: str) -> Sitemap:
    locs = (_text(element, "{*}loc") for element in root.iter("{*}sitemap"))
    found = (absolute_url(loc, url) for loc in locs)
    children = tuple(dict.fromkeys(c for c in found if c and is_http_url(c)))
    return Sitemap(children=children[:MAX_ENTRIES])


_READERS = {"urlset": _urlset, "sitemapindex": _index}


def _entry(element: Any, url: str) -> SitemapEntry | None:
    loc = absolute_url(_text(element, "{*}loc"), url)
    if not loc or not is_http_url(loc):
        return None
    news = element.find("{*}news")
    lastmod = parse_date(_text(element, "{*}lastmod"))
    if news is None:
        return SitemapEntry(loc, lastmod=lastmod)
    return SitemapEntry(
        loc,
        lastmod=lastmod,
        title=clean_text(_text(news, "{*}title")),
        published=parse_date(_text(news, "{*}publication_date")),
        language=clean_text(_text(news, "{*}publication/{*}language")),
    )


def _text(element: Any, path: str) -> str | None:
    found = element.find(path)
    return found.text if found is not None else None


# --- as a feed -------------------------------------------------------------------


def _when(entry: SitemapEntry) -> datetime | None:
    return entry.published or entry.lastmod


def _when_or_min(entry: SitemapEntry) -> datetime:
    return _when(entry) or datetime.min.replace(tzinfo=UTC)


def _as_entry(entry: SitemapEntry) -> EntryData:
    return EntryData(
        guid=entry.url,
        link=entry.url,
        title=entry.title,
        published=entry.published or entry.lastmod,
        updated=entry.lastmod,
    )


def _main_language(entries: tuple[SitemapEntry, ...]) -> str | None:
    counts = Counter(e.language for e in entries if e.language)
    return counts.most_common(1)[0][0] if counts else None
