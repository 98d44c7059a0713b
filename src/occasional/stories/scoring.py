"""How well a doc fits an open story: the score the single pass and refinement use.

Called by :class:`occasional.stories.single_pass.Clusterer` for each
candidate story (:mod:`.candidates`) and by :mod:`.refine`. The score mixes
the IDF-weighted cosine of the doc's words with the story's, the share of the
doc's names and numbers the story carries, and a decay with the time between
the doc and the story's dated span; figure-dense docs score 0 against a story
lacking their figures. :class:`OpenStory` keeps what scoring reads of a
story up to date as docs join and leave it.
Pure: no I/O, no clock; nothing raises.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress, repeat
from operator import add, mul, sub

import numpy as np
from numpy.typing import NDArray

from .features import DocFeatures
from .options import ClusterOptions

__all__ = [
    "OpenStory",
    "Probe",
    "disagree",
    "follows",
    "gap",
    "mix",
    "names_shared",
    "overlap",
    "score",
]


@dataclass(frozen=True, slots=True)
class Probe:
    """A doc about to be scored, with its IDF weights looked up once.

    ``idf``: IDF by word, shared by every probe made while document
    frequencies stay put (it covers at least the doc's words and keys).
    ``key_idf``: the IDF of each of the doc's keys, in the order
    ``doc.keys`` iterates.
    """

    doc: DocFeatures
    idf: dict[str, float]
    weights: dict[str, float]
    counts: Counter[str]
    norm: float
    key_total: float
    key_idf: tuple[float, ...]


@dataclass(slots=True)
class OpenStory:
    """What scoring reads of one story: its word and name counts, size, span and norm."""

    key: int
    terms: Counter[str] = field(default_factory=Counter)
    keys: Counter[str] = field(default_factory=Counter)
    size: int = 0
    # The times of the story's earliest and latest dated articles: a doc is
    # as far from the story as from the nearest end of that span.
    first: datetime | None = None
    last: datetime | None = None
    # Squared weighted norm, kept up to date term by term as docs join and
    # leave, each term weighted by its IDF when it changed: IDF drifts slowly,
    # and a full pass over a big story's words per score would cost far more.
    square: float = 0.0
    # Sum of the members' embedding vectors (when docs carry them).
    vector: NDArray[np.float64] | None = None

    def take(self, probe: Probe) -> None:
        """Count a joining doc's words, names, vector and time in the story."""
        doc = probe.doc
        self._reweigh(probe, 1)
        if doc.vector is not None:
            vector = doc.vector.astype(np.float64)
            self.vector = vector if self.vector is None else self.vector + vector
        self.keys.update(doc.keys)
        self.size += 1
        when = doc.published
        if when is not None:
            if self.last is None or when > self.last:
                self.last = when
            if self.first is None or when < self.first:
                self.first = when

    def release(self, probe: Probe) -> None:
        """Uncount a leaving doc (its time stays in the span: spans only grow)."""
        self._reweigh(probe, -1)
        if probe.doc.vector is not None and self.vector is not None:
            self.vector -= probe.doc.vector
        keys = self.keys
        for term in probe.doc.keys:
            left = keys.get(term, 0) - 1
            if left > 0:
                keys[term] = left
            else:
                del keys[term]
        self.size -= 1

    def _reweigh(self, probe: Probe, sign: int) -> None:
        """Add (sign 1) or remove (-1) a doc's word counts, keeping the norm."""
        counts, terms = probe.counts, self.terms
        # Term by term as a loop would, but each step a C-level map:
        # new = old + sign * count; square += (new² - old²) * idf²,
        # summed in order from the old square (sum() adds in sequence).
        olds = list(map(terms.get, counts, repeat(0)))
        news = list(map(add, olds, map(mul, repeat(sign), counts.values())))
        squares = map(pow, map(probe.idf.__getitem__, counts), repeat(2))
        gains = map(sub, map(mul, news, news), map(mul, olds, olds))
        self.square = sum(map(mul, gains, squares), self.square)
        dict.update(terms, zip(counts, news, strict=True))  # set, not Counter's add
        if sign < 0:
            for term in compress(counts, map((0).__ge__, news)):
                del terms[term]


def score(opts: ClusterOptions, probe: Probe, story: OpenStory) -> float:
    """The doc's score against the story: 0 outside the window or on disagreeing figures."""
    # The hot path: time window, figures, cosine, names and decay inlined
    # (the helpers below say the same for the callers that need one part).
    doc = probe.doc
    when, last = doc.published, story.last
    decay = 1.0
    if when is not None and last is not None:
        seconds = gap(when, story)
        if seconds > opts.window_days * 86400:
            return 0.0
        decay = 0.5 ** (seconds / 3600 / opts.half_life_hours)
    if len(doc.figures) >= opts.min_figures and disagree(opts, doc, story):
        return 0.0
    counts, weights = story.terms, probe.weights
    common = weights.keys() & counts.keys()
    # Both maps walk the same set in the same order: the sum matches a loop's.
    dot = sum(map(mul, map(weights.__getitem__, common), map(counts.__getitem__, common)))
    lexical = 0.0
    if dot != 0.0:
        lexical = dot / (probe.norm * math.sqrt(max(story.square, 1e-12)))
    if doc.vector is not None and story.vector is not None:
        lexical = mix(opts, lexical, doc.vector, story.vector)
    named = overlap(opts, probe, story.keys, story.size) if probe.key_total else 0.0
    if (
        named < opts.min_names
        and story.size >= opts.names_from
        and probe.key_total
        and lexical < opts.words_alone
    ):
        return 0.0
    found = (1 - opts.name_weight) * lexical + opts.name_weight * named
    return found * decay


def mix(
    opts: ClusterOptions, lexical: float, vector: NDArray[np.float32], total: NDArray[np.float64]
) -> float:
    """Word cosine mixed with the cosine of the doc's and the story's mean embedding."""
    norm = float(np.linalg.norm(total))
    dense = max(0.0, float(vector @ total) / norm) if norm > 0.0 else 0.0
    weight = opts.embedding_weight
    return (1 - weight) * lexical + weight * dense


def overlap(opts: ClusterOptions, probe: Probe, keys: Counter[str], size: int) -> float:
    """IDF-weighted share of the doc's names and numbers the story carries.

    A name counts fully once ``name_share`` of the story's docs mention
    it, in proportion below that: a big story that has seen every name
    once is no match for a doc by names alone.
    """
    if probe.key_total == 0.0:
        return 0.0
    scale = 1.0 / (opts.name_share * max(size, 1))
    # Names the story lacks add exactly 0.0, so only the shared ones are
    # summed (in the same order); all in C, this runs per scored story.
    flags = list(map(keys.__contains__, probe.doc.keys))
    if not names_shared(probe.doc, flags):
        return 0.0
    weights = compress(probe.key_idf, flags)
    if scale >= 1.0:  # one mention already counts fully
        return sum(weights) / probe.key_total
    found = map(keys.__getitem__, compress(probe.doc.keys, flags))
    shares = map(min, repeat(1.0), map(mul, found, repeat(scale)))
    shared: float = sum(map(mul, weights, shares))
    return shared / probe.key_total


def names_shared(doc: DocFeatures, flags: list[bool]) -> bool:
    """True when a shared key is a name, not only a figure ("$1.4 million", "7%").

    Unrelated reports share round figures by chance; a figure is
    evidence of one event only beside a name the two also share.
    """
    figures = doc.figures
    if not figures:
        return any(flags)
    return any(key not in figures for key in compress(doc.keys, flags))


def disagree(opts: ClusterOptions, doc: DocFeatures, story: OpenStory) -> bool:
    """True when a figure-dense doc shares too few of its figures with the story.

    Templated reports (market wraps, weather, results) share nearly every
    word with yesterday's edition; only their figures tell them apart.
    """
    figures = doc.figures
    if len(figures) < opts.min_figures:
        return False
    shared = sum(1 for f in figures if f in story.keys)
    return shared < opts.figure_agreement * len(figures)


def follows(opts: ClusterOptions, probe: Probe, story: OpenStory) -> bool:
    """A dated doc naming mostly the story's names soon after it: a follow-up.

    Analysis pieces and next-day follow-ups use other words for the same
    event but the same people and places; time closeness is evidence only
    when both sides carry dates.
    """
    when, last = probe.doc.published, story.last
    if when is None or last is None:
        return False
    close = gap(when, story) <= opts.attach_hours * 3600
    return close and overlap(opts, probe, story.keys, story.size) >= opts.attach_names


def gap(when: datetime, story: OpenStory) -> float:
    """Seconds between ``when`` and the nearest end of the story's dated span (0 inside it)."""
    first, last = story.first, story.last
    if last is not None and when > last:
        return (when - last).total_seconds()
    if first is not None and when < first:
        return (first - when).total_seconds()
    return 0.0
