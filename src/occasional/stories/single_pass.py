"""Streaming single-pass clustering: each doc joins its best open story or starts one.

Called by :func:`occasional.stories.cluster.cluster_stories`, which orders the
docs, handles copies, earlier assignments and overrides; this module only
scores. A doc is title plus lead: word tokens weighted TF-IDF style with
document frequencies counted as docs arrive, plus the names and numbers it
mentions (capitalised words, digit tokens) that must agree for two reports to
be one event. Candidate stories come from an inverted index over the doc's
rarer tokens, so a doc is compared with a few stories, never with all.
Pure: no I/O, no clock; nothing raises.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from .text import STOPWORDS, names, numbers, tokens

__all__ = ["ClusterOptions", "Clusterer", "DocFeatures", "features"]

_LEAD_TOKENS = 80


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """How eagerly docs join stories; the defaults are tuned on ECB+ train.

    ``threshold``: the score a doc needs to join a story. ``name_weight``:
    share of the score given to names and numbers rather than all words.
    ``half_life_hours``: the score halves per this many hours between the
    doc and the story's last article. ``window_days``: stories quiet longer
    than this take no more docs. ``max_candidates``: stories scored per doc.
    ``rare_fraction``: tokens in more than this share of docs are not looked
    up in the index (they name no event).
    """

    threshold: float = 0.22
    name_weight: float = 0.5
    half_life_hours: float = 36.0
    window_days: float = 7.0
    max_candidates: int = 40
    rare_fraction: float = 0.05


@dataclass(frozen=True, slots=True)
class DocFeatures:
    """What scoring reads from one doc: word counts and its names and numbers."""

    terms: Counter[str]
    keys: frozenset[str]
    published: datetime | None


def features(title: str, text: str, published: datetime | None) -> DocFeatures:
    """Title and lead of one doc as :class:`DocFeatures` (called per doc, pure)."""
    lead = " ".join(text.split()[:_LEAD_TOKENS])
    joined = f"{title}\n{lead}"
    words = [tok for tok in tokens(joined) if tok not in STOPWORDS and len(tok) > 1]
    # Title words count twice: a headline names the event on purpose.
    terms = Counter(words) + Counter(t for t in tokens(title) if t not in STOPWORDS)
    return DocFeatures(terms, names(joined) | numbers(joined), published)


@dataclass(slots=True)
class _Story:
    key: int
    terms: Counter[str] = field(default_factory=Counter)
    keys: Counter[str] = field(default_factory=Counter)
    size: int = 0
    last: datetime | None = None


class Clusterer:
    """One pass over docs in (published, id) order; ``add`` returns the story index.

    Called by :func:`~occasional.stories.cluster.cluster_stories`. ``add``
    with ``force`` puts a doc in a given story (an earlier run's decision).
    """

    def __init__(self, options: ClusterOptions | None = None) -> None:
        self.options = options or ClusterOptions()
        self._df: Counter[str] = Counter()
        self._seen = 0
        self._stories: list[_Story] = []
        self._index: defaultdict[str, list[int]] = defaultdict(list)

    def add(self, doc: DocFeatures, force: int | None = None) -> int:
        """Place one doc; returns its story's index (new stories count up from 0)."""
        self._seen += 1
        self._df.update(set(doc.terms) | doc.keys)
        index = force if force is not None else self._best(doc)
        if index is None:
            index = len(self._stories)
            self._stories.append(_Story(index))
        self._join(self._stories[index], doc)
        return index

    def new_story(self) -> int:
        """Open an empty story (for a forced assignment) and return its index."""
        self._stories.append(_Story(len(self._stories)))
        return len(self._stories) - 1

    def _idf(self, term: str) -> float:
        return math.log((self._seen + 1) / (self._df[term] + 1)) + 1.0

    def _candidates(self, doc: DocFeatures) -> list[int]:
        limit = max(2.0, self.options.rare_fraction * self._seen)
        hits: Counter[int] = Counter()
        for term in set(doc.terms) | doc.keys:
            if self._df[term] <= limit:
                hits.update(self._index.get(term, ()))
        return [idx for idx, _ in hits.most_common(self.options.max_candidates)]

    def _best(self, doc: DocFeatures) -> int | None:
        best, best_score = None, self.options.threshold
        for idx in self._candidates(doc):
            score = self._score(doc, self._stories[idx])
            if score >= best_score:
                best, best_score = idx, score
        return best

    def _score(self, doc: DocFeatures, story: _Story) -> float:
        opts = self.options
        if not self._open(doc.published, story.last):
            return 0.0
        lexical = self._cosine(doc.terms, story.terms)
        named = self._overlap(doc.keys, story.keys)
        score = (1 - opts.name_weight) * lexical + opts.name_weight * named
        return score * self._decay(doc.published, story.last)

    def _cosine(self, terms: Counter[str], story: Counter[str]) -> float:
        dot = sum(w * story[t] * self._idf(t) ** 2 for t, w in terms.items() if t in story)
        if dot == 0.0:
            return 0.0
        norm_a = math.sqrt(sum((w * self._idf(t)) ** 2 for t, w in terms.items()))
        norm_b = math.sqrt(sum((w * self._idf(t)) ** 2 for t, w in story.items()))
        return dot / (norm_a * norm_b)

    def _overlap(self, keys: frozenset[str], story: Counter[str]) -> float:
        """IDF-weighted share of the doc's names and numbers the story already has."""
        total = sum(self._idf(k) for k in keys)
        if total == 0.0:
            return 0.0
        return sum(self._idf(k) for k in keys if k in story) / total

    def _open(self, when: datetime | None, last: datetime | None) -> bool:
        if when is None or last is None:
            return True
        return abs((when - last).total_seconds()) <= self.options.window_days * 86400

    def _decay(self, when: datetime | None, last: datetime | None) -> float:
        if when is None or last is None:
            return 1.0
        hours = abs((when - last).total_seconds()) / 3600
        return float(0.5 ** (hours / self.options.half_life_hours))

    def _join(self, story: _Story, doc: DocFeatures) -> None:
        for term in set(doc.terms) | doc.keys:
            if term not in story.terms and term not in story.keys:
                self._index[term].append(story.key)
        story.terms.update(doc.terms)
        story.keys.update(doc.keys)
        story.size += 1
        if doc.published is not None and (story.last is None or doc.published > story.last):
            story.last = doc.published
