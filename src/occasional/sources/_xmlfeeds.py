"""RSS and Atom: fastfeedparser first, feedparser when it falls short.

:func:`parse_xml_feed` is registered for the ``xml`` kind by
:mod:`occasional.sources.feeds`. The flow::

    prepare_xml (UTF-8, no DOCTYPE, format)
        ->  native extractor (well-formed RSS/Atom, every entry taken)  ->  done
        refused  ->  repair_ampersands  ->  fastfeedparser
        enough entries?  ->  done
        raised, or fewer than the document holds  ->  feedparser too,
        keep whichever found more

Most real feeds are well-formed and end at the first step (see
:mod:`occasional.sources._native`), without the repair scan or the entry
count. "Enough" is judged by counting entry start tags in the bytes: a
count is far cheaper than a second parse.
Raises :class:`~occasional.exceptions.FeedParseError` when neither parser
finds a feed.
"""

from __future__ import annotations

import io
import re
from typing import Any

import fastfeedparser
import fastfeedparser.main as _ffp
import feedparser

from occasional.exceptions import FeedParseError
from occasional.sources._head import channel_head_values, channel_language
from occasional.sources._native import native_feed
from occasional.sources._prolog import XMLHead, prepare_xml
from occasional.sources._repair import repair_ampersands
from occasional.sources._values import (
    absolute_url,
    clean_text,
    is_iso_time,
    parse_date,
    read_entries,
    struct_to_datetime,
    to_int,
)
from occasional.types import Enclosure, EntryData, FeedData

__all__ = ["parse_xml_feed"]

_FEED_ROOTS = frozenset({"rss", "rdf", "feed", "channel"})
_ENTRY_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
_FEED_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry|channel|feed|rss|rdf)[\s/>]", re.I)
_EMAIL_NAME = re.compile(r"^\S+@\S+\s*\((.+)\)$")
_KNOWN_FORMATS = frozenset(
    {"rss", "rss0.90", "rss0.91", "rss0.92", "rss0.93", "rss0.94", "rss1.0", "rss2.0"}
    | {"rss2.01", "atom0.3", "atom1.0"}
)
_FP_FORMATS = {"rss090": "rss0.90", "rss10": "rss1.0", "atom03": "atom0.3", "atom10": "atom1.0"}


def parse_xml_feed(body: bytes, url: str, charset: str | None = None) -> FeedData:
    """Parse RSS 0.9x/1.0/2.0 or Atom 0.3/1.0 bytes; see the module docstring."""
    head = prepare_xml(body, url, charset)
    native = native_feed(head, url)
    if native is not None:
        return _finish(native[0], head, native[1], head.errors)
    head = _repaired(head)
    fast, fast_error = _run_fast(head.body)
    if fast is not None and _complete(head, len(fast["entries"])):
        return _with_head(_from_fast(fast, url, head), head, ())
    if fast is None and _cannot_hold_a_feed(head):
        raise FeedParseError(f"got an XML document <{head.root}>, not a feed ({fast_error})", url)
    slow = _run_slow(head.body, url)
    fast_count = len(fast["entries"]) if fast is not None else -1
    if fast is not None and fast_count >= len(slow.entries):
        return _with_head(_from_fast(fast, url, head), head, slow.errors)
    if not slow.entries and not _is_feed(head, slow):
        found = fast_error or "no feed elements"
        raise FeedParseError(f"got an XML document <{head.root}>, not a feed ({found})", url)
    return _with_head(slow, head, ())


def _repaired(head: XMLHead) -> XMLHead:
    data, fixed = repair_ampersands(head.body)
    if not fixed:
        return head
    problem = f"malformed XML: {fixed} bare '&' or HTML entities outside CDATA; repaired"
    return XMLHead(data, head.root, head.format, (*head.errors, problem))


def _run_fast(data: bytes) -> tuple[Any, str | None]:
    try:
        return fastfeedparser.parse(data), None
    except Exception as exc:  # any failure hands over to feedparser
        return None, str(exc)[:200]


def _complete(head: XMLHead, found: int) -> bool:
    # The format's own entry tag is counted loosely first (scans at memory
    # speed, never fewer than the exact count: prefixed tags are included,
    # RSS 1.0's <items> list is not); only a shortfall pays for the regex.
    data = head.body
    tag = b"entry" if head.format.startswith("atom") else b"item"
    loose = data.count(b"<" + tag) + data.count(b":" + tag)
    loose -= data.count(b"<" + tag + b"s") + data.count(b":" + tag + b"s")
    if found and found >= loose:
        return True
    return found >= len(_ENTRY_TAG.findall(head.body))


def _cannot_hold_a_feed(head: XMLHead) -> bool:
    # feedparser finds neither entries nor a feed title without one of these
    # elements, so running it on such a document (a sitemap, a catalog) is waste.
    local = head.root.rsplit(":", 1)[-1].lower()
    return local not in _FEED_ROOTS and _FEED_TAG.search(head.body) is None


def _is_feed(head: XMLHead, slow: FeedData) -> bool:
    local = head.root.rsplit(":", 1)[-1].lower()
    return local in _FEED_ROOTS or bool(slow.title)


def _with_head(feed: FeedData, head: XMLHead, extra: tuple[str, ...]) -> FeedData:
    errors = (*head.errors, *feed.errors, *extra, *_truncation(head))
    return _finish(feed, head, head.body, errors)


def _finish(feed: FeedData, head: XMLHead, scan: bytes, errors: tuple[str, ...]) -> FeedData:
    # ``scan`` is where the channel's own elements are looked for: the whole
    # body, or on the native path the far smaller header without entries.
    ttl, period = channel_head_values(scan)
    return FeedData(
        title=feed.title,
        link=feed.link,
        entries=feed.entries,
        format=head.format if head.format in _KNOWN_FORMATS else feed.format,
        description=feed.description,
        language=feed.language or channel_language(scan),
        ttl_minutes=ttl,
        update_period_minutes=period,
        errors=errors,
    )


def _truncation(head: XMLHead) -> tuple[str, ...]:
    closing = b"</" + head.root.encode("ascii", "replace")
    if closing in head.body[-4096:]:
        return ()
    return (f"document ends without </{head.root}> (truncated or malformed)",)


# --- fastfeedparser ------------------------------------------------------------


def _from_fast(doc: Any, url: str, head: XMLHead) -> FeedData:
    feed = doc.get("feed") or {}
    entries, errors = read_entries(doc["entries"], _fast_entry, url)
    return FeedData(
        title=clean_text(feed.get("title")),
        link=absolute_url(feed.get("link"), url),
        entries=entries,
        format=head.format,
        description=clean_text(feed.get("subtitle")),
        language=clean_text(feed.get("language")),
        errors=errors,
    )


def _fast_entry(entry: Any, url: str) -> EntryData:
    summary = clean_text(entry.get("description"))
    content = _first_content(entry.get("content"))
    return EntryData(
        guid=clean_text(entry.get("id")),
        link=absolute_url(entry.get("link"), url),
        title=clean_text(entry.get("title")),
        summary=summary,
        # fastfeedparser copies an RSS description into content; that is no content.
        content=None if content is not None and content.strip() == summary else content,
        authors=_names(entry.get("authors"), entry.get("author")),
        published=None if _guessed_from_guid(entry) else parse_date(entry.get("published")),
        updated=parse_date(entry.get("updated")),
        categories=_terms(entry.get("tags")),
        enclosures=_enclosures(entry.get("enclosures"), url, "url")
        or _enclosures(_enclosure_links(entry.get("links")), url, "href"),
    )


def _guessed_from_guid(entry: Any) -> bool:
    """True when fastfeedparser made the entry's time from its guid (see ``_native._Dates``)."""
    guid, published = entry.get("id"), entry.get("published")
    if not published or not isinstance(guid, str) or not guid:
        return False
    # A second read of the guid, on this slower path only (the native one
    # remembers its reads); a URL guid is never read as a date, and a guid
    # that is a whole ISO 8601 time (the native extractor reads it itself) stays.
    if guid.startswith(("http://", "https://")) or is_iso_time(guid):
        return False
    return bool(_ffp._parse_date(guid) == published)


def _enclosure_links(links: Any) -> list[Any]:
    # Atom puts media in <link rel="enclosure">, which fastfeedparser leaves in links.
    if not isinstance(links, list):
        return []
    return [link for link in links if link and link.get("rel") == "enclosure"]


# --- feedparser ----------------------------------------------------------------


def _run_slow(data: bytes, url: str) -> FeedData:
    # A file-like object: given bytes or str, feedparser tries them as a path
    # or URL first, which must never happen with what a server sent us.
    parsed = feedparser.parse(
        io.BytesIO(data),
        sanitize_html=False,
        resolve_relative_uris=False,
        response_headers={"content-type": "application/xml; charset=utf-8"},
    )
    feed = parsed.get("feed") or {}
    problem = parsed.get("bozo_exception")
    entries, errors = read_entries(parsed.get("entries") or (), _slow_entry, url)
    return FeedData(
        title=clean_text(feed.get("title")),
        link=absolute_url(feed.get("link"), url),
        entries=entries,
        format=_FP_FORMATS.get(str(parsed.get("version")), str(parsed.get("version") or "")),
        description=clean_text(feed.get("subtitle")),
        language=clean_text(feed.get("language")),
        errors=((f"malformed XML: {problem}",) if problem else ()) + errors,
    )


def _slow_entry(entry: Any, url: str) -> EntryData:
    return EntryData(
        guid=clean_text(entry.get("id")),
        link=absolute_url(entry.get("link"), url),
        title=clean_text(entry.get("title")),
        summary=clean_text(entry.get("summary")),
        content=_first_content(entry.get("content")),
        authors=_names(entry.get("authors"), entry.get("author")),
        published=_slow_date(entry, "published"),
        updated=_slow_date(entry, "updated"),
        categories=_terms(entry.get("tags")),
        enclosures=_enclosures(entry.get("enclosures"), url, "href"),
    )


def _slow_date(entry: Any, key: str) -> Any:
    return struct_to_datetime(entry.get(f"{key}_parsed")) or parse_date(entry.get(key))


# --- shared field readers --------------------------------------------------------


def _first_content(content: Any) -> str | None:
    if not isinstance(content, list):
        return None
    for part in content:
        value = part.get("value") if isinstance(part, dict) else None
        if isinstance(value, str) and value.strip():
            return value
    return None


def _names(people: Any, single: Any) -> tuple[str, ...]:
    names: list[str] = []
    for person in people if isinstance(people, list) else ():
        name = _person(person.get("name") or person.get("email")) if person else None
        if name and name not in names:
            names.append(name)
    if not names and _person(single):
        names.append(str(_person(single)))
    return tuple(names)


def _person(value: Any) -> str | None:
    # RSS <author> is "email (Name)"; the name is what readers want.
    text = clean_text(value)
    match = _EMAIL_NAME.match(text) if text else None
    return match.group(1).strip() if match else text


def _terms(tags: Any) -> tuple[str, ...]:
    if not isinstance(tags, list):
        return ()
    terms = (clean_text(tag.get("term") or tag.get("label")) for tag in tags if tag)
    return tuple(dict.fromkeys(term for term in terms if term))


def _enclosures(items: Any, url: str, key: str) -> tuple[Enclosure, ...]:
    if not isinstance(items, list):
        return ()
    found: list[Enclosure] = []
    for item in items:
        href = absolute_url(item.get(key), url) if item else None
        if href:
            found.append(Enclosure(href, clean_text(item.get("type")), to_int(item.get("length"))))
    return tuple(found)
