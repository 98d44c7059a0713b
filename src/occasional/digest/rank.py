"""Ranking stories for one profile: small scorers, registered by name, and a weights table.

Each scorer looks at one :class:`Candidate` and returns a :class:`Signal`: a
value (0 to 1; the learned ones may go down to -1) and, when it is worth
saying, a reason in words. :func:`rank` sums the weighted values into a score
between about -0.2 and 1, comparable with a profile's ``min_score``::

    score = Σ weight[name] · value[name] / Σ weight

Add a scorer with ``@scorer("name")`` and give it a weight in the table you
pass to :func:`rank`; no if-chain decides what counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import NamedTuple

from .facts import VELOCITY_WINDOW, StoryFacts, outlet_name, profile_source_keys, source_keys
from .learn import InterestWeights
from .model import Memory
from .profile import Profile
from .text import PhraseMatcher

__all__ = [
    "DEFAULT_WEIGHTS",
    "SCORERS",
    "TOP_WEIGHTS",
    "Candidate",
    "Follows",
    "RankContext",
    "Ranked",
    "Signal",
    "rank",
    "rescore",
    "scorer",
]

RECENCY_HALF_LIFE_HOURS = 12.0
TRENDING_ARTICLES = 3  # articles in the window before a story counts as trending
OUTLETS_FOR_FULL_IMPORTANCE = 16


class Signal(NamedTuple):
    """One scorer's verdict: a value and an optional reason in words."""

    value: float
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Follows:
    """A profile's follows, compiled once per digest."""

    phrases: PhraseMatcher
    tags: Mapping[str, str]
    sources: frozenset[str]

    @classmethod
    def build(cls, profile: Profile) -> Follows:
        """Compile ``profile.follows`` for matching."""
        follows = profile.follows
        return cls(
            phrases=PhraseMatcher([*follows.topics, *follows.entities]),
            tags={tag.lower(): tag for tag in follows.tags},
            sources=profile_source_keys(follows.sources),
        )


@dataclass(frozen=True, slots=True)
class RankContext:
    """What every scorer may read besides the story itself."""

    now: datetime
    memory: Memory
    weights: InterestWeights
    follows: Follows


def _sorted(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(items)) if items else ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A story's facts and what of the profile's follows it matches."""

    facts: StoryFacts
    in_title: frozenset[str]
    in_text: frozenset[str]
    tags: tuple[str, ...]
    sources: tuple[str, ...]

    @classmethod
    def match(cls, facts: StoryFacts, follows: Follows) -> Candidate:
        """Match ``facts`` against ``follows`` (a regular-expression scan or two)."""
        in_blob = follows.phrases.find(facts.blob, lowered=True)
        # The blob holds the titles, so a story matching nothing there needs no second scan.
        in_title = follows.phrases.find(facts.title_text, lowered=True) if in_blob else set()
        sources = {
            outlet_name(article)
            for article in (facts.articles if follows.sources else ())
            if not follows.sources.isdisjoint(source_keys(article))
        }
        return cls(
            facts=facts,
            in_title=frozenset(in_title),
            in_text=frozenset(in_blob - in_title),
            tags=_sorted(follows.tags[t] for t in facts.tags & follows.tags.keys()),
            sources=_sorted(sources),
        )

    @property
    def followed(self) -> frozenset[str]:
        """Every followed thing this story matched (diversity groups stories by these)."""
        return self.in_title | self.in_text | frozenset(self.tags)


@dataclass(frozen=True, slots=True)
class Ranked:
    """A scored candidate: the score and each scorer's signal, in table order."""

    candidate: Candidate
    score: float
    signals: tuple[tuple[str, Signal], ...]

    @property
    def facts(self) -> StoryFacts:
        """The story's facts."""
        return self.candidate.facts

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons in words, in the order of the weights table."""
        return tuple(signal.reason for _, signal in self.signals if signal.reason)

    @property
    def parts(self) -> tuple[tuple[str, float], ...]:
        """Each scorer's value by name."""
        return tuple((name, signal.value) for name, signal in self.signals)


Scorer = Callable[[Candidate, RankContext], Signal]
SCORERS: dict[str, Scorer] = {}


def scorer(name: str) -> Callable[[Scorer], Scorer]:
    """Register a scorer under ``name`` (the key a weights table uses)."""

    def register(function: Scorer) -> Scorer:
        SCORERS[name] = function
        return function

    return register


def _listing(items: Iterable[str], most: int = 3) -> str:
    names = list(items)[:most]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@scorer("interest")
def _interest(c: Candidate, ctx: RankContext) -> Signal:
    if not (c.in_title or c.in_text or c.tags):
        return Signal(0.0)
    strong = sorted(c.in_title) + list(c.tags)
    if strong:
        return Signal(1.0, f"You follow {_listing(strong)}")
    if c.in_text:
        return Signal(0.6, f"You follow {_listing(sorted(c.in_text))}")
    return Signal(0.0)


@scorer("source")
def _source(c: Candidate, ctx: RankContext) -> Signal:
    if c.sources:
        return Signal(1.0, f"From {_listing(c.sources)}, which you follow")
    learned = sum(ctx.weights.sources.get(outlet, 0.0) for outlet in c.facts.outlets)
    return Signal(math.tanh(learned))


@scorer("importance")
def _importance(c: Candidate, ctx: RankContext) -> Signal:
    count = len(c.facts.outlets)
    value = min(1.0, math.log2(count) / math.log2(OUTLETS_FOR_FULL_IMPORTANCE)) if count else 0.0
    if count < 2:
        return Signal(value)
    first = f", first reported by {c.facts.first_reporter}" if c.facts.first_reporter else ""
    return Signal(value, f"{count} outlets{first}")


@scorer("velocity")
def _velocity(c: Candidate, ctx: RankContext) -> Signal:
    recent = c.facts.recent
    if recent < TRENDING_ARTICLES:
        return Signal(recent / (2 * TRENDING_ARTICLES))
    hours = int(VELOCITY_WINDOW.total_seconds() // 3600)
    reason = f"Trending: {recent} articles in the last {hours} hours"
    return Signal(min(1.0, recent / (2 * TRENDING_ARTICLES)), reason)


@scorer("recency")
def _recency(c: Candidate, ctx: RankContext) -> Signal:
    if c.facts.latest is None:
        return Signal(0.0)
    hours = max(0.0, (ctx.now - c.facts.latest).total_seconds() / 3600)
    return Signal(0.5 ** (hours / RECENCY_HALF_LIFE_HOURS))


@scorer("novelty")
def _novelty(c: Candidate, ctx: RankContext) -> Signal:
    # A story shown before only returns when its card changed; it starts lower.
    return Signal(1.0 if ctx.memory.fingerprint(c.facts.view.story.id) is None else 0.3)


@scorer("feedback")
def _feedback(c: Candidate, ctx: RankContext) -> Signal:
    learned = ctx.weights.terms
    if not learned or not c.facts.terms:
        return Signal(0.0)
    hits = {term: learned[term] for term in learned.keys() & c.facts.terms}
    value = math.tanh(sum(hits.values()) / math.sqrt(len(c.facts.terms)))
    if value < 0.15:
        return Signal(value)
    liked = sorted((t for t, w in hits.items() if w > 0), key=lambda t: (-hits[t], t))
    return Signal(value, f"Like stories you liked: {_listing(liked)}")


DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "interest": 3.0,
        "source": 1.0,
        "importance": 1.5,
        "velocity": 1.0,
        "recency": 1.0,
        "novelty": 0.5,
        "feedback": 2.0,
    }
)
# The top-stories section ignores who is reading: only how big, fast and fresh.
TOP_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"importance": 2.0, "velocity": 1.0, "recency": 1.0}
)


def _score(
    candidate: Candidate,
    ctx: RankContext,
    weights: Mapping[str, float],
    known: Mapping[str, Signal],
) -> Ranked:
    score = 0.0
    signals: list[tuple[str, Signal]] = []
    for name, weight in weights.items():
        signal = known.get(name) or SCORERS[name](candidate, ctx)
        score += weight * signal.value
        signals.append((name, signal))
    return Ranked(candidate, score / (sum(weights.values()) or 1.0), tuple(signals))


def _ordered(ranked: list[Ranked]) -> list[Ranked]:
    ranked.sort(key=lambda r: (-r.score, r.facts.view.story.id))
    return ranked


def rank(
    facts: Iterable[StoryFacts],
    ctx: RankContext,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> list[Ranked]:
    """Match every story against the follows, score it, and sort best first.

    Ties break by story id, so the order never depends on the input order.
    Raises ``KeyError`` if ``weights`` names a scorer nobody registered.
    """
    return _ordered([_score(Candidate.match(f, ctx.follows), ctx, weights, {}) for f in facts])


def rescore(
    ranked: Iterable[Ranked], ctx: RankContext, weights: Mapping[str, float]
) -> list[Ranked]:
    """Rank scored stories again with another weights table, reusing the signals they have."""
    return _ordered([_score(r.candidate, ctx, weights, dict(r.signals)) for r in ranked])
