"""Choosing a varied set: maximal marginal relevance with a cap per topic.

:func:`pick` is called by the builder once per slot. It walks candidates in
score order and stops as soon as no later one can win, so a slot costs a few
comparisons, not one per candidate.

A story's *keys* are what it is about (the followed things it matched and the
names in its headline); two stories sharing keys are similar (Jaccard over
keys and headline terms), and no more than ``per_key`` chosen stories share
any one key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .rank import Ranked

__all__ = ["Chosen", "Diversity", "features_of", "keys_of", "pick"]


@dataclass(frozen=True, slots=True)
class Diversity:
    """``penalty`` (λ) scales similarity to what is chosen; ``per_key`` caps one topic."""

    penalty: float = 0.3
    per_key: int = 2


@dataclass(slots=True)
class Chosen:
    """What is chosen so far: their feature sets and how often each key was used."""

    features: list[frozenset[str]] = field(default_factory=list)
    keys: Counter[str] = field(default_factory=Counter)

    def add(self, ranked: Ranked) -> None:
        """Record a chosen story."""
        self.features.append(features_of(ranked))
        self.keys.update(keys_of(ranked))


def keys_of(ranked: Ranked) -> frozenset[str]:
    """The topics and names a story is about, lower-cased."""
    followed = {key.lower() for key in ranked.candidate.followed}
    return frozenset(followed | ranked.facts.names)


def features_of(ranked: Ranked) -> frozenset[str]:
    """What similarity compares: keys and headline terms."""
    return keys_of(ranked) | ranked.facts.terms


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def pick(candidates: Sequence[Ranked], chosen: Chosen, rule: Diversity) -> int | None:
    """Index of the candidate to take next (``candidates`` sorted best first), or ``None``."""
    best: tuple[float, int] | None = None
    for index, ranked in enumerate(candidates):
        if best is not None and ranked.score <= best[0]:
            break  # its MMR value can only be lower than its score
        if any(chosen.keys[key] >= rule.per_key for key in keys_of(ranked)):
            continue
        mine = features_of(ranked)
        overlap = max((_similarity(mine, f) for f in chosen.features), default=0.0)
        value = ranked.score - rule.penalty * overlap
        if best is None or value > best[0]:
            best = (value, index)
    return None if best is None else best[1]
