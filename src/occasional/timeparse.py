"""Reading the times users type: ``24h``, ``7d``, ``2026-11-01``, full ISO 8601."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .exceptions import InputError

__all__ = ["parse_since"]

_SPAN = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """An aware UTC time from a span before ``now`` (``36h``) or an ISO 8601 date/time.

    A time without an offset is taken as UTC. Raises InputError otherwise.
    """
    span = _SPAN.match(value)
    if span:
        amount, unit = int(span.group(1)), span.group(2).lower()
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[unit]: amount})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(
            f"--since {value!r}: give a span like 30m, 24h, 7d, 2w or an ISO date like 2026-11-01"
        ) from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
