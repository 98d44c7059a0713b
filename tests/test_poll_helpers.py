"""The small pure helpers of hardened polling: page URLs, title caps, entry caps, page retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from occasional.exceptions import (
    BlockedAddressError,
    ExtractionError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    StorageError,
)
from occasional.fetch import page_retry_at
from occasional.sources import newest_entries
from occasional.text import MAX_TITLE_CHARS, cap_title
from occasional.types import EntryData, FeedData
from occasional.urls import MAX_URL_CHARS, page_url

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://e.example/a", "https://e.example/a"),
        ("HTTP://E.example/", "HTTP://E.example/"),
        ("http://127.1/", "http://127.1/"),  # a URL; the fetcher's guard refuses it later
        ("https:///no-host", None),
        ("http://", None),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("mailto:a@b.example", None),
        ("some-guid-1234", None),
        ("/relative/path", None),
        ("", None),
        (None, None),
        ("https://e.example/" + "a" * MAX_URL_CHARS, None),
    ],
)
def test_page_url(value: str | None, expected: str | None) -> None:
    assert page_url(value) == expected


@given(st.text())
def test_page_url_never_raises_and_keeps_only_http(text: str) -> None:
    found = page_url(text)
    assert found is None or (found == text and found[:8].lower().startswith(("http://", "https:/")))


def test_cap_title_cuts_at_a_word() -> None:
    assert cap_title("  Short  ") == "Short"
    capped = cap_title("word " * 1000)
    assert len(capped) <= MAX_TITLE_CHARS and capped.endswith("word…")
    assert len(cap_title("x" * 10_000)) == MAX_TITLE_CHARS


def entries(count: int, dated: bool = True) -> tuple[EntryData, ...]:
    return tuple(
        EntryData(
            guid=str(n),
            link=None,
            published=NOW - timedelta(hours=(n * 7) % count) if dated and n % 4 else None,
        )
        for n in range(count)
    )


def test_newest_entries_keeps_the_newest_in_feed_order() -> None:
    feed = FeedData(title=None, link=None, entries=entries(40), format="rss2.0")
    assert newest_entries(feed, 40) is feed
    cut = newest_entries(feed, 10)
    assert len(cut.entries) == 10 and "40 entries; only the newest 10" in cut.errors[-1]
    dated = sorted((e for e in feed.entries if e.published), key=lambda e: e.published)
    assert {e.guid for e in cut.entries} == {e.guid for e in dated[-10:]}
    positions = [int(e.guid or 0) for e in cut.entries]
    assert positions == sorted(positions)
    undated = FeedData(title=None, link=None, entries=entries(20, dated=False), format="rss")
    assert [e.guid for e in newest_entries(undated, 3).entries] == ["0", "1", "2"]


URL = "https://e.example/a"


@pytest.mark.parametrize(
    "error",
    [
        FetchTimeoutError("slow", URL),
        FetchError("connection reset", URL),
        HTTPStatusError("x", URL, status=500),
        HTTPStatusError("x", URL, status=503),
        HTTPStatusError("x", URL, status=429),
        HTTPStatusError("x", URL, status=408),
        RobotsDisallowedError("robots.txt unreadable", URL, temporary=True),
        StorageError("database is locked"),
        TypeError("a bug somewhere"),
    ],
)
def test_passing_page_failures_are_retried_four_times(error: BaseException) -> None:
    waits = [page_retry_at(error, attempts, NOW) for attempts in (1, 2, 3, 4)]
    assert waits == [
        NOW + timedelta(minutes=10),
        NOW + timedelta(minutes=40),
        NOW + timedelta(minutes=160),
        None,
    ]


@pytest.mark.parametrize(
    "error",
    [
        RobotsDisallowedError("forbidden", URL),
        BlockedAddressError("loopback", URL),
        HTTPStatusError("x", URL, status=404),
        HTTPStatusError("x", URL, status=410),
        HTTPStatusError("x", URL, status=403),
        ResponseTooLargeError("big", URL),
        ExtractionError("no text"),
        InvalidURLError("not a URL"),
    ],
)
def test_final_page_failures_are_not_retried(error: BaseException) -> None:
    assert page_retry_at(error, 1, NOW) is None


def test_retry_after_is_honoured_up_to_a_day() -> None:
    asked = HTTPStatusError("x", URL, status=429, retry_after=7200)
    assert page_retry_at(asked, 1, NOW) == NOW + timedelta(hours=2)
    greedy = HTTPStatusError("x", URL, status=503, retry_after=10**9)
    assert page_retry_at(greedy, 1, NOW) == NOW + timedelta(days=1)
