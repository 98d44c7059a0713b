"""Story quality on dated and undated news, ours beside a TF-IDF single pass, dev beside untuned.

    python bench/bench_dated.py [--dated FILE.jsonl] [--seeds 5]

Every set is clustered by ours (copies first, as ``occasional cluster`` does)
and by the TF-IDF single-pass anchor of ``bench_stories.py`` (sublinear TF,
cosine to each story's centroid, threshold 0.3, no time) in one process;
each row gives BCubed precision, recall and F1.

Sets:

- **ECB+ train / dev** (``../shared/data/clustering`` or
  ``OCCASIONAL_SHARED_DATA``): one or a few sentences per report, no dates,
  two similar real events per topic. The defaults were chosen on train; dev
  is a last check.
- **dated ECB+ train / dev**: the same reports given publication times
  (``occasional.stories.evaluate.spread_in_time``), so that one event's
  reports spread over days and a topic's second, similar event follows within
  days: each topic starts at a random time in a three-week span, its other
  event 1 to 10 days later; of an event's reports 60% come within 12 hours
  of its start, 30% within 3 days, 10% within 6 days. ``--seeds`` draws of
  the times; the mean is reported.
- **your dated set** (``--dated`` or ``OCCASIONAL_DATED_STORIES``): JSONL
  with ``id``, ``title``, ``text``, ``published`` and a ``gold`` (or
  ``story``) label, e.g. a labelled news-clustering corpus you may use. It is
  cut in two by a hash of each story's label: "tune" (half the stories) and
  "held" (the rest, for figures nobody tuned on). Read at run time, never
  stored in the repository; skipped with a message when absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_stories import run_sklearn
from occasional.stories import bcubed, cluster_stories, find_copies
from occasional.stories.evaluate import spread_in_time
from occasional.stories.jsonl import read_docs
from occasional.types import Doc

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OCCASIONAL_SHARED_DATA", ROOT.parent / "shared" / "data"))
START = datetime(2026, 3, 1, tzinfo=UTC)


def load(path: Path) -> tuple[list[Doc], dict[str, str]]:
    """Docs and gold labels of a labelled JSONL file (``gold`` or ``story``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    docs, errors = read_docs(lines)
    for error in errors:
        print(f"{path.name}: {error}", file=sys.stderr)
    gold: dict[str, str] = {}
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        label = row.get("gold", row.get("story"))
        if label is not None:
            gold[str(row["id"])] = str(label)
    return list(docs), gold


def score_ours(docs: Sequence[Doc], gold: dict[str, str]) -> tuple[float, float, float]:
    """BCubed of ours, copies found first as the ``cluster`` command does."""
    assignments = cluster_stories(docs, copies=find_copies(docs))
    return bcubed({a.id: a.story for a in assignments}, gold)


def score_anchor(docs: Sequence[Doc], gold: dict[str, str]) -> tuple[float, float, float]:
    """BCubed of the TF-IDF single pass, docs in time order (undated last) as ours."""
    ordered = sorted(docs, key=lambda d: (d.published is None, d.published or START, d.id))
    result: dict[str, Any] = run_sklearn(list(ordered))
    return bcubed(result["stories"], gold)


def halves(docs: Sequence[Doc], gold: dict[str, str]) -> dict[str, list[Doc]]:
    """ "tune" and "held": the stories whose label hashes even, and the rest."""
    parts: dict[str, list[Doc]] = {"tune": [], "held": []}
    for doc in docs:
        digest = hashlib.sha256(gold[doc.id].encode("utf-8")).digest()
        parts["tune" if digest[0] % 2 == 0 else "held"].append(doc)
    return parts


def _row(name: str, docs: Sequence[Doc], gold: dict[str, str], seeds: int = 1) -> None:
    ours, anchor = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
    for seed in range(seeds):
        sample = spread_in_time(docs, gold, seed) if seeds > 1 or name.startswith("dated") else docs
        for total, scores in (
            (ours, score_ours(sample, gold)),
            (anchor, score_anchor(sample, gold)),
        ):
            for i, value in enumerate(scores):
                total[i] += value / seeds
    stories = len({gold[d.id] for d in docs})
    print(
        f"| {name} | {len(docs)} / {stories} | "
        + " / ".join(f"{v:.3f}" for v in ours)
        + " | "
        + " / ".join(f"{v:.3f}" for v in anchor)
        + f" | {ours[2] - anchor[2]:+.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dated", type=Path, default=os.environ.get("OCCASIONAL_DATED_STORIES"))
    parser.add_argument("--seeds", type=int, default=5, help="draws of times for dated ECB+")
    args = parser.parse_args()
    print("| set | docs / stories | ours P / R / F1 | TF-IDF single pass P / R / F1 | F1 gap |")
    print("|---|---|---|---|---|")
    for split in ("train", "dev"):
        path = SHARED / "clustering" / f"ecbplus_{split}.jsonl"
        if not path.exists():
            print(f"ECB+ {split} not found at {path} (set OCCASIONAL_SHARED_DATA): skipped")
            continue
        docs, gold = load(path)
        _row(f"ECB+ {split}", docs, gold)
        _row(f"dated ECB+ {split} ({args.seeds} draws)", docs, gold, args.seeds)
    if args.dated is None or not Path(args.dated).exists():
        print("no dated set given (--dated FILE or OCCASIONAL_DATED_STORIES): skipped")
        return
    docs, gold = load(Path(args.dated))
    docs = [d for d in docs if d.id in gold]
    for part, members in halves(docs, gold).items():
        _row(f"{Path(args.dated).name} {part}", members, gold)


if __name__ == "__main__":
    main()
