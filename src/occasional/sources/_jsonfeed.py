"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/).

:func:`parse_json_feed` is registered for the ``json`` kind by
:mod:`occasional.sources.feeds`. It raises
:class:`~occasional.exceptions.FeedParseError` for JSON that is not a JSON
Feed; items that are not objects, or that cannot be read, are skipped and
listed in ``errors``. Fields of the wrong type are read as absent.
"""

from __future__ import annotations

import html
import json
from typing import Any

from occasional.exceptions import FeedParseError, describe
from occasional.sources._values import absolute_url, clean_text, parse_date, to_int
from occasional.types import Enclosure, EntryData, FeedData

__all__ = ["parse_json_feed"]

_MARKERS = (b"jsonfeed.org/version", b"jsonfeed.org\\/version")


def parse_json_feed(body: bytes, url: str, charset: str | None = None) -> FeedData:
    """Parse a JSON Feed; ``charset`` is unused (JSON is UTF-8 by definition)."""
    # A cheap scan rejects other JSON (APIs, error objects) before decoding it.
    if not any(marker in body for marker in _MARKERS):
        raise FeedParseError("got JSON that is not a JSON Feed (no jsonfeed.org version)", url)
    doc = _load(body, url)
    version = str(doc.get("version", ""))
    entries, errors = _items(doc.get("items"), url)
    return FeedData(
        title=clean_text(doc.get("title")),
        link=absolute_url(doc.get("home_page_url"), url),
        entries=entries,
        format="json1.0" if version.endswith("/1") else "json1.1",
        description=clean_text(doc.get("description")),
        language=clean_text(doc.get("language")),
        errors=errors,
    )


def _load(body: bytes, url: str) -> dict[str, Any]:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise FeedParseError(f"got invalid JSON, not a feed: {exc}", url) from exc
    if not isinstance(doc, dict) or "jsonfeed.org/version" not in str(doc.get("version")):
        raise FeedParseError("got JSON that is not a JSON Feed (no jsonfeed.org version)", url)
    return doc


def _items(items: object, url: str) -> tuple[tuple[EntryData, ...], tuple[str, ...]]:
    if items is None:
        return (), ("JSON Feed has no items list",)
    if not isinstance(items, list):
        return (), ("JSON Feed items is not a list; ignored",)
    entries: list[EntryData] = []
    errors: list[str] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            errors.append(f"item {number} is not an object; skipped")
            continue
        try:
            entries.append(_entry(item, url))
        except Exception as exc:  # a value shape no reader below expected: lose one item only
            errors.append(f"item {number} could not be read ({describe(exc)}); skipped")
    return tuple(entries), tuple(errors)


def _entry(item: dict[str, Any], url: str) -> EntryData:
    guid = item.get("id")
    return EntryData(
        guid=str(guid) if isinstance(guid, str | int) and str(guid) else None,
        link=absolute_url(item.get("url") or item.get("external_url"), url),
        title=clean_text(item.get("title")),
        summary=clean_text(item.get("summary")),
        content=_content(item),
        authors=_authors(item),
        published=parse_date(item.get("date_published")),
        updated=parse_date(item.get("date_modified")),
        categories=_tags(item.get("tags")),
        enclosures=_attachments(item.get("attachments"), url),
    )


def _tags(value: object) -> tuple[str, ...]:
    # The spec says an array of strings; a lone string is read as one tag, anything else as none.
    tags = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(t.strip() for t in tags if isinstance(t, str) and t.strip())


def _content(item: dict[str, Any]) -> str | None:
    content = item.get("content_html")
    if isinstance(content, str) and content.strip():
        return content
    text = item.get("content_text")
    # content is HTML everywhere else, so plain text is escaped, not trusted.
    return html.escape(text) if isinstance(text, str) and text.strip() else None


def _authors(item: dict[str, Any]) -> tuple[str, ...]:
    people = item.get("authors")
    if not isinstance(people, list):
        people = [item.get("author")]  # JSON Feed 1.0 had a single author
    names = (p.get("name") for p in people if isinstance(p, dict))
    return tuple(n.strip() for n in names if isinstance(n, str) and n.strip())


def _attachments(value: object, url: str) -> tuple[Enclosure, ...]:
    if not isinstance(value, list):
        return ()
    found: list[Enclosure] = []
    for attachment in value:
        if not isinstance(attachment, dict):
            continue
        href = absolute_url(attachment.get("url"), url)
        if href:
            kind = clean_text(attachment.get("mime_type"))
            found.append(Enclosure(href, kind, to_int(attachment.get("size_in_bytes"))))
    return tuple(found)
