"""Text analysis side by side: our sentence splitter against pysbd, and analyze() speed.

Times are CPU milliseconds (process time), steadier than wall time on a busy machine.

    python bench/analysis.py

pysbd (rule-based sentence boundary disambiguation) is the anchor for
sentences; install it with ``pip install pysbd`` to get its column. The
corpus is the hand-written news articles under tests/fixtures/quotes; the
tricky cases below have known right answers.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from occasional.analysis import analyze, find_quotes, split_sentences
from occasional.exceptions import ConfigError

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "quotes"
CORPUS = sorted(FIXTURES.glob("*.txt"))

TRICKY = [
    ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    (
        "Growth was 3.5 per cent in the U.S. The Fed held.",
        ["Growth was 3.5 per cent in the U.S.", "The Fed held."],
    ),
    ('He said it was "over." Then he left.', ['He said it was "over."', "Then he left."]),
    ("“Why?” she asked. “Because.”", ["“Why?” she asked.", "“Because.”"]),
    ("J. K. Rowling spoke on Jan. 5 in No. 10.", ["J. K. Rowling spoke on Jan. 5 in No. 10."]),
    ("It rose... Then it fell.", ["It rose...", "Then it fell."]),
    (
        "The talks ended at 4 p.m. sharp. Nobody spoke.",
        ["The talks ended at 4 p.m. sharp.", "Nobody spoke."],
    ),
    (
        "Orbital Inc. unveiled a headset. Shares rose.",
        ["Orbital Inc. unveiled a headset.", "Shares rose."],
    ),
    (
        "Headline without a stop\nFirst sentence here.",
        ["Headline without a stop", "First sentence here."],
    ),
    ("“We lost,” he said. “Not again.”", ["“We lost,” he said.", "“Not again.”"]),
]


def _about_700_words(texts: list[str]) -> str:
    """Whole articles joined until they reach 700 words, like one long news story."""
    picked: list[str] = []
    while sum(len(t.split()) for t in picked) < 700:
        picked.append(texts[len(picked)])
    return "\n\n".join(picked)


def _ours(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def _pysbd() -> Callable[[str], list[str]] | None:
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()]


def _ms_per_article(split: Callable[[str], object], texts: list[str], rounds: int = 5) -> float:
    timings = []
    for _ in range(rounds):
        started = time.process_time()
        for text in texts:
            split(text)
        timings.append((time.process_time() - started) / len(texts) * 1000)
    return statistics.median(timings)


def _accuracy(split: Callable[[str], list[str]]) -> float:
    return sum(split(text) == want for text, want in TRICKY) / len(TRICKY)


def _row(name: str, ours: float, anchor: float | None, unit: str) -> None:
    ratio = f"{anchor / ours:8.1f}x" if anchor and ours else "       -"
    shown = f"{anchor:10.3f}" if anchor is not None else "         -"
    print(f"{name:<40} {ours:10.3f} {shown} {ratio}  {unit}")


def main() -> None:
    texts = [p.read_text("utf-8") for p in CORPUS]
    article = _about_700_words(texts)
    anchor = _pysbd()
    print(f"{len(texts)} articles, {sum(len(t.split()) for t in texts)} words")
    print(f"{'measure':<40} {'ours':>10} {'pysbd':>10} {'ratio':>9}")
    _row(
        "sentences: ms per article",
        _ms_per_article(_ours, texts),
        _ms_per_article(anchor, texts) if anchor else None,
        "ms (ratio = times faster)",
    )
    accuracy_ours = _accuracy(_ours)
    accuracy_anchor = _accuracy(anchor) if anchor else None
    print(
        f"{'sentences: tricky cases right':<40} {accuracy_ours:10.2f} "
        f"{accuracy_anchor if accuracy_anchor is not None else '-':>10}"
    )
    print(f"{'quotes: ms per article':<40} {_ms_per_article(find_quotes, texts):10.3f}")
    for speakers in ("rules", "parser"):
        label = f"analyze({speakers}): ms per {len(article.split())}-word article"
        try:
            spent = _ms_per_article(lambda t, s=speakers: analyze(t, speakers=s), [article], 20)
        except ConfigError as exc:
            print(f"{label:<40} {'-':>10}  ({exc})")
            continue
        print(f"{label:<40} {spent:10.3f}")


if __name__ == "__main__":
    main()
