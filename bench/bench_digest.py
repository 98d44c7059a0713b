"""Benchmark: one profile's digest over 100,000 stored articles in ~20,000 stories.

    python bench/bench_digest.py [--articles 100000] [--stories 20000] [--runs 3]

Prints wall time, CPU time and peak memory of ``build_digest`` against the
targets it must meet (2 s, 1 GB; there is no outside library doing the same
job to compare with), and the ratio. CPU time is shown because wall time on a
shared machine mostly measures the neighbours. The analyser is
``occasional.analysis`` when it can be imported, else the lead-sentence
fallback; the table says which.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

from occasional.digest import (
    Analyzer,
    Feedback,
    Interests,
    LeadAnalyzer,
    Memory,
    Mute,
    Profile,
    StoryView,
    build_digest,
    card_fingerprint,
    default_analyzer,
)
from occasional.types import Article, Story

NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
TOPICS = [
    "Japan", "volcano", "election", "rail strike", "central bank", "drought", "chip exports",
    "vaccine", "heatwave", "ceasefire", "port", "housing", "wildfire", "budget", "tariffs",
    "football", "cricket", "museum", "satellite", "fishing quotas",
]  # fmt: skip
NAMES = ["Ann Lee", "Kenji Sato", "Maria Costa", "Omar Haddad", "Lena Berg", "Tom Okafor"]
OUTLETS = [f"outlet-{n:03d}" for n in range(300)]


def _sentences(rng: random.Random, topic: str, n: int) -> str:
    parts = []
    for _ in range(n):
        kind = rng.random()
        number = rng.randint(2, 90_000)
        if kind < 0.2:
            parts.append(f"“The {topic} situation is changing fast,” said {rng.choice(NAMES)}.")
        elif kind < 0.5:
            parts.append(f"Officials counted {number:,} people affected by the {topic} news.")
        else:
            parts.append(f"Reporters in the region followed the {topic} story through the day.")
    return " ".join(parts)


def _article(
    rng: random.Random, story: str, index: int, topic: str, copy_of: str | None
) -> Article:
    outlet = rng.choice(OUTLETS)
    return Article(
        id=f"{story}-{index}",
        source_id=outlet,
        url=f"https://{outlet}.example/{story}/{index}",
        title=f"{topic.capitalize()}: update {rng.randint(1, 999)} from {outlet}",
        text=_sentences(rng, topic, 12),
        source_url=f"https://{outlet}.example/feed",
        source_title=outlet.replace("-", " ").title(),
        published=NOW - timedelta(minutes=rng.randint(0, 72 * 60)),
        language="en",
        copy_of=copy_of,
        story=story,
    )


def make_views(articles: int, stories: int, seed: int = 7) -> list[StoryView]:
    """Synthetic stored stories: sizes vary, about one article in five is a copy."""
    rng = random.Random(seed)
    sizes = [1] * stories
    for _ in range(articles - stories):
        sizes[
            min(int(rng.paretovariate(1.2)) - 1, stories - 1)
            if rng.random() < 0.3
            else rng.randrange(stories)
        ] += 1
    views = []
    for number, size in enumerate(sizes):
        sid = f"s{number:05d}"
        topic = rng.choice(TOPICS)
        items: list[Article] = []
        for index in range(size):
            copy_of = items[0].id if items and rng.random() < 0.2 else None
            items.append(_article(rng, sid, index, topic, copy_of))
        items.sort(key=lambda a: (a.published, a.id))
        times = [a.published for a in items if a.published]
        story = Story(
            id=sid, label="", article_ids=tuple(a.id for a in items),
            first_seen=min(times), last_seen=max(times),
            sources=tuple(dict.fromkeys(a.source_id for a in items)),
            first_source=items[0].source_id,
        )  # fmt: skip
        views.append(StoryView(story=story, articles=tuple(items)))
    return views


class TimedAnalyzer:
    """Passes calls through and adds up the CPU time they take."""

    def __init__(self, inner: Analyzer) -> None:
        self.inner = inner
        self.seconds = 0.0

    def _timed(self, name: str, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return getattr(self.inner, name)(*args, **kwargs)
        finally:
            self.seconds += time.process_time() - started

    def summarize_articles(self, articles: Any, n: int = 4) -> Any:
        return self._timed("summarize_articles", articles, n=n)

    def find_quotes(self, text: str) -> Any:
        return self._timed("find_quotes", text)

    def find_figures(self, text: str) -> Any:
        return self._timed("find_figures", text)

    def find_entities(self, text: str) -> Any:
        return self._timed("find_entities", text)


def _profile() -> Profile:
    return Profile(
        name="bench",
        follows=Interests(topics=("Japan", "rail strike", "drought"), sources=("outlet-007",)),
        mutes=(Mute("topics", "football"),),
        top_stories=True,
    )


def _history(views: list[StoryView], analyzer: Analyzer) -> tuple[Memory, list[Feedback]]:
    """A week of earlier digests and some feedback, so memory and learning do real work."""
    profile = _profile()
    earlier = build_digest(
        profile, views, now=NOW - timedelta(days=1), memory=Memory(), analyzer=analyzer
    )
    shown = {item.id: card_fingerprint(item) for item in (*earlier.items, *earlier.top)}
    feedback = [Feedback(item.id, "like", NOW - timedelta(hours=20)) for item in earlier.items[:3]]
    feedback += [Feedback(v.story.id, "dislike", NOW - timedelta(hours=19)) for v in views[:20:4]]
    return Memory(shown), feedback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    views = make_views(args.articles, args.stories)
    setup = time.perf_counter() - started
    analyzer = default_analyzer()
    which = (
        "lead sentences (occasional.analysis absent)"
        if isinstance(analyzer, LeadAnalyzer)
        else "occasional.analysis"
    )
    memory, feedback = _history(views, analyzer)
    profile = _profile()

    times, cpu, analysis = [], [], []
    for _ in range(args.runs):
        timed = TimedAnalyzer(analyzer)
        started, started_cpu = time.perf_counter(), time.process_time()
        digest = build_digest(
            profile, views, now=NOW, memory=memory, feedback=feedback, analyzer=timed
        )
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        analysis.append(timed.seconds)
    tracemalloc.start()
    build_digest(profile, views, now=NOW, memory=memory, feedback=feedback, analyzer=analyzer)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    scale = 1024 if sys.platform != "darwin" else 1  # ru_maxrss is KiB on Linux, bytes on macOS
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale

    articles = sum(len(v.articles) for v in views)
    print(f"digest over {articles:,} articles in {len(views):,} stories "
          f"(setup {setup:.1f} s); analyser: {which}")  # fmt: skip
    print(f"items {len(digest.items)}, top {len(digest.top)}, memory {len(memory.shown)} shown, "
          f"feedback {len(feedback)}")  # fmt: skip
    print()
    print(f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'measure':<42}{'ours':>12}{'target':>12}{'ratio':>8}")
    rows = [
        ("build_digest wall time, median (s)", statistics.median(times), 2.0),
        ("build_digest wall time, best (s)", min(times), 2.0),
        ("build_digest CPU time, median (s)", statistics.median(cpu), 2.0),
        ("  of which text analysis, median (s)", statistics.median(analysis), 2.0),
        ("allocated during one build, peak (MB)", traced / 1e6, 1000.0),
        ("whole process peak RSS incl. data (MB)", rss / 1e6, 1000.0),
    ]
    for name, ours, target in rows:
        print(f"{name:<42}{ours:>12.2f}{target:>12.2f}{ours / target:>8.2f}")


if __name__ == "__main__":
    main()
