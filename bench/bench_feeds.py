"""Feed parsing speed and completeness: occasional vs feedparser vs fastfeedparser.

Usage::

    python bench/bench_feeds.py [--data DIR] [--repeat N]

DIR defaults to ``$OCCASIONAL_SHARED_DATA/feeds`` or the repository's sibling
``shared/data/feeds``. Each parser reads every file (bytes already in memory)
``N`` times (passes interleaved); the best pass, in process CPU time, is
reported. "entries" counts what each parser
found; "< fp" counts files where a parser found fewer entries than feedparser
(a raise counts as zero). Subsets:

- all: every file;
- real-world: fastfeedparser-integration, miniflux-*, reader, rss-rs, feed-rs;
- real-world feeds: the same without fastfeedparser's expected-output
  ``*.json`` files (they are parser dumps, not feeds).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import fastfeedparser
import feedparser

from occasional.sources.feeds import parse_feed

REAL_WORLD = (
    "fastfeedparser-integration",
    "miniflux-parser",
    "miniflux-encoding",
    "reader",
    "rss-rs",
    "feed-rs",
)


def _default_dir() -> Path:
    shared = os.environ.get("OCCASIONAL_SHARED_DATA")
    if shared:
        return Path(shared) / "feeds"
    return Path(__file__).resolve().parents[1].parent / "shared" / "data" / "feeds"


def _ours(body: bytes) -> int:
    return len(parse_feed(body, "https://example.com/feed").entries)


def _feedparser(body: bytes) -> int:
    return len(feedparser.parse(body).entries)


def _fastfeedparser(body: bytes) -> int:
    return len(fastfeedparser.parse(body)["entries"])


PARSERS: dict[str, Callable[[bytes], int]] = {
    "occasional": _ours,
    "feedparser": _feedparser,
    "fastfeedparser": _fastfeedparser,
}


def _count(parser: Callable[[bytes], int], body: bytes) -> int:
    try:
        return parser(body)
    except Exception:  # a raise is counted as zero entries
        return 0


def _pass(parser: Callable[[bytes], int], bodies: list[bytes]) -> float:
    # CPU time of this process: other work on a shared machine inflates wall
    # time, not this.
    start = time.process_time()
    for body in bodies:
        _count(parser, body)
    return time.process_time() - start


def _best_times(bodies: list[bytes], repeat: int) -> dict[str, float]:
    """Best pass per parser; passes are interleaved so drift hits all alike."""
    best = dict.fromkeys(PARSERS, float("inf"))
    for _ in range(repeat):
        for label, parser in PARSERS.items():
            best[label] = min(best[label], _pass(parser, bodies))
    return best


def _subset(files: dict[Path, bytes], root: Path, name: str) -> dict[Path, bytes]:
    if name == "all":
        return files
    chosen = {p: b for p, b in files.items() if p.relative_to(root).parts[0] in REAL_WORLD}
    if name == "real-world feeds":
        ffp = "fastfeedparser-integration"
        return {
            p: b for p, b in chosen.items() if not (p.parent.name == ffp and p.suffix == ".json")
        }
    return chosen


def _report(name: str, files: dict[Path, bytes], repeat: int) -> None:
    bodies = list(files.values())
    size = sum(map(len, bodies))
    reference = [_count(_feedparser, b) for b in bodies]
    seconds = _best_times(bodies, repeat)
    print(f"\n{name}: {len(bodies)} files, {size / 1e6:.2f} MB")
    header = f"{'parser':<16}{'MB/s':>9}{'files/s':>10}{'entries':>9}{'< fp':>6}"
    print(f"{header}{'× fp':>8}{'× ffp':>8}")
    for label, parser in PARSERS.items():
        counts = [_count(parser, b) for b in bodies]
        fewer = sum(c < r for c, r in zip(counts, reference, strict=True))
        took = seconds[label]
        print(
            f"{label:<16}{size / took / 1e6:>9.1f}{len(bodies) / took:>10.0f}"
            f"{sum(counts):>9}{fewer:>6}"
            f"{seconds['feedparser'] / took:>8.2f}{seconds['fastfeedparser'] / took:>8.2f}"
        )


def main() -> None:
    """Parse the arguments, load the corpus once, print one table per subset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=_default_dir())
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root: Path = args.data
    if not root.is_dir():
        raise SystemExit(f"no feed corpus at {root}")
    files = {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    files = {p: b for p, b in files.items() if p.name != "LICENSE"}
    warnings.simplefilter("ignore")  # feedparser warns on odd encodings; not measured
    for name in ("all", "real-world", "real-world feeds"):
        _report(name, _subset(files, root, name), args.repeat)


if __name__ == "__main__":
    main()
