"""Building one profile's digest: the pure decider the pipeline calls.

The flow, as a pipeline of pure steps::

    learn_weights(feedback)                 what the reader liked and muted
      | candidates(profile, stories)        languages, mutes, muted outlets
      | rank(...)                           cheap metadata scores, with reasons
      | score >= profile.min_score          the bar
      | pick(...) until the budget is full  diversity (MMR, two per topic)
      | build_card(...)                     analysis of the few chosen stories
      | memory check                        shown before? only if changed enough

and, when nothing is left, one honest quiet line. The optional top-stories
section runs the same steps with weights that ignore the reader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..gcpause import collector_paused
from ..text import plural
from ..types import Digest, DigestItem
from .candidates import MuteRules, candidates
from .cards import CardLimits, build_card, with_summary
from .diversity import Chosen, Diversity, pick
from .learn import learn_weights
from .memory import UpdateRule, change_reason, compare
from .model import Analyzer, Feedback, Memory, StoryView, Summarizer, default_analyzer
from .profile import Profile
from .rank import DEFAULT_WEIGHTS, TOP_WEIGHTS, Follows, RankContext, Ranked, rank, rescore

__all__ = ["DigestOptions", "build_digest", "quiet_line"]

NEW_REASON = "New since your last digest"


@dataclass(frozen=True, slots=True)
class DigestOptions:
    """The knobs of digest building; the defaults are what occasional ships."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    top_weights: Mapping[str, float] = field(default_factory=lambda: dict(TOP_WEIGHTS))
    diversity: Diversity = field(default_factory=Diversity)
    update: UpdateRule = field(default_factory=UpdateRule)
    limits: CardLimits = field(default_factory=CardLimits)
    top_count: int = 3
    top_min_outlets: int = 3


def quiet_line(stories: Sequence[StoryView]) -> str:
    """The one line a digest shows when nothing is above the bar."""
    articles = sum(len(view.articles) or len(view.story.article_ids) for view in stories)
    counted = plural(articles, "article")
    stories_counted = plural(len(stories), "story", "stories")
    return f"Nothing new above your bar today — {counted} in {stories_counted} checked."


@dataclass(slots=True)
class _CardMaker:
    """Builds cards and applies memory: shown stories return only when changed enough."""

    analyzer: Analyzer | None
    summarizer: Summarizer | None
    memory: Memory
    options: DigestOptions

    def __call__(self, ranked: Ranked, *, top: bool = False) -> DigestItem | None:
        if self.analyzer is None:
            self.analyzer = default_analyzer()
        card = self._remembered(build_card(ranked, self.analyzer, self.options.limits))
        if card is None:
            return None
        if self.summarizer is not None:
            # Only now: an LLM call is worth making for a card that will be shown.
            card = with_summary(card, ranked.facts.view, self.summarizer)
        return dataclasses.replace(card, top=top)

    def _remembered(self, card: DigestItem) -> DigestItem | None:
        previous = self.memory.fingerprint(card.id)
        if previous is None:
            reasons = (*card.reasons, NEW_REASON) if self.memory.shown else card.reasons
            return dataclasses.replace(card, reasons=reasons)
        change = compare(previous, card)
        if change is None or not self.options.update.enough(change):
            return None
        reasons = (*card.reasons, change_reason(change))
        return dataclasses.replace(card, reasons=reasons, status="updated")


def _choose(
    ranked: Sequence[Ranked],
    limit: int,
    make: Callable[[Ranked], DigestItem | None],
    diversity: Diversity,
) -> tuple[DigestItem, ...]:
    pool = list(ranked)
    chosen = Chosen()
    items: list[DigestItem] = []
    while pool and len(items) < limit:
        index = pick(pool, chosen, diversity)
        if index is None:
            break
        candidate = pool.pop(index)
        item = make(candidate)
        if item is not None:
            chosen.add(candidate)
            items.append(item)
    return tuple(items)


def _top(
    ranked: Sequence[Ranked], ctx: RankContext, make: _CardMaker, shown: set[str]
) -> tuple[DigestItem, ...]:
    options = make.options
    big = (
        r
        for r in ranked
        if len(r.facts.outlets) >= options.top_min_outlets and r.facts.view.story.id not in shown
    )
    pool = rescore(big, ctx, options.top_weights)
    return _choose(pool, options.top_count, lambda r: make(r, top=True), options.diversity)


def build_digest(
    profile: Profile,
    stories: Sequence[StoryView],
    *,
    now: datetime,
    memory: Memory,
    feedback: Sequence[Feedback] = (),
    analyzer: Analyzer | None = None,
    summarizer: Summarizer | None = None,
    options: DigestOptions = DigestOptions(),
) -> Digest:
    """The digest of ``stories`` for ``profile`` at ``now``; pure apart from the seams.

    ``analyzer`` defaults to :func:`~occasional.digest.model.default_analyzer`
    and is called only for stories that make the digest; ``summarizer`` (an
    LLM, say) may replace their summaries. Raises ``KeyError`` if
    ``options.weights`` names an unregistered scorer; whatever the analyser
    raises propagates.
    """
    with collector_paused():
        return _build(profile, stories, now, memory, feedback, analyzer, summarizer, options)


def _build(
    profile: Profile,
    stories: Sequence[StoryView],
    now: datetime,
    memory: Memory,
    feedback: Sequence[Feedback],
    analyzer: Analyzer | None,
    summarizer: Summarizer | None,
    options: DigestOptions,
) -> Digest:
    weights = learn_weights(feedback, stories)
    rules = MuteRules.build(profile, weights, now)
    facts = list(candidates(profile, stories, rules, now))
    ctx = RankContext(now=now, memory=memory, weights=weights, follows=Follows.build(profile))
    ranked = rank(facts, ctx, options.weights)
    make = _CardMaker(analyzer, summarizer, memory, options)
    above = [r for r in ranked if r.score >= profile.min_score]
    items = _choose(above, profile.budget, make, options.diversity)
    top: tuple[DigestItem, ...] = ()
    if profile.top_stories:
        top = _top(ranked, ctx, make, {item.id for item in items})
    quiet = None if items else quiet_line(stories)
    return Digest(profile=profile.name, generated=now, items=items, top=top, quiet=quiet)
