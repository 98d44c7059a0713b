"""The poll decider: when to read each source next. Pure: no I/O, ``now`` passed in.

The pipeline polls what :func:`due` returns, turns each result into a
:class:`PollOutcome` (:func:`outcome_from_response`, :func:`outcome_from_error`),
asks :func:`decide` for a :class:`PollDecision` and stores it::

    due(sources, now) | poll | outcome_from_* | decide(source, outcome, now, bounds, rng) | store

:func:`page_retry_at` is the same kind of decision for one article's page.

The rules for sources, in order of precedence:

- **410 Gone** disables the source, with the reason and date (the only way
  a source is ever disabled here).
- **Failures** back off exponentially, ``base × 2^(failures-1)`` capped at
  ``max_backoff``, with full jitter; a 429/503 waits what ``Retry-After`` says
  (capped likewise). A source is never given up on: after 1,000 failures it
  is still polled, at the cap.
- **Success** resets failures; the interval follows the source's rhythm (half
  the median gap between its recent entries, longer when it has gone quiet),
  never sooner than Cache-Control ``max-age``, RSS ``<ttl>`` or
  ``sy:updatePeriod`` allow, always within the bounds (global ``poll``
  settings narrowed by the source's own ``poll_min/max_seconds``).
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..config import PollSettings
from ..exceptions import (
    BlockedAddressError,
    ExtractionError,
    FetchError,
    HTTPStatusError,
    OccasionalError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    StorageError,
)
from ..types import FeedData, FetchResponse, Source
from .headers import cache_max_age

__all__ = [
    "POLL_KINDS",
    "PollBounds",
    "PollDecision",
    "PollOutcome",
    "backoff_ceiling",
    "decide",
    "due",
    "outcome_from_error",
    "outcome_from_response",
    "page_retry_at",
]

POLL_KINDS = frozenset({"ok", "not_modified", "error", "gone", "rate_limited", "moved"})
# How many of the newest entries define a source's rhythm.
_RHYTHM_ENTRIES = 10
# Without entry dates, nudge the interval: shorter when something arrived.
_NUDGE_NEW, _NUDGE_NONE = 0.75, 1.25


@dataclass(frozen=True, slots=True)
class PollBounds:
    """Global limits on polling, in seconds (see ``[poll]`` settings)."""

    min_seconds: int = 15 * 60
    max_seconds: int = 24 * 3600
    max_backoff_seconds: int = 24 * 3600

    @classmethod
    def from_settings(cls, settings: PollSettings) -> PollBounds:
        """The bounds the ``[poll]`` settings table sets."""
        return cls(settings.min_interval, settings.max_interval, settings.max_backoff)


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one poll of a source found; ``kind`` is one of :data:`POLL_KINDS`.

    ``retry_after`` and ``cache_max_age`` are seconds; ``entry_times`` are the
    publish times of the entries the feed holds now; ``http_status`` the HTTP
    status (``None`` when no answer came).
    """

    kind: str
    retry_after: float | None = None
    cache_max_age: int | None = None
    ttl_minutes: int | None = None
    update_period_minutes: int | None = None
    entry_times: tuple[datetime, ...] = ()
    new_entries: int = 0
    error: str | None = None
    http_status: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in POLL_KINDS:
            raise ValueError(f"unknown poll outcome {self.kind!r}; use one of {sorted(POLL_KINDS)}")


@dataclass(frozen=True, slots=True)
class PollDecision:
    """What to store on the source after a poll.

    ``interval_seconds`` is the source's regular rhythm (kept through
    failures); ``wait_seconds`` is this time's wait, ``next_poll - now``.
    """

    next_poll: datetime
    interval_seconds: int
    failures: int
    disabled_reason: str | None
    last_error: str | None
    wait_seconds: int


def outcome_from_response(
    response: FetchResponse, feed: FeedData | None = None, new_entries: int = 0
) -> PollOutcome:
    """The outcome of a poll that got an answer (``feed`` when it parsed)."""
    if response.not_modified:
        kind = "not_modified"
    else:
        kind = "moved" if response.permanent_redirect else "ok"
    times = tuple(e.published or e.updated for e in feed.entries) if feed else ()
    return PollOutcome(
        kind=kind,
        cache_max_age=cache_max_age(response.headers),
        ttl_minutes=feed.ttl_minutes if feed else None,
        update_period_minutes=feed.update_period_minutes if feed else None,
        entry_times=tuple(t for t in times if t is not None),
        new_entries=new_entries,
        http_status=response.status,
    )


_STATUS_KINDS = {410: "gone", 429: "rate_limited", 503: "rate_limited"}


def outcome_from_error(exc: FetchError) -> PollOutcome:
    """The outcome of a poll that failed with ``exc``."""
    status = exc.status if isinstance(exc, HTTPStatusError) else None
    retry = exc.retry_after if isinstance(exc, HTTPStatusError) else None
    kind = _STATUS_KINDS.get(status or 0, "error")
    return PollOutcome(kind=kind, retry_after=retry, error=str(exc), http_status=status)


def _limits(source: Source, bounds: PollBounds) -> tuple[int, int]:
    """The interval range for ``source``: global bounds narrowed by its own."""
    low = max(bounds.min_seconds, source.settings.poll_min_seconds, 1)
    high = min(bounds.max_seconds, source.settings.poll_max_seconds)
    return low, max(low, high)


def _rhythm(times: tuple[datetime, ...], now: datetime) -> float | None:
    """Seconds between polls the entries' publishing suggests, or None."""
    recent = sorted(set(times), reverse=True)[:_RHYTHM_ENTRIES]
    gaps = [(a - b).total_seconds() for a, b in itertools.pairwise(recent)]
    if not gaps:
        return None
    half_gap = statistics.median(gaps) / 2
    # A source silent for long after its last entry is slowing down.
    quiet = (now - recent[0]).total_seconds() / 4
    return max(half_gap, quiet)


def _floor(outcome: PollOutcome, high: int) -> int:
    """The soonest the publisher says to come back, capped at ``high``."""
    hints = [
        outcome.cache_max_age or 0,
        (outcome.ttl_minutes or 0) * 60,
        (outcome.update_period_minutes or 0) * 60,
    ]
    return min(max(hints), high)


def _success(
    source: Source, outcome: PollOutcome, now: datetime, bounds: PollBounds, rng: random.Random
) -> PollDecision:
    low, high = _limits(source, bounds)
    interval = _rhythm(outcome.entry_times, now)
    if interval is None:
        previous = source.interval_seconds or low
        interval = previous * (_NUDGE_NEW if outcome.new_entries else _NUDGE_NONE)
    floor = max(low, _floor(outcome, high))
    interval = min(max(interval, floor), high)
    # Up to 10% earlier, so sources added together drift apart.
    wait = max(1, round(rng.uniform(max(floor, interval * 0.9), interval)))
    # A feed that parsed with complaints still succeeded; keep the complaint visible.
    return PollDecision(
        now + timedelta(seconds=wait), round(interval), 0, None, outcome.error, wait
    )


def backoff_ceiling(failures: int, base: int, cap: int) -> int:
    """The longest wait after ``failures`` consecutive failures: base × 2^(n-1), capped."""
    if failures <= 0:
        return min(base, cap)
    # Shift, not power: 2**1000 as a float would overflow.
    return min(cap, base << min(failures - 1, 64))


def _failure(
    source: Source, outcome: PollOutcome, now: datetime, bounds: PollBounds, rng: random.Random
) -> PollDecision:
    low, _ = _limits(source, bounds)
    failures = source.failures + 1
    ceiling = backoff_ceiling(failures, low, bounds.max_backoff_seconds)
    floor = min(low, bounds.max_backoff_seconds)
    if outcome.kind == "rate_limited" and outcome.retry_after is not None:
        wait = min(max(outcome.retry_after, floor), bounds.max_backoff_seconds)
    else:
        wait = max(floor, rng.uniform(0, ceiling))  # full jitter, never sooner than low
    seconds = max(1, round(wait))
    interval = source.interval_seconds or low
    error = outcome.error or f"poll failed ({outcome.kind})"
    return PollDecision(now + timedelta(seconds=seconds), interval, failures, None, error, seconds)


def _gone(
    source: Source, outcome: PollOutcome, now: datetime, bounds: PollBounds, rng: random.Random
) -> PollDecision:
    _, high = _limits(source, bounds)
    since = now.strftime("%Y-%m-%d %H:%M %Z").strip()
    reason = f"feed is gone (HTTP 410) since {since}; re-enable it if the publisher brings it back"
    interval = source.interval_seconds or high
    return PollDecision(
        now + timedelta(seconds=high),
        interval,
        source.failures + 1,
        reason,
        outcome.error or "HTTP 410 Gone",
        high,
    )


_RULES = {
    "ok": _success,
    "not_modified": _success,
    "moved": _success,
    "error": _failure,
    "rate_limited": _failure,
    "gone": _gone,
}


def decide(
    source: Source,
    outcome: PollOutcome,
    now: datetime,
    bounds: PollBounds,
    rng: random.Random,
) -> PollDecision:
    """When to poll ``source`` next, given what this poll found. Pure; never raises.

    ``next_poll`` is always later than ``now``. ``rng`` supplies the jitter
    (pass ``random.Random(seed)`` for reproducible schedules).
    """
    return _RULES[outcome.kind](source, outcome, now, bounds, rng)


def _is_due(source: Source, now: datetime) -> bool:
    enabled = source.settings.enabled and source.disabled_reason is None
    return enabled and (source.next_poll is None or source.next_poll <= now)


def due(sources: Iterable[Source], now: datetime) -> list[Source]:
    """The enabled sources to poll at ``now``: never polled first, then most overdue."""
    ready = [s for s in sources if _is_due(s, now)]
    return sorted(ready, key=lambda s: (s.next_poll is not None, s.next_poll or now, s.id))


# --- article pages -----------------------------------------------------------------

#: How many times a page is tried before its article keeps the feed's text for good.
PAGE_ATTEMPTS = 4
#: The wait after a page's first failure; each later one waits four times longer
#: (10 min, 40 min, 2 h 40 min): news pages matter for a day, not a week.
PAGE_RETRY_BASE = timedelta(minutes=10)
_PAGE_RETRY_CAP = timedelta(days=1)
# Answers that will not change by asking again soon.
_PAGE_FINAL_STATUS = frozenset({400, 401, 403, 404, 405, 406, 410, 414, 451})


def page_retry_at(error: BaseException, attempts: int, now: datetime) -> datetime | None:
    """When to try a page again after its ``attempts``-th failure, or None to stop.

    A failure the page itself causes (robots.txt forbids it, a refused address,
    a 404, no article text, too large, not a URL) is final; the others (timeouts,
    5xx, 429, a cut connection, robots.txt unreadable, anything unexpected) are
    retried up to :data:`PAGE_ATTEMPTS` tries in all, waiting
    ``PAGE_RETRY_BASE × 4^(attempts-1)`` or what ``Retry-After`` asks, if longer
    (at most a day). Pure; never raises.
    """
    if attempts >= PAGE_ATTEMPTS or _page_failure_is_final(error):
        return None
    wait = PAGE_RETRY_BASE * (1 << 2 * max(attempts - 1, 0))  # × 4 per failure
    if isinstance(error, HTTPStatusError) and error.retry_after:
        wait = max(wait, timedelta(seconds=min(error.retry_after, 86_400)))
    return now + min(wait, _PAGE_RETRY_CAP)


def _page_failure_is_final(error: BaseException) -> bool:
    if isinstance(error, RobotsDisallowedError):
        return not error.temporary
    if isinstance(error, HTTPStatusError):
        return error.status in _PAGE_FINAL_STATUS
    if isinstance(error, BlockedAddressError | ResponseTooLargeError | ExtractionError):
        return True
    # Ours but not a fetch failure (InvalidURLError, a bad setting): asking again changes
    # nothing. A fetch failure, a storage failure or anything unexpected may pass.
    return isinstance(error, OccasionalError) and not isinstance(error, FetchError | StorageError)
