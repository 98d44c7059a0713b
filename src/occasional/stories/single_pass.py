"""Streaming single-pass clustering: each doc joins its best open story or starts one.

Called by :func:`occasional.stories.cluster.cluster_stories`, which orders the
docs, handles copies, earlier assignments and overrides; this module only
scores. A doc is title plus lead: word tokens weighted TF-IDF style with
document frequencies counted as docs arrive, plus the names and numbers it
mentions (capitalised words, digit tokens) that must agree for two reports to
be one event. Candidate stories come from an inverted index over the doc's
rarer tokens, so a doc is compared with a few stories, never with all.
After the pass, :meth:`Clusterer.refine` sweeps docs to their best story
(dated follow-ups naming the story's people and places join at a looser
score), then cuts stories holding two events (:mod:`.split`). Figure-dense
docs (market wraps, results) never join a story that lacks their figures.
Pure: no I/O, no clock; nothing raises.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from .split import DocVector, split_block
from .text import STOPWORDS, numbers, words_and_names

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
    up in the index (they name no event); ``lookup_terms``: how many of the
    doc's rarest tokens are looked up; ``vector_terms``: how many of its
    heaviest words a doc's vector keeps. ``max_postings``: only the most
    recent stories under one token are looked at (old ones are closed).

    Follow-ups (refinement only, dated docs only): a doc scoring at least
    ``attach_threshold`` joins a story whose last article is within
    ``attach_hours`` when at least ``attach_names`` of its IDF-weighted names
    are already there. Templated reports: a doc with ``min_figures`` or more
    figures joins no story holding under ``figure_agreement`` of them.
    Two-event stories: stories of ``split_min_size`` to ``split_max_size``
    docs are cut in two when their average-linkage halves agree less than
    ``split_threshold`` (0 turns this off), each half holding at least
    ``split_min_part`` docs; ``split_name_weight`` is the names' share there.
    """

    threshold: float = 0.3
    rejoin_threshold: float = 0.2
    refine_rounds: int = 2
    name_weight: float = 0.3
    half_life_hours: float = 36.0
    window_days: float = 7.0
    max_candidates: int = 10
    rare_fraction: float = 0.1
    max_postings: int = 30
    lookup_terms: int = 30
    vector_terms: int = 30
    attach_threshold: float = 0.12
    attach_names: float = 0.3
    attach_hours: float = 36.0
    split_threshold: float = 0.18
    split_min_size: int = 6
    split_min_part: int = 3
    split_name_weight: float = 0.3
    split_max_size: int = 200
    min_figures: int = 8
    figure_agreement: float = 0.4


@dataclass(frozen=True, slots=True)
class DocFeatures:
    """What scoring reads from one doc: word counts and its names and numbers."""

    terms: Counter[str]
    keys: frozenset[str]
    published: datetime | None
    figures: frozenset[str] = frozenset()


def features(title: str, text: str, published: datetime | None) -> DocFeatures:
    """Title and lead of one doc as :class:`DocFeatures` (called per doc, pure)."""
    lead = " ".join(text.split(maxsplit=_LEAD_TOKENS)[:_LEAD_TOKENS])
    heading, title_names = words_and_names(title)
    body, body_names = words_and_names(lead)
    words = heading + body
    # Title words count twice: a headline names the event on purpose.
    terms = Counter(t for t in words + heading if t not in STOPWORDS and len(t) > 1)
    figures = numbers(words)
    return DocFeatures(terms, title_names | body_names | figures, published, figures)


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
    weights: dict[str, float]
    counts: dict[str, int]
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
        self._stories: list[_Story] = []
        self._index: defaultdict[str, list[int]] = defaultdict(list)
        self._docs: list[DocFeatures] = []
        self.labels: list[int] = []
        self._forced: list[bool] = []

    def add(self, doc: DocFeatures, force: int | None = None) -> int:
        """Place one doc; returns its story's index (new stories count up from 0)."""
        self._seen += 1
        self._df.update(set(doc.terms) | doc.keys)
        probe = self._probe(doc)
        index = force if force is not None else self._best(probe)
        if index is None:
            index = self.new_story()
        self._join(self._stories[index], probe)
        # Refinement needs only the words a doc's vector keeps; holding the
        # rest for a whole window would cost several KB per doc.
        self._docs.append(DocFeatures(Counter(probe.counts), doc.keys, doc.published, doc.figures))
        self.labels.append(index)
        self._forced.append(force is not None)
        return index

    def refine(self) -> None:
        """Move each unforced doc to its best story, ``refine_rounds`` times.

        A greedy pass joins a doc to the best story that existed when it
        arrived; once later stories exist, some docs fit another better.
        """
        # Frequencies no longer change, so each doc's weights are looked up once.
        probes = [self._probe(doc) for doc in self._docs] if self.options.refine_rounds else []
        touched: set[int] | None = None  # None: every story, in the first round
        for _ in range(self.options.refine_rounds):
            moved: set[int] = set()
            for position, probe in enumerate(probes):
                label = self.labels[position]
                if self._forced[position] or not self._unsettled(label, touched):
                    continue
                if self._move(position, probe) != label:
                    moved.update((label, self.labels[position]))
            touched = moved
        if self.options.split_threshold > 0:
            self._split(probes or [self._probe(doc) for doc in self._docs])

    def _split(self, probes: list[_Probe]) -> None:
        """Cut stories that hold two events (see :mod:`.split`); forced stories stay whole."""
        opts = self.options
        members: defaultdict[int, list[int]] = defaultdict(list)
        for position, label in enumerate(self.labels):
            members[label].append(position)
        for label, positions in sorted(members.items()):
            if not opts.split_min_size <= len(positions) <= opts.split_max_size:
                continue
            if any(self._forced[p] for p in positions):
                continue
            vectors = [_vector(probes[p]) for p in positions]
            groups = split_block(
                vectors, opts.split_name_weight, opts.split_threshold, opts.split_min_part
            )
            self._regroup(label, positions, groups, probes)

    def _regroup(
        self, label: int, positions: list[int], groups: list[int], probes: list[_Probe]
    ) -> None:
        # The group of the story's first doc keeps the story (and so its id).
        keep = groups[0]
        new: dict[int, int] = {}
        for position, group in zip(positions, groups, strict=True):
            if group == keep:
                continue
            if group not in new:
                new[group] = self.new_story()
            self._leave(self._stories[label], probes[position])
            self._join(self._stories[new[group]], probes[position])
            self.labels[position] = new[group]

    def _unsettled(self, label: int, touched: set[int] | None) -> bool:
        # Later rounds revisit only stories that gained or lost a doc, and
        # lone docs (a story that formed nearby may now take them): elsewhere
        # nothing a doc is scored against has changed much.
        return touched is None or label in touched or self._stories[label].size == 1

    def _move(self, position: int, probe: _Probe) -> int:
        """Put one doc in its best story now; returns that story's index."""
        current = self._stories[self.labels[position]]
        doc = probe.doc
        self._leave(current, probe)
        opts = self.options
        best, best_score = None, opts.rejoin_threshold
        loose, loose_score = None, opts.attach_threshold
        for idx in sorted({*self._candidates(doc), current.key}):
            story = self._stories[idx]
            score = self._score(probe, story) if story.size else 0.0
            if score >= best_score:
                best, best_score = idx, score
            elif score >= loose_score and self._follows(probe, story):
                loose, loose_score = idx, score
        best = best if best is not None else loose
        if best is None:
            best = current.key if current.size == 0 else self.new_story()
        self.labels[position] = best
        self._join(self._stories[best], probe)
        return best

    def _follows(self, probe: _Probe, story: _Story) -> bool:
        """A dated doc naming mostly the story's names soon after it: a follow-up.

        Analysis pieces and next-day follow-ups use other words for the same
        event but the same people and places; time closeness is evidence only
        when both sides carry dates.
        """
        when, last = probe.doc.published, story.last
        if when is None or last is None:
            return False
        close = abs((when - last).total_seconds()) <= self.options.attach_hours * 3600
        return close and self._overlap(probe, story.keys) >= self.options.attach_names

    def _leave(self, story: _Story, probe: _Probe) -> None:
        doc = probe.doc
        self._reweigh(story, probe, -1)
        story.keys.subtract(doc.keys)
        for term in doc.keys:
            if story.keys[term] <= 0:
                del story.keys[term]
        story.size -= 1

    def _reweigh(self, story: _Story, probe: _Probe, sign: int) -> None:
        """Add (sign 1) or remove (-1) a doc's word counts, keeping the norm."""
        idf = probe.idf
        for term, count in probe.counts.items():
            old = story.terms.get(term, 0)
            new = old + sign * count
            story.square += (new * new - old * old) * idf[term] ** 2
            if new > 0:
                story.terms[term] = new
            else:
                del story.terms[term]

    def new_story(self) -> int:
        """Open an empty story (for a forced assignment) and return its index."""
        self._stories.append(_Story(len(self._stories)))
        return len(self._stories) - 1

    def _candidates(self, doc: DocFeatures) -> list[int]:
        opts = self.options
        limit = max(2.0, opts.rare_fraction * self._seen)
        df = self._df
        rare = sorted((df[t], t) for t in set(doc.terms) | doc.keys if df[t] <= limit)
        index, cap = self._index, opts.max_postings
        # The rarest words name the event; common ones would only add noise and time.
        lists = (index.get(term, ())[-cap:] for _, term in rare[: opts.lookup_terms])
        hits = Counter(chain.from_iterable(lists))
        # Same order as most_common() (a stable sort), with the key in C.
        return sorted(hits, key=hits.__getitem__, reverse=True)[: opts.max_candidates]

    def _probe(self, doc: DocFeatures) -> _Probe:
        # The IDF formula inlined: this runs for every term of every doc.
        seen, df, log = self._seen + 1, self._df, math.log
        idf = {t: log(seen / (df[t] + 1)) + 1.0 for t in set(doc.terms) | doc.keys}
        weighted = sorted(((w * idf[t], t) for t, w in doc.terms.items()), reverse=True)
        # A doc's vector keeps its heaviest words only: the rest is common
        # vocabulary that costs time in every comparison and decides nothing.
        top = weighted[: self.options.vector_terms]
        weights = {t: v * idf[t] for v, t in top}
        # Refinement probes docs already cut to their vector: share, don't copy
        # (a window of probes is held at once there).
        fits = len(doc.terms) <= len(top)
        counts = doc.terms if fits else {t: doc.terms[t] for _, t in top}
        norm = math.sqrt(sum(v * v for v, _ in top))
        kept = {t: idf[t] for t in chain(counts, doc.keys)}
        return _Probe(doc, kept, weights, counts, norm, sum(idf[k] for k in doc.keys))

    def _best(self, probe: _Probe) -> int | None:
        best, best_score = None, self.options.threshold
        for idx in sorted(self._candidates(probe.doc)):
            score = self._score(probe, self._stories[idx])
            if score >= best_score:
                best, best_score = idx, score
        return best

    def _score(self, probe: _Probe, story: _Story) -> float:
        opts, doc = self.options, probe.doc
        if not self._open(doc.published, story.last) or self._disagree(doc, story):
            return 0.0
        lexical = self._cosine(probe, story)
        named = self._overlap(probe, story.keys)
        score = (1 - opts.name_weight) * lexical + opts.name_weight * named
        return score * self._decay(doc.published, story.last)

    def _cosine(self, probe: _Probe, story: _Story) -> float:
        counts, weights = story.terms, probe.weights
        # The key-view intersection runs in C over the doc's few words.
        dot = sum(weights[t] * counts[t] for t in weights.keys() & counts.keys())
        if dot == 0.0:
            return 0.0
        return dot / (probe.norm * math.sqrt(max(story.square, 1e-12)))

    def _overlap(self, probe: _Probe, story: Counter[str]) -> float:
        """IDF-weighted share of the doc's names and numbers the story already has."""
        if probe.key_total == 0.0:
            return 0.0
        return sum(probe.idf[k] for k in probe.doc.keys if k in story) / probe.key_total

    def _disagree(self, doc: DocFeatures, story: _Story) -> bool:
        """True when a figure-dense doc shares too few of its figures with the story.

        Templated reports (market wraps, weather, results) share nearly every
        word with yesterday's edition; only their figures tell them apart.
        """
        figures = doc.figures
        if len(figures) < self.options.min_figures:
            return False
        shared = sum(1 for f in figures if f in story.keys)
        return shared < self.options.figure_agreement * len(figures)

    def _open(self, when: datetime | None, last: datetime | None) -> bool:
        if when is None or last is None:
            return True
        return abs((when - last).total_seconds()) <= self.options.window_days * 86400

    def _decay(self, when: datetime | None, last: datetime | None) -> float:
        if when is None or last is None:
            return 1.0
        hours = abs((when - last).total_seconds()) / 3600
        return float(0.5 ** (hours / self.options.half_life_hours))

    def _join(self, story: _Story, probe: _Probe) -> None:
        doc = probe.doc
        for term in chain(probe.counts, doc.keys):
            if term not in story.terms and term not in story.keys:
                self._index[term].append(story.key)
        self._reweigh(story, probe, 1)
        story.keys.update(doc.keys)
        story.size += 1
        if doc.published is not None and (story.last is None or doc.published > story.last):
            story.last = doc.published


def _vector(probe: _Probe) -> DocVector:
    # Weights are count x IDF here (the probe's own carry IDF twice, to be
    # multiplied by a story's raw counts).
    words = {t: count * probe.idf[t] for t, count in probe.counts.items()}
    names = {k: probe.idf[k] for k in probe.doc.keys}
    return DocVector(words, probe.norm, names)
