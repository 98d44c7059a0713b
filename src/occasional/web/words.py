"""What the pages say, worked out purely: times in words, a source's health, the
coverage chart of a story. No I/O; ``now`` is always an argument."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..storage.accounts import Subscription

__all__ = ["Bar", "Chart", "coverage_chart", "health", "relative", "stamp"]

_UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"))


def stamp(moment: datetime | None) -> str:
    """A time as "2026-03-01 14:05 UTC" ("" for none)."""
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else ""


def relative(moment: datetime | None, now: datetime) -> str:
    """A time in words: "5 minutes ago", "in 2 hours", "just now", "never"."""
    if moment is None:
        return "never"
    seconds = (moment - now).total_seconds()
    for size, unit in _UNITS:
        count = int(abs(seconds) // size)
        if count:
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if seconds > 0 else f"{words} ago"
    return "just now"


def health(sub: Subscription, now: datetime) -> tuple[str, str]:
    """A source's health in words and its kind ("ok", "failing", "paused", "disabled")."""
    source = sub.source
    if not sub.active:
        return "Paused by you: its articles stay out of your digests.", "paused"
    if source.disabled_reason:
        return f"Disabled: {source.disabled_reason}.", "disabled"
    if not source.settings.enabled:
        return "Not polled: disabled on this server.", "disabled"
    upcoming = relative(source.next_poll, now) if source.next_poll else "soon"
    if source.failures:
        tries = f"{source.failures} failed {'try' if source.failures == 1 else 'tries'}"
        error = source.last_error or "no reason given"
        return f"Failing ({tries}): {error}. Next try {upcoming}.", "failing"
    if source.last_polled is None:
        return f"Not polled yet; first poll {upcoming}.", "ok"
    return f"OK: polled {relative(source.last_polled, now)}; next poll {upcoming}.", "ok"


@dataclass(frozen=True, slots=True)
class Bar:
    """One column of the coverage chart: where it is drawn and what it counts."""

    x: float
    y: float
    width: float
    height: float
    count: int
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    """The coverage chart of a story, in SVG user units, and its text alternative."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    summary: str
    first: str
    last: str


def coverage_chart(times: Sequence[datetime], *, width: int = 320, height: int = 80) -> Chart:
    """Articles per hour (per day when the story spans more than two days)."""
    if not times:
        return Chart(width, height, (), "No dated articles.", "", "")
    start, end = min(times), max(times)
    daily = end - start > timedelta(days=2)
    step = timedelta(days=1) if daily else timedelta(hours=1)
    base = start.replace(minute=0, second=0, microsecond=0)
    if daily:
        base = base.replace(hour=0)
    slots = int((end - base) / step) + 1
    counts = [0] * slots
    for moment in times:
        counts[int((moment - base) / step)] += 1
    tallest = max(counts)
    slot_width = width / slots
    bars = []
    for index, count in enumerate(counts):
        if not count:
            continue
        bar_height = (height - 4) * count / tallest
        label = f"{base + index * step:%Y-%m-%d}" if daily else f"{base + index * step:%d %b %H:00}"
        bars.append(
            Bar(
                x=round(index * slot_width + 1, 2),
                y=round(height - bar_height, 2),
                width=round(max(slot_width - 2, 1), 2),
                height=round(bar_height, 2),
                count=count,
                label=label,
            )
        )
    unit = "day" if daily else "hour"
    busiest = max(bars, key=lambda bar: bar.count)
    summary = (
        f"{len(times)} articles over {slots} {unit}{'' if slots == 1 else 's'}; "
        f"the most ({busiest.count}) in the {unit} of {busiest.label}."
    )
    return Chart(width, height, tuple(bars), summary, stamp(start), stamp(end))
