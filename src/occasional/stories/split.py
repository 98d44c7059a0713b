"""Splitting a story that holds two events: average linkage inside one story.

Called by :meth:`occasional.stories.single_pass.Clusterer.refine` once the
single pass is done. A streaming pass joins a doc to the story it fits best
at the time; two events of the same kind (two quakes, two hosts named for
the same show) share so many words that their reports often end up in one
story. Inside each story (a small block, never the whole window) the docs
are compared pairwise and grouped by average linkage; a story whose groups
agree less than ``split_threshold`` on average is cut in two or more.
Pure; nothing raises.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["DocVector", "similarity", "split_block"]


@dataclass(frozen=True, slots=True)
class DocVector:
    """One doc as the split compares it: weighted words and weighted names."""

    words: Mapping[str, float]
    norm: float
    names: Mapping[str, float]


def similarity(a: DocVector, b: DocVector, name_weight: float) -> float:
    """Word cosine mixed with the IDF-weighted share of names both docs carry."""
    small, large = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
    dot = sum(v * large[t] for t, v in small.items() if t in large)
    cosine = dot / (a.norm * b.norm) if dot else 0.0
    return (1 - name_weight) * cosine + name_weight * _name_overlap(a.names, b.names)


def _name_overlap(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    # Dice over IDF weights: a name only one doc mentions counts against them.
    total = sum(a.values()) + sum(b.values())
    if total == 0.0:
        return 0.0
    shared = sum(w for k, w in a.items() if k in b) + sum(w for k, w in b.items() if k in a)
    return shared / total


def split_block(
    vectors: Sequence[DocVector], name_weight: float, threshold: float, min_part: int
) -> list[int]:
    """0 or 1 per doc: the story's two halves, or all 0 when it is one event.

    Average linkage merges the docs down to two groups; they are two events
    when they agree less than ``threshold`` on average and each holds at least
    ``min_part`` docs (a stray doc is no second event). Deterministic: ties go
    to the earliest pair. Quadratic in the block's size, so callers pass one
    story at a time and cap its size.
    """
    n = len(vectors)
    sim = {
        (i, j): similarity(vectors[i], vectors[j], name_weight)
        for i in range(n)
        for j in range(i + 1, n)
    }
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    while len(groups) > 2:
        x, y = max(sim, key=lambda pair: (sim[pair], -pair[0], -pair[1]))
        _merge(sim, groups, x, y)
    if len(groups) < 2:
        return [0] * n
    first, second = sorted(groups)
    if sim[(first, second)] >= threshold or min(len(g) for g in groups.values()) < min_part:
        return [0] * n
    labels = [0] * n
    for i in groups[second]:
        labels[i] = 1
    return labels


def _merge(sim: dict[tuple[int, int], float], groups: dict[int, list[int]], x: int, y: int) -> None:
    """Fold group ``y`` into ``x`` (x < y), updating average links (Lance-Williams)."""
    size_x, size_y = len(groups[x]), len(groups[y])
    for k in groups:
        if k in (x, y):
            continue
        link_x = sim.pop(_key(x, k))
        link_y = sim.pop(_key(y, k))
        sim[_key(x, k)] = (size_x * link_x + size_y * link_y) / (size_x + size_y)
    del sim[(x, y)]
    groups[x] = groups[x] + groups.pop(y)


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)
