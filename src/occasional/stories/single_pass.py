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

    ``threshold``: the score a doc needs to join a story as it arrives.
    ``refine_rounds``: sweeps after the pass that move each doc to its best
    story now that all stories exist (undoing early greedy choices);
    ``rejoin_threshold`` is the score needed there. ``name_weight``:
    share of the score given to names and numbers rather than all words.
    ``half_life_hours``: the score halves per this many hours between the
    doc and the story's last article. ``window_days``: stories quiet longer
    than this take no more docs. ``max_candidates``: stories scored per doc.
    ``rare_fraction``: tokens in more than this share of docs are not looked
    up in the index (they name no event). ``max_postings``: only the most
    recent stories under one token are looked at (old ones are closed).
    """

    threshold: float = 0.3
    rejoin_threshold: float = 0.2
    refine_rounds: int = 2
    name_weight: float = 0.3
    half_life_hours: float = 36.0
    window_days: float = 7.0
    max_candidates: int = 40
    rare_fraction: float = 0.1
    max_postings: int = 200


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
    # Squared weighted norm, kept up to date term by term as docs join and
    # leave, each term weighted by its IDF when it changed: IDF drifts slowly,
    # and a full pass over a big story's words per score would cost far more.
    square: float = 0.0


@dataclass(frozen=True, slots=True)
class _Probe:
    """A doc about to be scored, with its IDF weights looked up once."""

    doc: DocFeatures
    idf: dict[str, float]
    norm: float
    key_total: float


class Clusterer:
    """One pass over docs in (published, id) order; ``add`` returns the story index.

    Called by :func:`~occasional.stories.cluster.cluster_stories`. ``add``
    with ``force`` puts a doc in a given story (an earlier run's decision,
    never moved by :meth:`refine`); :attr:`labels` gives each added doc's
    story index, in the order added.
    """

    def __init__(self, options: ClusterOptions | None = None) -> None:
        self.options = options or ClusterOptions()
        self._df: Counter[str] = Counter()
        self._seen = 0
        self._df_fixed = False
        self._stories: list[_Story] = []
        self._index: defaultdict[str, list[int]] = defaultdict(list)
        self._docs: list[DocFeatures] = []
        self.labels: list[int] = []
        self._forced: list[bool] = []

    def add(self, doc: DocFeatures, force: int | None = None) -> int:
        """Place one doc; returns its story's index (new stories count up from 0)."""
        if not self._df_fixed:
            self._seen += 1
            self._df.update(set(doc.terms) | doc.keys)
        index = force if force is not None else self._best(doc)
        if index is None:
            index = len(self._stories)
            self._stories.append(_Story(index))
        self._join(self._stories[index], doc)
        self._docs.append(doc)
        self.labels.append(index)
        self._forced.append(force is not None)
        return index

    def refine(self) -> None:
        """Move each unforced doc to its best story, ``refine_rounds`` times.

        A greedy pass joins a doc to the best story that existed when it
        arrived; once later stories exist, some docs fit another better.
        """
        for _ in range(self.options.refine_rounds):
            for position, doc in enumerate(self._docs):
                if not self._forced[position]:
                    self._move(position, doc)

    def _move(self, position: int, doc: DocFeatures) -> None:
        current = self._stories[self.labels[position]]
        self._leave(current, doc)
        probe = self._probe(doc)
        best, best_score = None, self.options.rejoin_threshold
        for idx in sorted({*self._candidates(doc), current.key}):
            story = self._stories[idx]
            score = self._score(probe, story) if story.size else 0.0
            if score >= best_score:
                best, best_score = idx, score
        if best is None:
            best = current.key if current.size == 0 else self.new_story()
        self.labels[position] = best
        self._join(self._stories[best], doc)

    def _leave(self, story: _Story, doc: DocFeatures) -> None:
        self._reweigh(story, doc, -1)
        story.keys.subtract(doc.keys)
        for term in doc.keys:
            if story.keys[term] <= 0:
                del story.keys[term]
        story.size -= 1

    def _reweigh(self, story: _Story, doc: DocFeatures, sign: int) -> None:
        """Add (sign 1) or remove (-1) a doc's word counts, keeping the norm."""
        for term, count in doc.terms.items():
            old = story.terms.get(term, 0)
            new = old + sign * count
            story.square += (new * new - old * old) * self._idf(term) ** 2
            if new > 0:
                story.terms[term] = new
            else:
                del story.terms[term]

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
                hits.update(self._index.get(term, ())[-self.options.max_postings :])
        return [idx for idx, _ in hits.most_common(self.options.max_candidates)]

    def _probe(self, doc: DocFeatures) -> _Probe:
        idf = {t: self._idf(t) for t in set(doc.terms) | doc.keys}
        norm = math.sqrt(sum((w * idf[t]) ** 2 for t, w in doc.terms.items()))
        return _Probe(doc, idf, norm, sum(idf[k] for k in doc.keys))

    def _best(self, doc: DocFeatures) -> int | None:
        probe = self._probe(doc)
        best, best_score = None, self.options.threshold
        for idx in sorted(self._candidates(doc)):
            score = self._score(probe, self._stories[idx])
            if score >= best_score:
                best, best_score = idx, score
        return best

    def _score(self, probe: _Probe, story: _Story) -> float:
        opts, doc = self.options, probe.doc
        if not self._open(doc.published, story.last):
            return 0.0
        lexical = self._cosine(probe, story)
        named = self._overlap(probe, story.keys)
        score = (1 - opts.name_weight) * lexical + opts.name_weight * named
        return score * self._decay(doc.published, story.last)

    def _cosine(self, probe: _Probe, story: _Story) -> float:
        counts, idf = story.terms, probe.idf
        dot = sum(w * counts[t] * idf[t] ** 2 for t, w in probe.doc.terms.items() if t in counts)
        if dot == 0.0:
            return 0.0
        return dot / (probe.norm * math.sqrt(max(story.square, 1e-12)))

    def _overlap(self, probe: _Probe, story: Counter[str]) -> float:
        """IDF-weighted share of the doc's names and numbers the story already has."""
        if probe.key_total == 0.0:
            return 0.0
        return sum(probe.idf[k] for k in probe.doc.keys if k in story) / probe.key_total

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
        self._reweigh(story, doc, 1)
        story.keys.update(doc.keys)
        story.size += 1
        if doc.published is not None and (story.last is None or doc.published > story.last):
            story.last = doc.published
