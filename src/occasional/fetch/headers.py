"""Reading the HTTP headers that steer polling: Retry-After and Cache-Control.

Pure functions: the Fetcher calls :func:`parse_retry_after` when it raises
:class:`~occasional.exceptions.HTTPStatusError`; the poll decider's
:func:`~occasional.fetch.schedule.outcome_from_response` calls
:func:`cache_max_age`. Neither raises: a value they cannot read is ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["cache_max_age", "parse_retry_after"]

_CASE_BLIND = (CIMultiDict, CIMultiDictProxy)
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from ``now``, from delta-seconds or an HTTP-date.

    A date in the past gives 0.0; an unreadable value gives ``None``.
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _get(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    # aiohttp's headers already match names case-blind; only plain dicts need the scan.
    if value is None and not isinstance(headers, _CASE_BLIND):
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


def cache_max_age(headers: Mapping[str, str]) -> int | None:
    """Cache-Control ``max-age`` in seconds, or ``None`` when absent or unreadable."""
    value = _get(headers, "cache-control")
    if not value:
        return None
    match = _MAX_AGE.search(value)
    return int(match.group(1)) if match else None
