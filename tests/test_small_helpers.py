"""URL checks, --since parsing and feed HTML to text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from occasional.exceptions import InputError, InvalidURLError
from occasional.text import html_to_text
from occasional.timeparse import parse_since
from occasional.urls import check_url


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("example.com/feed", "https://example.com/feed"),
        ("  http://example.org/rss.xml ", "http://example.org/rss.xml"),
    ],
)
def test_check_url_accepts_http(given_url: str, expected: str) -> None:
    assert check_url(given_url) == expected


@pytest.mark.parametrize(
    "bad",
    ["", "ftp://example.com/", "file:///etc/passwd", "http://", "http://a b/", "http://x:99999/"],
)
def test_check_url_refuses(bad: str) -> None:
    with pytest.raises(InvalidURLError):
        check_url(bad)


@given(st.text())
def test_check_url_never_raises_anything_else(text: str) -> None:
    try:
        result = check_url(text)
    except InvalidURLError:
        return
    assert result.startswith(("http://", "https://"))


def test_parse_since_spans_and_dates() -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert parse_since("36h", now) == now - timedelta(hours=36)
    assert parse_since("2w", now) == now - timedelta(weeks=2)
    assert parse_since("2026-11-01") == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_since("2026-11-01T10:00+02:00") == datetime(2026, 11, 1, 8, tzinfo=UTC)
    with pytest.raises(InputError, match="give a span"):
        parse_since("yesterday")


def test_html_to_text_keeps_paragraphs_drops_scripts() -> None:
    html = "<p>One <b>bold</b> claim.</p><script>alert(1)</script><p>Two &amp; three</p>"
    assert html_to_text(html) == "One bold claim.\n\nTwo & three"
    assert html_to_text("no markup   here") == "no markup here"
    assert html_to_text("   ") == ""
