"""The pure poll decider: rules by example, invariants by hypothesis."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.config import PollSettings
from occasional.exceptions import FetchError, FetchTimeoutError, HTTPStatusError
from occasional.fetch import (
    PollBounds,
    PollOutcome,
    backoff_ceiling,
    cache_max_age,
    decide,
    due,
    outcome_from_error,
    outcome_from_response,
    parse_retry_after,
)
from occasional.types import EntryData, FeedData, FetchResponse, Source, SourceSettings

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
BOUNDS = PollBounds(min_seconds=15 * 60, max_seconds=24 * 3600, max_backoff_seconds=24 * 3600)
HOUR = 3600


def source(**changes: object) -> Source:
    fields: dict[str, object] = {"id": "s1", "url": "https://news.example/feed", **changes}
    return Source(**fields)  # type: ignore[arg-type]


def hourly(count: int, every: timedelta, last: datetime = NOW) -> tuple[datetime, ...]:
    return tuple(last - every * n for n in range(count))


def wait_of(decision_next: datetime) -> float:
    return (decision_next - NOW).total_seconds()


# --- rules by example ------------------------------------------------------------


def test_interval_follows_the_publishing_rhythm() -> None:
    outcome = PollOutcome("ok", entry_times=hourly(8, timedelta(hours=4)), new_entries=1)
    decision = decide(source(), outcome, NOW, BOUNDS, random.Random(1))
    assert decision.interval_seconds == 2 * HOUR  # half the median gap
    assert 0.9 * 2 * HOUR <= decision.wait_seconds <= 2 * HOUR
    assert (decision.failures, decision.disabled_reason, decision.last_error) == (0, None, None)


def test_a_quiet_source_slows_down() -> None:
    times = hourly(8, timedelta(hours=1), last=NOW - timedelta(days=2))
    decision = decide(source(), PollOutcome("ok", entry_times=times), NOW, BOUNDS, random.Random(1))
    assert decision.interval_seconds == 12 * HOUR  # two quiet days / 4, not 30 minutes


def test_publisher_hints_set_the_soonest_poll() -> None:
    rhythm = hourly(8, timedelta(minutes=20))
    for hint in (
        PollOutcome("ok", entry_times=rhythm, cache_max_age=3 * HOUR),
        PollOutcome("ok", entry_times=rhythm, ttl_minutes=180),
        PollOutcome("not_modified", entry_times=rhythm, update_period_minutes=180),
    ):
        decision = decide(source(), hint, NOW, BOUNDS, random.Random(2))
        assert decision.wait_seconds >= 3 * HOUR


def test_hints_are_capped_at_the_maximum() -> None:
    outcome = PollOutcome("ok", cache_max_age=30 * 24 * HOUR)
    decision = decide(source(), outcome, NOW, BOUNDS, random.Random(3))
    assert decision.interval_seconds == BOUNDS.max_seconds


def test_source_settings_narrow_the_bounds() -> None:
    narrow = source(settings=SourceSettings(poll_min_seconds=2 * HOUR, poll_max_seconds=3 * HOUR))
    fast = PollOutcome("ok", entry_times=hourly(8, timedelta(minutes=5)))
    slow = PollOutcome("ok", entry_times=hourly(8, timedelta(days=3)))
    assert decide(narrow, fast, NOW, BOUNDS, random.Random(4)).interval_seconds == 2 * HOUR
    assert decide(narrow, slow, NOW, BOUNDS, random.Random(4)).interval_seconds == 3 * HOUR


def test_without_dates_the_interval_is_nudged() -> None:
    previous = source(interval_seconds=4 * HOUR)
    grown = decide(previous, PollOutcome("not_modified"), NOW, BOUNDS, random.Random(5))
    shrunk = decide(previous, PollOutcome("ok", new_entries=3), NOW, BOUNDS, random.Random(5))
    assert shrunk.interval_seconds < 4 * HOUR < grown.interval_seconds


def test_success_resets_failures() -> None:
    failing = source(failures=7, last_error="boom", interval_seconds=HOUR)
    decision = decide(failing, PollOutcome("moved"), NOW, BOUNDS, random.Random(6))
    assert (decision.failures, decision.last_error) == (0, None)


def test_retry_after_is_honoured() -> None:
    outcome = PollOutcome("rate_limited", retry_after=5 * HOUR, error="HTTP 429")
    decision = decide(source(failures=2), outcome, NOW, BOUNDS, random.Random(7))
    assert decision.wait_seconds == 5 * HOUR
    assert decision.failures == 3
    assert decision.last_error == "HTTP 429"


def test_retry_after_is_capped_at_max_backoff() -> None:
    outcome = PollOutcome("rate_limited", retry_after=90 * 24 * HOUR)
    decision = decide(source(), outcome, NOW, BOUNDS, random.Random(8))
    assert decision.wait_seconds == BOUNDS.max_backoff_seconds


def test_a_thousand_failures_are_still_polled_at_the_cap() -> None:
    decision = decide(
        source(failures=1000), PollOutcome("error", error="timeout"), NOW, BOUNDS, random.Random(9)
    )
    assert decision.disabled_reason is None
    assert decision.failures == 1001
    assert BOUNDS.min_seconds <= decision.wait_seconds <= BOUNDS.max_backoff_seconds


def test_gone_disables_with_a_reason() -> None:
    decision = decide(
        source(), PollOutcome("gone", http_status=410), NOW, BOUNDS, random.Random(10)
    )
    assert decision.disabled_reason is not None
    assert decision.disabled_reason.startswith("feed is gone (HTTP 410) since 2026-11-27 08:00 UTC")
    assert decision.next_poll > NOW


def test_unknown_outcome_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown poll outcome"):
        PollOutcome("exploded")


def test_bounds_from_settings() -> None:
    bounds = PollBounds.from_settings(
        PollSettings(min_interval=60, max_interval=600, max_backoff=900)
    )
    assert bounds == PollBounds(60, 600, 900)


# --- outcomes from responses and errors -------------------------------------------


def test_outcome_from_response_reads_headers_and_feed() -> None:
    entries = (
        EntryData(guid="a", link=None, published=NOW),
        EntryData(guid="b", link=None, updated=NOW - timedelta(hours=1)),
        EntryData(guid="c", link=None),
    )
    feed = FeedData(title="t", link=None, entries=entries, format="rss2.0", ttl_minutes=60)
    response = FetchResponse(
        url="https://news.example/feed",
        status=200,
        headers={"Cache-Control": "public, max-age=600"},
        body=b"",
        permanent_redirect="https://news.example/feed",
    )
    outcome = outcome_from_response(response, feed, new_entries=2)
    assert outcome.kind == "moved"
    assert (outcome.cache_max_age, outcome.ttl_minutes, outcome.new_entries) == (600, 60, 2)
    assert outcome.entry_times == (NOW, NOW - timedelta(hours=1))


def test_outcome_from_not_modified() -> None:
    response = FetchResponse(url="u", status=304, headers={}, body=b"", not_modified=True)
    assert outcome_from_response(response).kind == "not_modified"


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (HTTPStatusError("gone", "u", status=410), "gone"),
        (HTTPStatusError("slow", "u", status=429, retry_after=60), "rate_limited"),
        (HTTPStatusError("busy", "u", status=503), "rate_limited"),
        (HTTPStatusError("boom", "u", status=500), "error"),
        (FetchTimeoutError("late", "u"), "error"),
        (FetchError("refused", "u"), "error"),
    ],
)
def test_outcome_from_error(error: FetchError, kind: str) -> None:
    outcome = outcome_from_error(error)
    assert outcome.kind == kind
    assert outcome.error == str(error)
    assert outcome.retry_after == getattr(error, "retry_after", None)
    assert outcome.http_status == getattr(error, "status", None)


# --- due ------------------------------------------------------------------------------


def test_due_picks_enabled_overdue_sources_in_order() -> None:
    sources = [
        source(id="later", next_poll=NOW + timedelta(minutes=1)),
        source(id="overdue", next_poll=NOW - timedelta(hours=2)),
        source(id="new"),
        source(id="just", next_poll=NOW),
        source(id="gone", disabled_reason="feed is gone"),
        source(id="off", settings=SourceSettings(enabled=False)),
    ]
    assert [s.id for s in due(sources, NOW)] == ["new", "overdue", "just"]


# --- headers --------------------------------------------------------------------------


def test_retry_after_forms() -> None:
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after("Fri, 27 Nov 2026 08:01:30 GMT", NOW) == 90.0
    assert parse_retry_after("Fri, 27 Nov 2026 07:00:00 GMT", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_cache_max_age() -> None:
    assert cache_max_age({"cache-control": "public, max-age=300"}) == 300
    assert cache_max_age({"Cache-Control": 's-maxage=10, max-age="60"'}) == 60
    assert cache_max_age({"Cache-Control": "no-cache"}) is None
    assert cache_max_age({}) is None


# --- invariants -------------------------------------------------------------------------

kinds = st.sampled_from(["ok", "not_modified", "error", "gone", "rate_limited", "moved"])
seconds = st.integers(min_value=0, max_value=400 * 24 * 3600)
times = st.lists(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2026, 11, 27, 8), timezones=st.just(UTC)
    ),
    max_size=15,
)
outcomes = st.builds(
    PollOutcome,
    kind=kinds,
    retry_after=st.none() | st.floats(min_value=0, max_value=1e9),
    cache_max_age=st.none() | seconds,
    ttl_minutes=st.none() | st.integers(min_value=0, max_value=10**6),
    update_period_minutes=st.none() | st.integers(min_value=0, max_value=10**6),
    entry_times=times.map(tuple),
    new_entries=st.integers(min_value=0, max_value=100),
)
bounds = st.builds(
    lambda lo, span, backoff: PollBounds(lo, lo + span, backoff),
    st.integers(min_value=1, max_value=6 * 3600),
    st.integers(min_value=0, max_value=7 * 24 * 3600),
    st.integers(min_value=1, max_value=7 * 24 * 3600),
)
sources = st.builds(
    lambda failures, interval, lo, hi: source(
        failures=failures,
        interval_seconds=interval,
        settings=SourceSettings(poll_min_seconds=lo, poll_max_seconds=hi),
    ),
    st.integers(min_value=0, max_value=5000),
    st.none() | st.integers(min_value=1, max_value=10**7),
    st.integers(min_value=1, max_value=24 * 3600),
    st.integers(min_value=1, max_value=30 * 24 * 3600),
)


@settings(max_examples=200, deadline=None)
@given(sources, outcomes, bounds, st.integers())
def test_decisions_keep_their_promises(
    src: Source, outcome: PollOutcome, bnd: PollBounds, seed: int
) -> None:
    decision = decide(src, outcome, NOW, bnd, random.Random(seed))
    low = max(bnd.min_seconds, src.settings.poll_min_seconds)
    high = max(low, min(bnd.max_seconds, src.settings.poll_max_seconds))
    assert decision.next_poll > NOW
    assert wait_of(decision.next_poll) == decision.wait_seconds
    assert (decision.disabled_reason is not None) == (outcome.kind == "gone")
    if outcome.kind in {"ok", "not_modified", "moved"}:
        assert low <= decision.interval_seconds <= high
        assert decision.wait_seconds <= decision.interval_seconds
        hint = max(
            outcome.cache_max_age or 0,
            (outcome.ttl_minutes or 0) * 60,
            (outcome.update_period_minutes or 0) * 60,
        )
        assert decision.wait_seconds >= min(max(hint, low), high)
        assert decision.failures == 0
    elif outcome.kind in {"error", "rate_limited"}:
        assert decision.failures == src.failures + 1
        assert decision.wait_seconds <= max(1, bnd.max_backoff_seconds)
        assert decision.last_error


@given(
    st.integers(min_value=1, max_value=6 * 3600),
    st.integers(min_value=1, max_value=10**7),
    st.integers(min_value=0, max_value=3000),
)
def test_backoff_is_monotone_up_to_the_cap(base: int, cap: int, failures: int) -> None:
    here = backoff_ceiling(failures, base, cap)
    after = backoff_ceiling(failures + 1, base, cap)
    assert here <= after <= cap
    assert backoff_ceiling(failures + 64, base, cap) == cap


@given(st.integers(min_value=0, max_value=2000), st.integers())
def test_failure_waits_stay_under_the_ceiling(failures: int, seed: int) -> None:
    decision = decide(
        source(failures=failures), PollOutcome("error"), NOW, BOUNDS, random.Random(seed)
    )
    ceiling = backoff_ceiling(failures + 1, BOUNDS.min_seconds, BOUNDS.max_backoff_seconds)
    assert BOUNDS.min_seconds <= decision.wait_seconds <= max(ceiling, BOUNDS.min_seconds)


def test_a_partly_broken_feed_succeeds_but_keeps_its_complaint() -> None:
    outcome = PollOutcome("ok", new_entries=1, error="entry 3: bad date")
    decision = decide(source(failures=4), outcome, NOW, BOUNDS, random.Random(11))
    assert decision.failures == 0
    assert decision.last_error == "entry 3: bad date"
