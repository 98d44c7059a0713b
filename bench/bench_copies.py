"""Copies on the generated development set: ours versus the naive all-pairs rule.

    python bench/bench_copies.py [--part dev|heldout|both] [--repeat 3] [--errors]

The set is generated at run time from the shared development texts (see
tests/copyset.py; skipped with a message when they are absent). The anchor
is the plain rule real users start from: every pair of articles compared,
containment of word 5-grams of the shorter text at least 0.3 makes a copy;
the original is the member another member links to (source link or
canonical), else the earliest. Both run in this process on the same docs;
the script prints pairwise precision and recall, the share of copy groups
whose original is right, recall per kind of copy, CPU time, and ours ÷ anchor.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from copyset import NOW, CopySet, Part, Score, build, missing_message, score
from occasional.stories.copies import copy_groups
from occasional.stories.jsonl import read_docs
from occasional.stories.urls import canonicalize_url
from occasional.types import Doc

_WORD = re.compile(r"\w+")
_LATEST = datetime.max.replace(tzinfo=UTC)


def run_ours(docs: Sequence[Doc]) -> tuple[dict[str, str], dict[str, str | None]]:
    groups = copy_groups(docs, now=NOW)
    group_of = {d.id: d.group or d.id for d in groups.decisions}
    return group_of, {d.id: groups.original_of(d.id) for d in docs}


def run_naive(docs: Sequence[Doc]) -> tuple[dict[str, str], dict[str, str | None]]:
    """Every pair; containment of the shorter's 5-grams >= 0.3; linked source, else earliest."""
    grams = []
    for doc in docs:
        words = _WORD.findall(doc.text.lower())
        grams.append({tuple(words[i : i + 5]) for i in range(max(1, len(words) - 4))})
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(docs)), 2):
        small = min(len(grams[i]), len(grams[j]))
        if small and len(grams[i] & grams[j]) >= 0.3 * small:
            parent[find(j)] = find(i)
    members: dict[int, list[int]] = {}
    for i in range(len(docs)):
        members.setdefault(find(i), []).append(i)
    group_of: dict[str, str] = {}
    original_of: dict[str, str | None] = {}
    for ids in members.values():
        chosen = _naive_original([docs[i] for i in ids])
        for i in ids:
            group_of[docs[i].id] = chosen
            original_of[docs[i].id] = chosen if len(ids) > 1 else None
    return group_of, original_of


def _naive_original(group: list[Doc]) -> str:
    urls = {canonicalize_url(d.url): d.id for d in group if d.url}
    for doc in group:
        for link in (*doc.source_links, *([doc.canonical_url] if doc.canonical_url else [])):
            target = urls.get(canonicalize_url(link))
            if target is not None and target != doc.id:
                return target
    return min(group, key=lambda d: (d.published or _LATEST, d.id)).id


SYSTEMS = {"ours": run_ours, "naive all-pairs": run_naive}


def measure(copyset: CopySet, repeat: int) -> dict[str, tuple[Score, float]]:
    docs, errors = read_docs(copyset.lines())
    assert not errors, errors
    found: dict[str, tuple[Score, float]] = {}
    for name, system in SYSTEMS.items():
        times = []
        for _ in range(repeat):
            cpu = time.process_time()
            group_of, original_of = system(docs)
            times.append(time.process_time() - cpu)
        found[name] = (score(copyset, group_of, original_of), sorted(times)[len(times) // 2])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--part", choices=["dev", "heldout", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median CPU time is kept")
    parser.add_argument("--errors", action="store_true", help="list wrong originals")
    args = parser.parse_args()
    parts: list[Part] = ["dev", "heldout"] if args.part == "both" else [args.part]
    for part in parts:
        copyset = build(part)
        if copyset is None:
            print(f"skipped: {missing_message()}")
            return
        copies = len(copyset.kinds)
        print(f"== {part}: {len(copyset.docs)} articles, {copies} copies")
        results = measure(copyset, max(1, args.repeat))
        for name, (result, cpu) in results.items():
            rate = len(copyset.docs) / cpu if cpu else float("inf")
            print(f"{name:<16} {result.row()}  {cpu * 1000:.0f} ms cpu ({rate:,.0f} art/s)")
            kinds = "  ".join(f"{k} {v:.2f}" for k, v in result.kind_recall.items())
            print(f"{'':<16} recall by kind: {kinds}")
            if args.errors and result.wrong_originals:
                print(f"{'':<16} wrong originals: {', '.join(result.wrong_originals)}")
        ours, naive = results["ours"], results["naive all-pairs"]
        print(
            f"ours / naive: precision {ours[0].precision / naive[0].precision:.3f}x, "
            f"recall {ours[0].recall / naive[0].recall:.3f}x, "
            f"originals {ours[0].originals_right / naive[0].originals_right:.3f}x, "
            f"speed {naive[1] / ours[1]:.1f}x"
        )


if __name__ == "__main__":
    main()
