"""OPML subscription lists in and out.

:func:`parse_opml` reads what feed readers export: every outline with an
``xmlUrl`` is a subscription, and the folders (outlines without one) it sits
in become its tags, outermost first, followed by any ``category`` values.
Outlines it cannot use are skipped and listed, with the reason, in
``OPMLDocument.errors``; a file that is damaged or cut short is read as far
as it can be and says so in ``OPMLDocument.damaged``. :func:`write_opml`
writes the reverse: a source's first tag is its folder, the others go in
``category``, and ``type="sitemap"`` marks a site read through its sitemap,
so the two round-trip.

Raises :class:`~occasional.exceptions.OPMLError` only when the data is not
OPML at all (or declares XML entities).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from occasional.exceptions import FeedParseError, OPMLError
from occasional.sources._prolog import safe_xml
from occasional.sources._values import clean_text, is_http_url
from occasional.types import Source

__all__ = ["OPMLDocument", "OPMLOutline", "parse_opml", "write_opml"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, recover=True, huge_tree=False
)
_STRICT = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, recover=False, huge_tree=False
)
_KINDS = frozenset({"feed", "sitemap"})


@dataclass(frozen=True, slots=True)
class OPMLOutline:
    """One subscription found in an OPML file; ``kind`` is ``"feed"`` or ``"sitemap"``."""

    url: str
    title: str | None = None
    site_url: str | None = None
    tags: tuple[str, ...] = ()
    kind: str = "feed"


@dataclass(frozen=True, slots=True)
class OPMLDocument:
    """The subscriptions of an OPML file and the outlines skipped, with why.

    ``damaged`` says what is wrong with a file that is not well-formed (cut
    short, say); ``outlines`` then holds what could be read of it.
    """

    outlines: tuple[OPMLOutline, ...]
    title: str | None = None
    errors: tuple[str, ...] = ()
    damaged: str | None = None


def parse_opml(data: bytes) -> OPMLDocument:
    """Parse OPML bytes; see the module docstring for folders, tags and errors."""
    root, damaged = _root(data)
    body = root.find("body")
    if body is None:
        empty = ("OPML has no <body>; nothing imported",)
        return OPMLDocument((), _head_title(root), empty, damaged)
    outlines: list[OPMLOutline] = []
    errors: list[str] = []
    seen: set[str] = set()
    for element, folders in _walk(body, ()):
        outline, error = _outline(element, folders, seen)
        if outline is not None:
            outlines.append(outline)
        if error is not None:
            errors.append(error)
    return OPMLDocument(tuple(outlines), _head_title(root), tuple(errors), damaged)


def write_opml(sources: Iterable[Source], title: str = "occasional subscriptions") -> str:
    """An OPML 2.0 document (a str) listing ``sources``, tags as folders.

    Sources are grouped by their first tag, folders in order of first use,
    untagged sources at the top level first.
    """
    folders: dict[str, list[str]] = {}
    loose: list[str] = []
    for source in sources:
        tags = source.settings.tags
        line = _outline_xml(source, tags[1:])
        (folders.setdefault(tags[0], []) if tags else loose).append(line)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">']
    lines += [f"  <head><title>{_escape(title)}</title></head>", "  <body>"]
    lines += [f"    {line}" for line in loose]
    for folder, members in folders.items():
        name = quoteattr(_xml_text(folder))
        lines.append(f"    <outline text={name} title={name}>")
        lines += [f"      {line}" for line in members]
        lines.append("    </outline>")
    return "\n".join([*lines, "  </body>", "</opml>", ""])


# --- reading ---------------------------------------------------------------------


def _root(data: bytes) -> tuple[Any, str | None]:
    if not data or not data.strip():
        raise OPMLError("not OPML: the file is empty")
    try:
        safe, match, _ = safe_xml(data, "")
    except FeedParseError as exc:
        raise OPMLError(f"not OPML: {exc}") from exc
    name = match.group(1).decode("ascii", "replace")
    if name.lower() != "opml":
        raise OPMLError(f"not OPML: the document is <{name}>, expected <opml>")
    root = etree.fromstring(safe, parser=_PARSER)
    if root is None:
        raise OPMLError("not OPML: the XML does not parse")
    return root, _damage(safe)


def _damage(data: bytes) -> str | None:
    """Why a strict parser refuses ``data`` (which a recovering one read), or None."""
    try:
        etree.fromstring(data, parser=_STRICT)
    except etree.XMLSyntaxError as exc:
        where = f" at line {exc.lineno}" if exc.lineno else ""
        problem = f"the file is damaged or cut short{where} ({exc.msg})"
        return f"{problem}; only what could be read is listed"
    return None


def _head_title(root: Any) -> str | None:
    return clean_text(root.findtext("head/title"))


def _walk(parent: Any, folders: tuple[str, ...]) -> Iterator[tuple[Any, tuple[str, ...]]]:
    for element in parent.iterchildren("outline"):
        if _attr(element, "xmlUrl") is not None or not len(element):
            yield element, folders
        else:
            name = _label(element)
            yield from _walk(element, (*folders, name) if name else folders)


def _outline(
    element: Any, folders: tuple[str, ...], seen: set[str]
) -> tuple[OPMLOutline | None, str | None]:
    label = _label(element) or "(untitled)"
    url = _attr(element, "xmlUrl")
    if url is None:
        return None, f"outline {label!r}: no xmlUrl; skipped"
    if not is_http_url(url):
        return None, f"outline {label!r}: invalid URL {url!r}; skipped"
    if url in seen:
        return None, f"outline {label!r}: duplicate of {url}; skipped"
    seen.add(url)
    tags = tuple(dict.fromkeys([*folders, *_categories(element)]))
    site = _attr(element, "htmlUrl")
    # Exporters with no title repeat the URL as the text: that is no title.
    title = _label(element) if _label(element) != url else None
    kind = (_attr(element, "type") or "").lower()
    site = site if site and is_http_url(site) else None
    return OPMLOutline(url, title, site, tags, kind if kind in _KINDS else "feed"), None


def _attr(element: Any, name: str) -> str | None:
    # Exporters disagree on case (xmlUrl, xmlurl, XMLURL).
    wanted = name.lower()
    for key, value in element.attrib.items():
        if key.lower() == wanted:
            return clean_text(value)
    return None


def _label(element: Any) -> str | None:
    return _attr(element, "title") or _attr(element, "text")


def _categories(element: Any) -> list[str]:
    value = _attr(element, "category") or ""
    return [part.strip().strip("/").strip() for part in value.split(",") if part.strip("/ ")]


# --- writing ---------------------------------------------------------------------


def _outline_xml(source: Source, extra_tags: tuple[str, ...]) -> str:
    title = _xml_text(source.settings.title or source.title or source.url)
    attributes = {
        "type": "rss" if source.kind == "feed" else source.kind,
        "text": title,
        "title": title,
        "xmlUrl": _xml_text(source.url),
    }
    if source.site_url:
        attributes["htmlUrl"] = _xml_text(source.site_url)
    if extra_tags:
        attributes["category"] = _xml_text(",".join(extra_tags))
    return "<outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attributes.items()) + "/>"


def _escape(text: str) -> str:
    return quoteattr(_xml_text(text))[1:-1]


def _xml_text(text: str) -> str:
    # Control characters cannot appear in XML 1.0 at all, even escaped.
    return _NOT_XML.sub("", text)
