"""Reading the dates a page declares, as aware UTC datetimes.

Called by :mod:`occasional.extract.metadata` with the strings it found in
``<meta>``, JSON-LD and ``<time>``; :func:`guess_published` asks htmldate
only when the page declared nothing, because its search is the slowest part
of metadata extraction.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml.html import HtmlElement

__all__ = ["guess_published", "parse_date"]

_LOG = logging.getLogger(__name__)

# fromisoformat (3.11) reads most of ISO 8601 but not a "+0000" offset
# without a colon after a time with fractions, nor a space before the offset.
_OFFSET_NO_COLON = re.compile(r"([+-]\d\d)(\d\d)$")
_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)


def _as_utc(value: datetime) -> datetime | None:
    if value.tzinfo is None:
        # A page that gives no offset is read as UTC: a guess, but a stable one.
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 or 9999 pushed out of range by its offset
        return None


def _from_iso(text: str) -> datetime | None:
    candidate = _OFFSET_NO_COLON.sub(r"\1:\2", text.replace(" +", "+").replace(" -", "-"))
    try:
        return datetime.fromisoformat(candidate.replace("Z", "+00:00"))
    except ValueError:
        return None


def _from_rfc2822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_date(text: str | None, now: datetime | None = None) -> datetime | None:
    """An aware UTC datetime from an ISO 8601 or RFC 2822 string, else None.

    Dates before 1995 or more than a day after ``now`` (when given) are
    rejected as typos or placeholders, and so are times pushed outside the
    years 1-9999 by their offset. Never raises.
    """
    if not text:
        return None
    text = text.strip()
    found = _from_iso(text) or _from_rfc2822(text)
    if found is None:
        return None
    found = _as_utc(found)
    if found is None or found < _EARLIEST or (now is not None and (found - now).days >= 1):
        return None
    return found


def guess_published(tree: HtmlElement, url: str | None) -> datetime | None:
    """htmldate's guess at the publication date (day precision), as UTC midnight.

    Only called when the page declares no date in markup; htmldate then
    reads the URL and visible text. Never raises: a failed guess is None.
    """
    from htmldate import find_date  # imported late: it loads dateparser, slow to import

    try:
        found = find_date(tree, url=url, extensive_search=False, original_date=True)
    except Exception as exc:  # htmldate has no error type of its own; a guess may fail
        _LOG.debug("htmldate failed on %s: %s", url, exc)
        return None
    return parse_date(found) if isinstance(found, str) else None
