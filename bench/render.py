"""Rendering speed: each format for a 10-card digest, against bare Jinja2 as the anchor.

    python bench/render.py [--rounds 200]

The anchor renders the same e-mail template with Jinja2 alone (no CSS
inlining, no sanitising): the floor any Jinja-based e-mail can reach. The
ratio is how much the safety steps (css-inline, nh3) and the other formats
cost relative to it. Times are CPU milliseconds per digest (process time),
median of the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from occasional.render import FeedbackSigner, RenderOptions, get_renderer, renderer_names
from occasional.render.html import _environment
from occasional.render.view import digest_view
from occasional.types import Digest, DigestItem, DigestSource, Figure, Quote, SummarySentence

NOW = datetime(2026, 3, 14, 7, 30, tzinfo=UTC)


def _item(n: int) -> DigestItem:
    url = f"https://outlet{n}.example/story/{n}"
    return DigestItem(
        id=f"st-{n}",
        headline=f"Story {n}: council approves the harbour plan after a long night",
        reasons=("you follow harbour", f"reported by {n % 4 + 2} outlets"),
        summary=tuple(
            SummarySentence(f"Sentence {k} of story {n}, with some detail & numbers.", "a", url)
            for k in range(3)
        ),
        quotes=((Quote("We will build it in stages", "Mayor Lind", 0, 1), "a"),),
        figures=(Figure("4,000 jobs", 4000.0, None, "jobs created"),),
        sources=tuple(
            DigestSource(f"{url}?copy={k}", f"Title {k}", f"Outlet {k}", k == 0) for k in range(3)
        ),
        last_seen=NOW - timedelta(hours=n),
    )


DIGEST = Digest(profile="alice", generated=NOW, items=tuple(_item(n) for n in range(10)))
OPTIONS = RenderOptions(feedback_signer=FeedbackSigner(b"bench-secret-0123456789", "https://x.org"))


def _median_ms(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def _anchor() -> str:
    view = digest_view(DIGEST, OPTIONS)
    return _environment().get_template("email.html.j2").render(view=view)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    anchor = _median_ms(_anchor, rounds)
    print(f"10-card digest, median of {rounds} rounds, CPU ms per digest")
    print(f"{'format':<10} {'ours ms':>9} {'anchor ms':>10} {'ratio':>7}  anchor = bare Jinja2")
    for name in renderer_names():
        renderer = get_renderer(name)
        ours = _median_ms(lambda r=renderer: r.render(DIGEST, options=OPTIONS), rounds)
        print(f"{name:<10} {ours:>9.2f} {anchor:>10.2f} {ours / anchor:>6.1f}×")


if __name__ == "__main__":
    main()
