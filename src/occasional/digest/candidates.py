"""Which stories a profile may see at all: languages, mutes, muted outlets.

Called by :func:`occasional.digest.build_digest` before ranking. A story is
dropped when a muted topic, entity or tag matches it, when none of its
articles is in the profile's languages, or when every article comes from a
muted outlet; articles from muted outlets are removed from stories that stay.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..types import Article
from .facts import StoryFacts, profile_source_keys, source_keys, story_facts
from .learn import InterestWeights
from .model import StoryView
from .profile import Profile
from .text import PhraseMatcher

__all__ = ["MuteRules", "candidates", "in_languages"]


@dataclass(frozen=True, slots=True)
class MuteRules:
    """A profile's active mutes at one moment, compiled for matching."""

    phrases: PhraseMatcher
    tags: frozenset[str]
    sources: frozenset[str]

    @classmethod
    def build(cls, profile: Profile, weights: InterestWeights, now: datetime) -> MuteRules:
        """The mutes of ``profile`` holding at ``now``, plus sources muted by feedback."""
        active = profile.active_mutes(now)
        phrases = [m.value for m in active if m.kind in ("topics", "entities")]
        tags = {m.value.lower() for m in active if m.kind == "tags"}
        sources = profile_source_keys(m.value for m in active if m.kind == "sources")
        return cls(PhraseMatcher(phrases), frozenset(tags), sources | weights.muted_sources)

    def source_muted(self, article: Article) -> bool:
        """Whether the article's outlet is muted."""
        return bool(self.sources) and not self.sources.isdisjoint(source_keys(article))

    def story_muted(self, facts: StoryFacts) -> bool:
        """Whether a muted topic, entity or tag matches the story."""
        if not self.tags.isdisjoint(facts.tags):
            return True
        return bool(self.phrases.find(facts.blob, lowered=True))


def in_languages(view: StoryView, languages: Sequence[str]) -> bool:
    """Whether any article is in one of ``languages`` (or of unknown language)."""
    if not languages:
        return True
    for article in view.articles:
        code = (article.language or "").lower()
        if not code or any(code == lang or code.startswith(f"{lang}-") for lang in languages):
            return True
    return not view.articles


def _without_muted_sources(view: StoryView, rules: MuteRules) -> StoryView | None:
    if not rules.sources:
        return view
    kept = tuple(a for a in view.articles if not rules.source_muted(a))
    if len(kept) == len(view.articles):
        return view
    return dataclasses.replace(view, articles=kept) if kept else None


def candidates(
    profile: Profile, views: Sequence[StoryView], rules: MuteRules, now: datetime
) -> Iterator[StoryFacts]:
    """The facts of every story the profile may see at ``now``, in input order."""
    for view in views:
        if not in_languages(view, profile.languages):
            continue
        kept = _without_muted_sources(view, rules)
        if kept is None:
            continue
        facts = story_facts(kept, now)
        if not rules.story_muted(facts):
            yield facts
