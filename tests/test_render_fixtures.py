"""Digests the render and delivery tests share (built here, not read from a database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from occasional.types import (
    Digest,
    DigestItem,
    DigestSource,
    Figure,
    Quote,
    SummarySentence,
)

NOW = datetime(2026, 3, 14, 7, 30, tzinfo=UTC)
HOSTILE = '<script>alert("owned")</script> Budget & "cuts" <img src=x onerror=alert(1)>'


def _volcano() -> DigestItem:
    return DigestItem(
        id="st-volcano",
        headline="Sakurajima erupts, ash reaches Kagoshima",
        reasons=("you follow volcano", "reported by 3 outlets"),
        summary=(
            SummarySentence(
                "The volcano erupted at dawn on Friday.", "a1", "https://wire.example/volcano"
            ),
            SummarySentence(
                "Flights from Kagoshima were suspended.", "a2", "https://gazette.example/ash"
            ),
        ),
        quotes=(
            (Quote("We have never seen ash this thick", "Mayor Aiko Tanaka", 0, 10), "a1"),
            (Quote("Stay indoors until noon", None, 0, 10), "a2"),
        ),
        figures=(
            Figure("4,000 residents", 4000.0, None, "residents evacuated"),
            Figure("12 percent", 12.0, "percent", None),
        ),
        sources=(
            DigestSource("https://wire.example/volcano", "Volcano erupts", "Daily Wire", True),
            DigestSource("https://gazette.example/ash", "Ash over the city", "The Gazette"),
        ),
        status="new",
        first_seen=NOW - timedelta(hours=5),
        last_seen=NOW - timedelta(hours=1),
    )


def _rates() -> DigestItem:
    return DigestItem(
        id="st-rates",
        headline="Central bank holds rates at 3.5%",
        reasons=("you follow economy",),
        summary=(SummarySentence("The bank held its rate for a third month.", "b1", None),),
        quotes=((Quote("Inflation is easing", "Governor Lind", 0, 5), "b1"),),
        figures=(Figure("3.5%", 3.5, "percent", "policy rate"),),
        sources=(DigestSource("https://business.example/rates", "Rates held", "Business Daily"),),
        status="updated",
        last_seen=NOW - timedelta(hours=2),
    )


def _top() -> DigestItem:
    return DigestItem(
        id="st-summit",
        headline="Leaders meet for climate summit",
        reasons=("top story: 5 outlets",),
        summary=(SummarySentence("Talks open in Lisbon.", "c1", "https://observer.example/c"),),
        sources=(DigestSource("https://observer.example/c", "Summit opens", "Observer", True),),
        top=True,
    )


def sample_digest() -> Digest:
    """Two cards with quotes and figures, and one top story."""
    return Digest(
        profile="alice", generated=NOW, items=(_volcano(), _rates()), top=(_top(),), id="d1"
    )


def quiet_digest() -> Digest:
    """A day with nothing above the bar."""
    line = "Nothing new above your bar today — 41 articles in 17 stories checked."
    return Digest(profile="alice", generated=NOW, items=(), quiet=line)


def hostile_digest() -> Digest:
    """A digest whose every text field tries to inject markup or a script link."""
    item = DigestItem(
        id="st-<evil>",
        headline=HOSTILE,
        reasons=("<b>bold</b> reason",),
        summary=(
            SummarySentence(HOSTILE, "e1", "javascript:alert(1)"),
            SummarySentence("[click](javascript:alert(1))", "e2", "https://ok.example/a?x=1&y=2"),
        ),
        quotes=((Quote("</blockquote><script>x()</script>", "<i>Eve</i>", 0, 1), "e1"),),
        figures=(Figure("<svg onload=alert(1)>", 1.0, None, None),),
        sources=(
            DigestSource('https://ok.example/"><script>x()</script>', HOSTILE, "<Evil>", True),
            DigestSource("data:text/html,<script>x()</script>", "data link", "Data"),
        ),
        last_seen=NOW,
    )
    return Digest(profile="alice", generated=NOW, items=(item,))
