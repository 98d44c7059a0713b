"""Learning what a reader likes from their feedback: a pure fold over reactions.

:func:`learn_weights` is called by :func:`occasional.digest.build_digest`
with the profile's feedback and the stories it can see; ranking then reads the
weights through the ``feedback`` and ``source`` scorers. A like or "more"
raises the weight of the story's terms and outlets, a dislike or "less"
lowers them, "opened" raises them a little, "mute-source" mutes an outlet.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .facts import ordered, story_outlets, story_terms
from .model import Feedback, StoryView

__all__ = ["FEEDBACK_DELTAS", "InterestWeights", "learn_weights"]

# How much one reaction moves a story's terms; "opened" is a weak signal on purpose.
FEEDBACK_DELTAS: Mapping[str, float] = {
    "like": 1.0,
    "more": 1.0,
    "dislike": -1.0,
    "less": -0.6,
    "opened": 0.2,
}
SOURCE_SHARE = 0.5  # outlets learn more slowly than terms: one outlet covers many topics
LIMIT = 3.0  # no term's weight grows without bound, so old enthusiasm can be outweighed


@dataclass(frozen=True, slots=True)
class InterestWeights:
    """Learned weights: term → weight, source id → weight, and muted source keys."""

    terms: Mapping[str, float] = field(default_factory=dict)
    sources: Mapping[str, float] = field(default_factory=dict)
    muted_sources: frozenset[str] = frozenset()


def _muted_key(item: Feedback, view: StoryView | None) -> str | None:
    if item.source:
        return item.source.lower()
    if view is None:
        return None
    if view.story.first_source:
        return view.story.first_source.lower()
    articles = ordered(view.articles)
    return articles[0].source_id.lower() if articles else None


def _clamp(weights: Mapping[str, float]) -> dict[str, float]:
    return {key: max(-LIMIT, min(LIMIT, value)) for key, value in weights.items() if value}


def learn_weights(feedback: Sequence[Feedback], stories: Sequence[StoryView]) -> InterestWeights:
    """Fold ``feedback`` (oldest first) into weights, looking stories up in ``stories``.

    Feedback about a story not in ``stories`` is skipped, except a
    ``mute-source`` that names its source. Pure; never raises.
    """
    by_id = {view.story.id: view for view in stories}
    terms: dict[str, float] = defaultdict(float)
    sources: dict[str, float] = defaultdict(float)
    muted: set[str] = set()
    for item in sorted(feedback, key=lambda f: (f.time, f.story_id, f.kind)):
        view = by_id.get(item.story_id)
        if item.kind == "mute-source":
            key = _muted_key(item, view)
            if key:
                muted.add(key)
            continue
        if view is None:
            continue
        delta = FEEDBACK_DELTAS[item.kind]
        story_words = story_terms(view)
        # Spread the reaction over the story's terms so long headlines do not shout.
        share = delta / math.sqrt(len(story_words)) if story_words else 0.0
        for term in story_words:
            terms[term] += share
        for outlet in story_outlets(view):
            sources[outlet] += delta * SOURCE_SHARE
    return InterestWeights(_clamp(terms), _clamp(sources), frozenset(muted))
