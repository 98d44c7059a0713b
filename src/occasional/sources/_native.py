"""The fast path for well-formed RSS and Atom: fastfeedparser's native extractor.

:func:`native_feed` is called first by :mod:`occasional.sources._xmlfeeds`
on the prepared UTF-8 bytes. fastfeedparser ships a compiled extractor that
reads the entries of a well-formed RSS or Atom document several times faster
than its own Python layer. Calling it directly skips that layer (a second
clean-up of the bytes, its own channel reader, dict wrappers) and converts
the entries straight to :class:`~occasional.types.EntryData`; the channel's
title, link, description and language are read here from the small header.

The extractor is a private part of fastfeedparser (0.6): if a release drops
or changes it, :data:`_CORE` is ``None`` or the call fails, and every feed
takes the slower path, with the same results (the golden tests run both).

The extractor refuses anything that is not well-formed, so the ampersand
repair and the entry count are only paid by documents that need them. It
also hands back the document with the entries cut out ("header"): an entry
tag left in it means an entry was not taken, and the caller's slower path
decides instead. ``None`` is returned whenever this path is not sure (no
extractor in this build, a refusal, a leftover entry, an unexpected shape);
nothing here raises.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import fastfeedparser.main as _ffp
from lxml import etree

from occasional.sources._prolog import XMLHead
from occasional.sources._values import absolute_url, is_iso_time, parse_date, to_int
from occasional.types import Enclosure, EntryData, FeedData

__all__ = ["native_feed"]

_CORE: Any = getattr(_ffp, "_core", None)
_LEFTOVER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
_EMAIL_NAME = re.compile(r"^\S+@\S+\s*\((.+)\)$")
_ATOM = "http://www.w3.org/2005/Atom"
_RDF_FORMATS = frozenset({"rss1.0", "rss0.90"})
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)([^>]*)>")
_RSS10_DEFAULT_NS = re.compile(rb"""\sxmlns\s*=\s*["']http://purl\.org/rss/1\.0/["']""")
_CHANNEL_END = b"</channel>"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Never entities or DTDs, even though the prolog was already checked.
_HEADER_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, recover=True, collect_ids=False
)


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """The channel's own values, read from the header."""

    title: str | None
    link: str | None
    description: str | None
    language: str | None


def native_feed(head: XMLHead, url: str) -> tuple[FeedData, bytes] | None:
    """The feed and its entry-free header bytes, or ``None`` to take the slow path."""
    if _CORE is None:
        return None
    try:
        # include_content, include_tags, include_media (unused here), include_enclosures
        flags = (True, True, False, True)
        data = _as_rss(head) if head.format in _RDF_FORMATS else _no_leading_space(head.body)
        if data is None:
            return None
        dates = _Dates()
        result = _CORE.parse_entries(data, dict, dates, html.unescape, *flags)
        if isinstance(result, str):
            return None  # refused: not well-formed, or not a shape it knows
        kind, namespace, header, entries = result
        if _LEFTOVER.search(header) is not None:
            return None
        info = _feed_info(header, kind, namespace)
        if info is None:
            return None
        return _feed(info, [_entry(dates.undo_guessed(e), url) for e in entries], url, head), header
    except Exception:  # an extractor of another version: the slow path decides
        return None


class _Dates:
    """fastfeedparser's date reader, remembering what each text it read became.

    With no date element, the extractor reads the entry's guid as a date and
    completes what is missing from today ("t1" becomes the 1st of this month,
    "42" a day in 2042), so the same feed polled on two days got two times.
    An id is no publication time: :meth:`undo_guessed` drops such a time.
    """

    __slots__ = ("_read",)

    def __init__(self) -> None:
        self._read: dict[str, str] = {}

    def __call__(self, text: str) -> str | None:
        value: str | None = _ffp._parse_date(text)
        if value is not None:
            self._read[text] = value
        return value

    def undo_guessed(self, entry: dict[str, Any]) -> dict[str, Any]:
        """``entry`` without a published time that was read from its guid."""
        guid, published = entry.get("id"), entry.get("published")
        if published is None or not isinstance(guid, str) or self._read.get(guid) != published:
            return entry
        if is_iso_time(guid):  # a guid that is a whole ISO 8601 time leaves nothing to guess
            return entry
        return {key: value for key, value in entry.items() if key != "published"}


def _no_leading_space(data: bytes) -> bytes:
    # Whitespace before "<?xml" is common and harmless, but not well-formed.
    return data.lstrip() if data[:1].isspace() else data


def _as_rss(head: XMLHead) -> bytes | None:
    """RSS 1.0 (and 0.90) rewritten as RSS 2.0 for the extractor, which reads no RDF.

    The root becomes ``<rss>`` without the RSS 1.0 default namespace, and the
    channel is closed after the items instead of before them. Anything that
    does not fit (no closing tags, an odd order) gives ``None``; a rewrite
    that breaks the document is refused by the extractor.
    """
    data = _no_leading_space(head.body)
    root = _ROOT.search(data)
    if root is None:
        return None
    close = data.rfind(b"</" + root.group(1))
    channel_end = data.find(_CHANNEL_END, root.end(), close)
    if close < 0 or channel_end < 0:
        return None
    attributes = _RSS10_DEFAULT_NS.sub(b"", root.group(2), count=1)
    return b"".join(
        (
            data[: root.start()],
            b'<rss version="2.0"' + attributes + b">",
            data[root.end() : channel_end],
            data[channel_end + len(_CHANNEL_END) : close],
            b"</channel></rss>",
        )
    )


def _feed_info(header: bytes, kind: str, namespace: str | None) -> FeedInfo | None:
    # The header is small (the entries are cut out), so a tree is cheap.
    root = etree.fromstring(header, _HEADER_PARSER)
    channel = root.find("channel") if kind == "rss" else root
    if channel is None:
        return None
    atom = "{%s}" % (namespace or _ATOM)
    first: dict[str, Any] = {}
    for child in channel:
        if isinstance(child.tag, str):
            first.setdefault(child.tag, child)
    # RSS names first, then the Atom ones some RSS feeds use instead.
    rss = kind == "rss"
    title = _child_text(first, ("title", atom + "title") if rss else (atom + "title",))
    about = _child_text(first, ("description", atom + "subtitle") if rss else (atom + "subtitle",))
    link = (_child_text(first, ("link",)) if rss else None) or _link_attribute(
        first.get(atom + "link")
    )
    return FeedInfo(title, _alternate(channel, atom) or link, about, channel.get(_XML_LANG))


def _child_text(first: dict[str, Any], tags: tuple[str, ...]) -> str | None:
    for tag in tags:
        element = first.get(tag)
        text = element.text if element is not None else None
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


def _link_attribute(element: Any) -> str | None:
    if element is None:
        return None
    value = element.get("href") or element.get("link")
    return value.strip() if value else None


def _alternate(channel: Any, atom: str) -> str | None:
    # The first rel="alternate" link, else the first link without rel,
    # wins over an RSS <link>: what fastfeedparser's own reader does.
    fallback = None
    for link in channel.iterchildren(atom + "link"):
        rel, href = link.get("rel"), link.get("href") or link.get("link")
        if href and rel == "alternate":
            return str(href)
        if href and rel is None and fallback is None:
            fallback = str(href)
    return fallback


def _feed(info: FeedInfo, entries: list[EntryData], url: str, head: XMLHead) -> FeedData:
    return FeedData(
        title=_text(info.title),
        link=absolute_url(info.link, url),
        entries=tuple(entries),
        format=head.format,
        description=_text(info.description),
        language=_text(info.language),
    )


def _entry(entry: dict[str, Any], url: str) -> EntryData:
    # One function with the common fields inline: this runs once per entry
    # and a function call per field was most of the conversion's cost.
    get = entry.get
    summary = _text(get("description"))
    content = _content(get("content"))
    return EntryData(
        guid=_text(get("id")),
        link=absolute_url(get("link"), url),
        title=_text(get("title")),
        summary=summary,
        # An RSS description is copied into content; that is no content.
        content=None
        if summary is not None and content is not None and content.strip() == summary
        else content,
        authors=_authors(entry),
        published=_date(get("published")),
        updated=_date(get("updated")),
        categories=_terms(get("tags")),
        enclosures=_enclosures(get("enclosures"), url, "url")
        or _enclosures(_enclosure_links(get("links")), url, "href"),
    )


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _date(value: object) -> datetime | None:
    # The extractor writes UTC ISO 8601 (its date callback too), so
    # fromisoformat nearly always reads it; parse_date takes the rest.
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return parse_date(value)
        if parsed.tzinfo is UTC:
            return parsed
        # parse_date turns an offset that pushes the year out of range into None.
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parse_date(parsed)
    return None


def _content(parts: object) -> str | None:
    if not isinstance(parts, list):
        return None
    for part in parts:
        value = part.get("value") if isinstance(part, dict) else None
        # isspace() stops at the first visible character; strip() would copy.
        if isinstance(value, str) and value and not value.isspace():
            return value
    return None


def _authors(entry: dict[str, Any]) -> tuple[str, ...]:
    people = entry.get("authors")
    names: list[str] = []
    for person in people if isinstance(people, list) else ():
        name = _person(person.get("name") or person.get("email")) if person else None
        if name and name not in names:
            names.append(name)
    if not names:
        single = _person(entry.get("author"))
        return (single,) if single else ()
    return tuple(names)


def _person(value: object) -> str | None:
    # RSS <author> is "email (Name)"; the name is what readers want.
    text = _text(value)
    if text is None or "@" not in text:
        return text
    match = _EMAIL_NAME.match(text)
    return match.group(1).strip() if match else text


def _terms(tags: object) -> tuple[str, ...]:
    if not isinstance(tags, list) or not tags:
        return ()
    terms = (_text(tag.get("term") or tag.get("label")) for tag in tags if tag)
    return tuple(dict.fromkeys(term for term in terms if term))


def _enclosure_links(links: object) -> list[Any]:
    # Atom puts media in <link rel="enclosure">, which stays in links.
    if not isinstance(links, list):
        return []
    return [link for link in links if link and link.get("rel") == "enclosure"]


def _enclosures(items: object, url: str, key: str) -> tuple[Enclosure, ...]:
    if not isinstance(items, list) or not items:
        return ()
    found: list[Enclosure] = []
    for item in items:
        href = absolute_url(item.get(key), url) if item else None
        if href:
            found.append(Enclosure(href, _text(item.get("type")), to_int(item.get("length"))))
    return tuple(found)
