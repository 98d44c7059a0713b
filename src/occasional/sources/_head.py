"""Channel values the parsers miss: ``<ttl>``, ``sy:`` hints, language.

Called by :mod:`occasional.sources._xmlfeeds` on the UTF-8 bytes. Only the
part before the first entry is scanned, with regexes, because both hints
belong to the channel and a second tree walk would cost more than the parse.
Never raises.
"""

from __future__ import annotations

import re

__all__ = ["channel_head_values", "channel_language"]

_FIRST_ENTRY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
_TTL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?ttl(?:\s[^>]*)?>\s*(\d{1,9})\s*<")
_PERIOD = re.compile(rb"<[A-Za-z_][\w.-]*:updatePeriod(?:\s[^>]*)?>\s*([A-Za-z]+)\s*<")
_FREQUENCY = re.compile(rb"<[A-Za-z_][\w.-]*:updateFrequency(?:\s[^>]*)?>\s*(\d{1,9})\s*<")
_LANGUAGE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?language(?:\s[^>]*)?>\s*([A-Za-z]{2,3}(?:[-_][\w-]+)?)\s*<"
)
# A literal start lets the regex engine jump between candidates ("\b" did not).
_XML_LANG = re.compile(rb"""xml:lang\s*=\s*["']([A-Za-z]{2,3}(?:[-_][\w-]+)?)["']""")
_PERIOD_MINUTES = {
    b"hourly": 60,
    b"daily": 24 * 60,
    b"weekly": 7 * 24 * 60,
    b"monthly": 30 * 24 * 60,
    b"yearly": 365 * 24 * 60,
}
_HEAD_LIMIT = 65536


def channel_head_values(data: bytes) -> tuple[int | None, int | None]:
    """``(ttl_minutes, update_period_minutes)`` from the channel, or ``None``s.

    ``sy:updatePeriod`` defaults to daily and ``sy:updateFrequency`` to 1,
    as the syndication module says, once either is present.
    """
    if data.find(b"ttl>", 0, _HEAD_LIMIT) < 0 and data.find(b"update", 0, _HEAD_LIMIT) < 0:
        return None, None
    first = _FIRST_ENTRY.search(data, 0, _HEAD_LIMIT)
    head = data[: first.start() if first else _HEAD_LIMIT]
    ttl = _ttl(head) if b"ttl" in head else None
    return ttl, _period(head) if b"update" in head else None


def channel_language(data: bytes) -> str | None:
    """The channel's ``<language>``/``<dc:language>``, else the first ``xml:lang``."""
    if data.find(b"lang", 0, _HEAD_LIMIT) < 0:
        return None  # a memory-speed scan spares the regexes on most Atom feeds
    first = _FIRST_ENTRY.search(data, 0, _HEAD_LIMIT)
    head = data[: first.start() if first else _HEAD_LIMIT]
    match = _LANGUAGE.search(head) if b"language" in head else None
    match = match or _XML_LANG.search(head)
    return match.group(1).decode("ascii") if match else None


def _ttl(head: bytes) -> int | None:
    match = _TTL.search(head)
    return int(match.group(1)) if match else None


def _period(head: bytes) -> int | None:
    period = _PERIOD.search(head)
    frequency = _FREQUENCY.search(head)
    if period is None and frequency is None:
        return None
    minutes = _PERIOD_MINUTES.get(period.group(1).lower() if period else b"daily")
    if minutes is None:
        return None
    times = int(frequency.group(1)) if frequency else 1
    return max(1, minutes // times) if times > 0 else None
