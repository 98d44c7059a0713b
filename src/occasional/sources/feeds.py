"""Feed bytes in, :class:`~occasional.types.FeedData` out.

:func:`parse_feed` is what the pipeline calls on a fetched body. It sniffs
the first bytes to pick a parser from :data:`PARSERS` (registered by kind:
``xml`` for RSS/Atom, ``json`` for JSON Feed) and refuses what is plainly
not a feed (empty, HTML, binary, plain text) with a message that says what
was found. :func:`looks_like_html` lets a caller that got
:class:`~occasional.exceptions.FeedParseError` decide to try autodiscovery.

Everything here is pure: no network, no files, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Final

from occasional.exceptions import FeedParseError
from occasional.sources._jsonfeed import parse_json_feed
from occasional.sources._prolog import XML_STARTS
from occasional.sources._xmlfeeds import parse_xml_feed
from occasional.types import EntryData, FeedData

__all__ = ["PARSERS", "FeedParser", "looks_like_html", "newest_entries", "parse_feed"]

FeedParser = Callable[[bytes, str, str | None], FeedData]
"""``parser(body, url, charset) -> FeedData``; raises FeedParseError."""

PARSERS: Final[dict[str, FeedParser]] = {
    "xml": parse_xml_feed,
    "json": parse_json_feed,
}

_MAGIC = (
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
)
_WIDE_STARTS = (b"\xfe\xff", b"\xff\xfe", b"\x00<", b"<\x00", b"\x00\x00")
_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?\s*")
_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.S)
_FIRST_TAG = re.compile(rb"<([a-z][\w:.-]*)")
_HTML_TAGS = frozenset({b"html", b"head", b"body", b"meta", b"title", b"div", b"script"})
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> FeedData:
    """Parse an RSS, Atom or JSON Feed document fetched from ``url``.

    ``content_type`` is the response's Content-Type; its charset is used
    when the document does not declare one. Links come back absolute
    (resolved against ``url``), times aware UTC. Problems with a feed that
    still parsed are listed in ``FeedData.errors``.

    Raises FeedParseError when nothing usable is there (the message says
    what was found) or when the XML declares entities.
    """
    kind = _sniff(body, url)
    return PARSERS[kind](body, url, _charset(content_type))


def newest_entries(feed: FeedData, limit: int) -> FeedData:
    """``feed`` with at most ``limit`` entries: the newest by their dates, then in the
    feed's own order; a feed cut down says so in ``errors``. Pure; never raises.

    A feed of 100,000 entries is an archive or an attack, and storing (and fetching
    the pages of) all of them on every poll would take minutes and gigabytes.
    """
    if len(feed.entries) <= limit:
        return feed
    order = sorted(range(len(feed.entries)), key=lambda i: _age_key(feed.entries[i], i))
    kept = tuple(feed.entries[i] for i in sorted(order[:limit]))
    note = (
        f"the feed holds {len(feed.entries):,} entries; only the newest {limit:,} were read "
        "(poll.max_entries)"
    )
    return replace(feed, entries=kept, errors=(*feed.errors, note))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _age_key(entry: EntryData, position: int) -> tuple[bool, float, int]:
    # Dated entries first, newest first; undated ones after them, in feed order.
    when = entry.published or entry.updated
    return (when is None, -(when - _EPOCH).total_seconds() if when else 0.0, position)


def looks_like_html(body: bytes | str) -> bool:
    """Whether ``body`` starts like an HTML page rather than a feed.

    Callers use it after FeedParseError to decide whether to run
    autodiscovery on the page.
    """
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
    head = _COMMENT.sub(b"", raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower())
    match = _FIRST_TAG.search(head)
    if match is None:
        return head.lstrip().startswith(b"<!doctype html")
    # The first element decides: some feeds carry a stray XHTML DOCTYPE.
    return match.group(1) in _HTML_TAGS


def _sniff(body: bytes, url: str) -> str:
    lead = _LEADING.match(body)
    start = body[lead.end() : lead.end() + 64] if lead else body[:64]
    if not start:
        raise FeedParseError("got an empty response, not a feed", url)
    if start.startswith(_WIDE_STARTS):
        return "xml"
    for magic, what in _MAGIC:
        if start.startswith(magic):
            raise FeedParseError(f"got {what}, not a feed", url)
    if start.startswith((b"{", b"[")):
        return "json"
    if start.startswith(XML_STARTS):
        return "xml"  # the common case, without the HTML check's regexes
    if looks_like_html(body):
        raise FeedParseError("got an HTML page, not a feed", url)
    if start.startswith(b"<") or any(m in body[:1024] for m in XML_STARTS):
        return "xml"
    if b"\x00" in body[:1024]:
        raise FeedParseError("got binary data, not a feed", url)
    raise FeedParseError("got plain text, not a feed", url)


def _charset(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None
