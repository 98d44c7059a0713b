"""Small value functions shared by the feed, sitemap and OPML readers.

Called by :mod:`occasional.sources._xmlfeeds`, :mod:`._jsonfeed`,
:mod:`.sitemaps` and :mod:`.opml`; nothing here raises.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser.datetimes

from occasional.exceptions import describe
from occasional.types import EntryData

__all__ = [
    "absolute_url",
    "clean_text",
    "is_http_url",
    "is_iso_time",
    "parse_date",
    "read_entries",
    "struct_to_datetime",
    "to_int",
]


def is_iso_time(text: str) -> bool:
    """True when ``text`` is a whole ISO 8601 date or time (nothing left to guess)."""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_date(value: object) -> datetime | None:
    """An aware UTC datetime from an ISO 8601, RFC 822 or other feed date.

    ISO 8601 and RFC 822 are tried first because they cover nearly every
    real feed cheaply; feedparser's date handlers take the odd rest.
    Returns ``None`` for anything unreadable, including times that fall
    outside the years 1-9999 once their offset is applied.
    """
    if isinstance(value, datetime):
        return _as_utc(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[:4].isdigit():  # ISO 8601; RFC 822 starts with a weekday or day
        try:
            return _as_utc(datetime.fromisoformat(text))
        except ValueError:
            pass
    try:
        return _as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        return struct_to_datetime(feedparser.datetimes._parse_date(text))
    except (TypeError, ValueError, IndexError, OverflowError):  # its handlers are many and old
        return None


def struct_to_datetime(value: Any) -> datetime | None:
    """A UTC datetime from a feedparser ``*_parsed`` struct_time (already UTC)."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _as_utc(value: datetime) -> datetime | None:
    # Feeds that give no offset almost always mean UTC (or do not know).
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 or 9999 pushed out of range by its offset
        return None


def absolute_url(value: object, base: str) -> str | None:
    """``value`` resolved against ``base``; ``None`` for empty or non-strings."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text.startswith(("http://", "https://")):
        return text
    try:
        return urljoin(base, text)
    except ValueError:
        return text


def is_http_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def clean_text(value: object) -> str | None:
    """A stripped string, or ``None`` when empty or not a string."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text or None


def to_int(value: object) -> int | None:
    """A non-negative int from a string or number; ``None`` when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def read_entries(
    raw: Iterable[Any], read: Callable[[Any, str], EntryData], url: str
) -> tuple[tuple[EntryData, ...], tuple[str, ...]]:
    """Every raw entry converted by ``read``, and what was skipped.

    An entry whose values have a shape ``read`` did not expect is skipped and
    said, so one odd entry never costs the feed its others.
    """
    entries: list[EntryData] = []
    failures: list[str] = []
    for number, item in enumerate(raw, 1):
        try:
            entries.append(read(item, url))
        except Exception as exc:  # see the docstring: any failure is this entry's alone
            failures.append(f"entry {number} ({describe(exc)})")
    if not failures:
        return tuple(entries), ()
    more = f"; and {len(failures) - 3} more" if len(failures) > 3 else ""
    shown = "; ".join(failures[:3]) + more
    return tuple(entries), (f"{len(failures)} entries could not be read and were skipped: {shown}",)
