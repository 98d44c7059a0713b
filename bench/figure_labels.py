"""Key figures on real news text: how many carry a good label, a bad one, or are dropped.

    python bench/figure_labels.py

Reads the ground-truth article bodies of the shared extraction set
(``$OCCASIONAL_SHARED_DATA/extraction``; nothing of it is kept in the project)
and the hand labels in ``bench/figure_labels.tsv``: for 154 figures sampled
from those bodies (at most two a page), the offset of the figure and the key
words a good label holds, or ``DROP`` where no key figure should be shown (a
name such as "Block 1B", a table row, "10 years ago"), or ``SKIP`` (not
English). A figure is *shown* when a card would show it (it says what it
counts); a shown figure is *good* when its text and label hold one of the key
words and the label does not stop mid-phrase ("… deliberated for less").
Pages whose id starts with an even hex digit are the half the rules were
developed on ("tune"); the odd half was held back.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

from occasional.analysis import find_figures
from occasional.types import Figure

LABELS = Path(__file__).with_name("figure_labels.tsv")
_WORD = re.compile(r"[^\W_][\w'’-]*")
_UNFINISHED = frozenset(
    ["more", "less", "than", "of", "for", "at", "to", "by", "from", "in", "on", "and", "or", "the"]
)


def _data_folder() -> Path:
    base = os.environ.get("OCCASIONAL_SHARED_DATA")
    root = Path(base) if base else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return root / "extraction"


def _labels() -> list[tuple[str, int, str]]:
    rows = []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            page, offset, key = line.split("\t")
            rows.append((page, int(offset), key))
    return rows


def shown_as(figure: Figure | None) -> str | None:
    """What a card shows for ``figure`` (as the renderer words it), or None."""
    if figure is None or not figure.counts:
        return None
    if figure.counts.lower() in figure.text.lower():
        return figure.text
    return f"{figure.text} — {figure.counts}"


def outcome(body: str, offset: int, key: str) -> tuple[str, str | None]:
    """``good``, ``bad`` or ``dropped`` for the labelled figure at ``offset``."""
    figure = next((f for f in find_figures(body) if f.start <= offset < f.end), None)
    shown = shown_as(figure)
    if shown is None:
        return "dropped", None
    if key == "DROP":
        return "bad", shown
    words = [w.lower() for w in _WORD.findall(shown)]
    good = any(w.startswith(k) for k in key.split("|") for w in words)
    if words[-1] in _UNFINISHED:  # "Fort Worth deliberated for less": a label cut mid-phrase
        good = False
    return ("good" if good else "bad"), shown


def main() -> int:
    folder = _data_folder()
    if not (folder / "ground-truth.json").is_file():
        print(f"extraction set not found in {folder}; set OCCASIONAL_SHARED_DATA", file=sys.stderr)
        return 1
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    bodies = {page[:12]: entry["articleBody"] for page, entry in truth.items()}
    verbose = "-v" in sys.argv
    tallies: dict[tuple[str, str], Counter[str]] = {}
    for page, offset, key in _labels():
        if key == "SKIP":
            continue
        half = "tune" if int(page[0], 16) % 2 == 0 else "held back"
        kind = "not a key figure" if key == "DROP" else "key figure"
        result, shown = outcome(bodies[page], offset, key)
        tallies.setdefault((half, kind), Counter())[result] += 1
        if verbose:
            print(f"{result:8s} {page} {offset:6d} {key:28s} {shown}")
    print(f"{'half':10s} {'kind':17s} {'n':>4s} {'good':>6s} {'bad':>6s} {'dropped':>8s}")
    for (half, kind), counts in sorted(tallies.items(), key=lambda kv: (kv[0][0] != "tune", kv[0])):
        n = sum(counts.values())
        shares = [f"{counts[r] / n:6.0%}" for r in ("good", "bad")]
        print(f"{half:10s} {kind:17s} {n:4d} {shares[0]} {shares[1]} {counts['dropped'] / n:8.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
