"""Splitting a story that holds two events: local weights, bisection, evidence.

Called by :func:`occasional.stories.refine.refine` once the
single pass is done. The pass joins docs generously, so every report of an
event lands in one story; two events of the same kind (two quakes, two hosts
named for the same show, two players arrested) share so many words that
their reports often land in one story too. Inside each story (a small block,
never the whole window)::

    members ─ local weights ─ cosine matrix ─ normalised cut into two halves
        └─ two events? halves agree little AND each half has a name or number
           concentrated in it beyond chance ─ yes: split each half again

Local weights: a word every member uses ("chargers", "dui") says nothing
about which event a member reports, so each word's global IDF is multiplied
by its IDF *inside the story*. Evidence: for each name or number, how
unlikely it is that its mentions fall so unevenly between the halves if the
halves were one event (the hypergeometric tail); both halves need one such
name (Jackson on one side, Williams on the other), because two halves of one
event share their names. Pure; nothing raises.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
from numpy.typing import NDArray

__all__ = ["Member", "SplitRule", "bisect", "evidence", "local_matrix", "split_story"]


@dataclass(frozen=True, slots=True)
class Member:
    """One doc of a story as the split sees it: word counts, names and numbers."""

    counts: Mapping[str, int]
    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class SplitRule:
    """When a story is two events.

    ``max_agreement``: the halves' mean cross-similarity divided by their
    mean inner similarity must be below this. ``min_evidence``: each half
    needs a name or number whose uneven spread has a chance probability of
    at most 10 ** -min_evidence. ``min_part``: each half holds at least this
    many docs. ``max_depth``: how many times a half may be split again.
    ``trade``: each unit of evidence beyond ``min_evidence`` raises the
    agreement allowed by this much (strong names outweigh shared words).
    """

    max_agreement: float = 0.3
    min_evidence: float = 1.4
    min_part: int = 3
    max_depth: int = 3
    trade: float = 0.08


def split_story(members: Sequence[Member], idf: Mapping[str, float], rule: SplitRule) -> list[int]:
    """A group number per member (0, 1, 2, …); all 0 when the story is one event.

    ``idf`` holds the global IDF of every word and key the members carry.
    Deterministic: the same members in the same order give the same groups.
    Quadratic in the story's size, so callers cap it.
    """
    labels = [0] * len(members)
    pending = [(list(range(len(members))), 0)]
    groups = 1
    while pending:
        positions, depth = pending.pop()
        halves = _two_events([members[p] for p in positions], idf, rule)
        if halves is None:
            continue
        moved = [positions[i] for i in halves[1]]
        for p in moved:
            labels[p] = groups
        groups += 1
        if depth + 1 < rule.max_depth:
            pending.append(([positions[i] for i in halves[0]], depth + 1))
            pending.append((moved, depth + 1))
    return labels


def _two_events(
    members: Sequence[Member], idf: Mapping[str, float], rule: SplitRule
) -> tuple[list[int], list[int]] | None:
    if len(members) < 2 * rule.min_part:
        return None
    sim = local_matrix(members, idf)
    first, second = bisect(sim)
    if min(len(first), len(second)) < rule.min_part:
        return None
    a = [members[i].keys for i in first]
    b = [members[i].keys for i in second]
    found = min(evidence(a, b), evidence(b, a))
    if found < rule.min_evidence:
        return None
    # Strong name evidence buys leave for halves whose words still agree.
    allowed = rule.max_agreement + rule.trade * (found - rule.min_evidence)
    if _agreement(sim, first, second) >= allowed:
        return None
    return first, second


def local_matrix(members: Sequence[Member], idf: Mapping[str, float]) -> NDArray[np.float64]:
    """Cosine similarities of the members under story-local weights (see module doc)."""
    n = len(members)
    # Each member's words, then its names and numbers: one row of entries.
    entries = [[*m.counts, *m.keys] for m in members]
    flat = list(chain.from_iterable(entries))
    vocab = {term: col for col, term in enumerate(dict.fromkeys(flat))}
    width = len(vocab)
    rows = np.repeat(np.arange(n), [len(e) for e in entries])
    cells = rows * width + np.fromiter(map(vocab.__getitem__, flat), np.int64, len(flat))
    # Words weigh 1 + log(count); a name or number adds 1 to its word's weight.
    tf = np.fromiter(
        chain.from_iterable(
            chain(map(math.log, m.counts.values()), repeat(0.0, len(m.keys))) for m in members
        ),
        float,
        len(flat),
    )
    tf += 1.0
    # One value per (member, word): a name that is also a word adds up.
    cells, inverse = np.unique(cells, return_inverse=True)
    values = np.asarray(np.bincount(inverse, weights=tf, minlength=len(cells)), np.float64)
    row, col = np.divmod(cells, width)
    local_df = np.bincount(col, minlength=width)
    local = np.maximum(0.0, np.log((n + 1) / (local_df + 0.5)))
    values *= (np.fromiter(map(idf.__getitem__, vocab), float, width) * local)[col]
    norms = np.sqrt(np.bincount(row, weights=values * values, minlength=n))
    values /= np.where(norms == 0.0, 1.0, norms)[row]
    # Only words two members share add to a similarity: the matrix keeps those.
    shared = local_df[col] > 1
    kept = np.flatnonzero(local_df > 1)
    matrix = np.zeros((n, len(kept)))
    matrix[row[shared], np.searchsorted(kept, col[shared])] = values[shared]
    sim: NDArray[np.float64] = matrix @ matrix.T
    # A member's similarity with itself counts its unshared words too.
    np.fill_diagonal(sim, np.where(norms == 0.0, 0.0, 1.0))
    return sim


def bisect(sim: NDArray[np.float64]) -> tuple[list[int], list[int]]:
    """Two groups by normalised cut; the group holding member 0 comes first.

    Members are ordered along the Fiedler vector of the similarity graph's
    normalised Laplacian and cut where the normalised cut is least. Unlike
    average linkage, which peels a lone outlier off first, this balances the
    cut against each side's weight. Deterministic for the same matrix.
    """
    n = len(sim)
    if n < 2:
        return list(range(n)), []
    weights = np.clip(sim, 0.0, None)
    np.fill_diagonal(weights, 0.0)
    degree = np.maximum(weights.sum(axis=1), 1e-12)
    scale = 1.0 / np.sqrt(degree)
    laplacian = np.eye(n) - scale[:, None] * weights * scale[None, :]
    _, vectors = np.linalg.eigh(laplacian)
    order = np.argsort(vectors[:, 1] * scale, kind="stable")
    ordered = weights[np.ix_(order, order)]
    # Moving the k-th member across adds its links to those after it and
    # removes its links to those before: the cut after each k in one pass.
    cuts = np.cumsum(np.triu(ordered, 1).sum(axis=1) - np.tril(ordered, -1).sum(axis=1))[:-1]
    volume = np.cumsum(degree[order])[:-1]
    total = float(degree.sum())
    ncut = cuts / volume + cuts / np.maximum(total - volume, 1e-12)
    at = int(np.argmin(ncut)) + 1
    first = sorted(int(i) for i in order[:at])
    second = sorted(int(i) for i in order[at:])
    return (first, second) if 0 in first else (second, first)


def _agreement(sim: NDArray[np.float64], first: list[int], second: list[int]) -> float:
    """Mean similarity across the halves over mean similarity within them."""
    between = float(sim[np.ix_(first, second)].mean())
    inner = sum(float(sim[np.ix_(g, g)].sum()) - len(g) for g in (first, second))
    pairs = sum(len(g) * (len(g) - 1) for g in (first, second))
    within = inner / pairs if pairs else 0.0
    return between / within if within > 0.0 else 1.0


def evidence(side: Sequence[frozenset[str]], other: Sequence[frozenset[str]]) -> float:
    """-log10 chance of the most unevenly spread name or number of ``side``.

    For each key ``side`` mentions at least twice: the hypergeometric
    probability that, if its mentions fell at random among all the docs,
    ``side`` would hold as many of them as it does.
    """
    mine: Counter[str] = Counter()
    for keys in side:
        mine.update(keys)
    theirs: Counter[str] = Counter()
    for keys in other:
        theirs.update(keys)
    total, drawn = len(side) + len(other), len(side)
    best = 0.0
    for key, count in mine.items():
        if count >= 2:
            chance = _upper_tail(total, count + theirs[key], drawn, count)
            best = max(best, -math.log10(chance))
    return best


def _upper_tail(total: int, marked: int, drawn: int, at_least: int) -> float:
    """P(X >= at_least) for X ~ Hypergeometric(total, marked, drawn)."""
    top = min(marked, drawn)
    ways = sum(
        math.comb(marked, x) * math.comb(total - marked, drawn - x)
        for x in range(at_least, top + 1)
    )
    return ways / math.comb(total, drawn)
