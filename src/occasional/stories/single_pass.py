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
score), folds small stories into the bigger one they fit, then cuts stories
holding two events (:mod:`.split`): the pass joins generously and the cut,
with weights local to each story, keeps similar events apart. Figure-dense
docs (market wraps, results) never join a story that lacks their figures.
Pure: no I/O, no clock; nothing raises.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain, compress, islice, repeat
from operator import add, itemgetter, mul, sub
from sys import intern

import numpy as np
from numpy.typing import NDArray

from .split import Member, SplitRule, split_story
from .text import STOPWORDS, joined_numbers, words_and_names

__all__ = ["ClusterOptions", "Clusterer", "DocFeatures", "features", "lead"]

_LEAD_TOKENS = 80
# Words looked up for a doc whose every word is common (see Clusterer._lookup).
_FALLBACK_TERMS = 3


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """How eagerly docs join stories; the defaults are tuned on ECB+ train.

    ``threshold``: the score a doc needs to join a story as it arrives.
    ``refine_rounds``: sweeps after the pass that move each doc to its best
    story now that all stories exist (undoing early greedy choices);
    ``rejoin_threshold`` is the score needed there. A doc that joined its
    story scoring at least ``settle_score`` stays put in the sweeps (such
    docs were measured to move under 2% of the time, and skipping them
    costs nothing on ECB+). ``name_weight``:
    share of the score given to names and numbers rather than all words;
    a story's name counts fully once ``name_share`` of its docs mention it.
    A doc that has names joins a story of ``names_from`` or more docs only
    if it shares at least ``min_names`` of them (IDF-weighted) or its word
    cosine is at least ``words_alone``: reports of one event name the same
    people and places, and a big story would otherwise take any doc that
    shares its common words, growing into a blob.
    ``half_life_hours``: the score halves per this many hours between the
    doc and the nearest end of the story's dated span (0 inside it); a
    shared figure counts as a name only beside a shared name.
    ``window_days``: stories quiet longer
    than this take no more docs. ``max_candidates``: stories scored per doc.
    ``rare_fraction``: tokens in more than this share of docs are not looked
    up in the index (they name no event); ``lookup_terms``: how many of the
    doc's rarest tokens that another doc also has are looked up; ``vector_terms``: how many of its
    heaviest words a doc's vector keeps. ``max_postings``: only the most
    recent stories under one token are looked at (old ones are closed).

    Follow-ups (refinement only, dated docs only): a doc scoring at least
    ``attach_threshold`` joins a story whose dated span is within
    ``attach_hours`` when at least ``attach_names`` of its IDF-weighted names
    are already there. Templated reports: a doc with ``min_figures`` or more
    figures joins no story holding under ``figure_agreement`` of them.
    Two-event stories (see :mod:`.split`): stories of up to
    ``split_max_size`` docs are cut when their halves agree less than
    ``split_agreement`` (0 turns splitting off) and each half has a name or
    number concentrated in it with chance probability at most
    10 ** -``split_evidence``; each unit of evidence beyond that allows
    ``split_trade`` more agreement. Halves hold at least ``split_min_part``
    docs and are split again up to ``split_depth`` levels. Before the split,
    stories of at most ``gather_size`` docs fold into the bigger story their
    docs score at least ``gather_threshold`` with on average.

    Embeddings (only when docs carry vectors): the word cosine becomes
    ``1 - embedding_weight`` of itself plus ``embedding_weight`` of the
    cosine between the doc's vector and the story's mean vector.
    """

    threshold: float = 0.15
    rejoin_threshold: float = 0.1
    refine_rounds: int = 1
    settle_score: float = 0.4
    name_weight: float = 0.3
    name_share: float = 0.3
    min_names: float = 0.1
    names_from: int = 20
    words_alone: float = 0.35
    half_life_hours: float = 36.0
    window_days: float = 7.0
    max_candidates: int = 4
    rare_fraction: float = 0.1
    max_postings: int = 10
    lookup_terms: int = 30
    vector_terms: int = 30
    attach_threshold: float = 0.06
    attach_names: float = 0.3
    attach_hours: float = 36.0
    split_agreement: float = 0.3
    split_evidence: float = 1.4
    split_min_part: int = 3
    split_depth: int = 3
    split_trade: float = 0.08
    split_max_size: int = 200
    embedding_weight: float = 0.1
    gather_size: int = 8
    gather_threshold: float = 0.1
    min_figures: int = 8
    figure_agreement: float = 0.4


@dataclass(frozen=True, slots=True)
class DocFeatures:
    """What scoring reads from one doc: word counts and its names and numbers."""

    terms: Counter[str]
    keys: frozenset[str]
    published: datetime | None
    figures: frozenset[str] = frozenset()
    vector: NDArray[np.float32] | None = None


def _opening(text: str) -> str:
    return " ".join(text.split(maxsplit=_LEAD_TOKENS)[:_LEAD_TOKENS])


def lead(title: str, text: str) -> str:
    """A doc's title and the first words of its text: what a story is judged on."""
    return f"{title}\n{_opening(text)}"


def features(title: str, text: str, published: datetime | None) -> DocFeatures:
    """Title and lead of one doc as :class:`DocFeatures` (called per doc, pure)."""
    heading, title_names = words_and_names(title)
    body, body_names = words_and_names(_opening(text))
    words = heading + body
    # Title words count twice: a headline names the event on purpose. Counted
    # in C, then filtered once per distinct word (first-seen order kept);
    # one shared string per word keeps a window of docs and stories small.
    counted = Counter(words)
    counted.update(heading)
    terms = Counter({intern(t): n for t, n in counted.items() if t not in STOPWORDS and len(t) > 1})
    figures = joined_numbers(" ".join(words))
    return DocFeatures(terms, title_names | body_names | figures, published, figures)


@dataclass(slots=True)
class _Story:
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


@dataclass(frozen=True, slots=True)
class _Probe:
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


class _Window:
    """Each added doc's refinement probe and rare words, made when first asked for.

    Refinement runs with final frequencies, so both depend on the doc alone.
    """

    def __init__(self, clusterer: Clusterer) -> None:
        self._clusterer = clusterer
        self._probes: dict[int, _Probe] = {}
        self._lookups: dict[int, tuple[str, ...]] = {}

    def probe(self, position: int) -> _Probe:
        """The probe of the doc added at ``position``."""
        found = self._probes.get(position)
        if found is None:
            found = self._make(position)
        return found

    def lookup(self, position: int) -> tuple[str, ...]:
        """The rare words of the doc added at ``position`` (see ``Clusterer._lookup``)."""
        if position not in self._lookups:
            self._make(position)
        return self._lookups[position]

    def _make(self, position: int) -> _Probe:
        clusterer = self._clusterer
        doc = clusterer._docs[position]
        vocab = set(doc.terms) | doc.keys
        probe = self._probes[position] = clusterer._probe(doc, vocab)
        self._lookups[position] = clusterer._lookup(vocab)
        return probe


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
        # Docs that joined their story with a score of at least settle_score.
        self._settled: list[bool] = []
        # IDF by word while frequencies stay put (one float per word, shared
        # by every probe made meanwhile); reset whenever a doc is added.
        self._idf: dict[str, float] = {}
        self._idf_seen = -1
        # log(k) for k = 0, 1, 2, ... (log(0) stands in as 0.0, never read):
        # IDF is log(seen) - log(df + 1) + 1, two table reads per word.
        self._logs: list[float] = [0.0]

    def add(
        self,
        doc: DocFeatures,
        force: int | None = None,
        vector: NDArray[np.float32] | None = None,
    ) -> int:
        """Place one doc; returns its story's index (new stories count up from 0).

        ``vector``: the doc's unit embedding, mixed into the word score with
        weight ``embedding_weight`` against stories that have vectors.
        """
        if vector is not None:
            doc = replace(doc, vector=vector)
        self._seen += 1
        vocab = set(doc.terms) | doc.keys
        self._df.update(vocab)
        probe = self._probe(doc, vocab)
        index, score = force, 0.0
        if force is None:
            index, score = self._best(probe, self._lookup(vocab))
        if index is None:
            index = self.new_story()
        self._join(self._stories[index], probe)
        # Refinement needs only the words a doc's vector keeps; holding the
        # rest for a whole window would cost several KB per doc.
        self._docs.append(
            DocFeatures(probe.counts, doc.keys, doc.published, doc.figures, doc.vector)
        )
        self.labels.append(index)
        self._forced.append(force is not None)
        self._settled.append(score >= self.options.settle_score)
        return index

    def refine(self) -> None:
        """Sweep docs to their best stories, fold small ones in, cut two-event stories.

        A greedy pass joins a doc to the best story that existed when it
        arrived; once later stories exist, some docs fit another better
        (``refine_rounds`` sweeps). Small stories then fold into a bigger one
        they fit, and stories holding two events are cut (:mod:`.split`).
        Sweeping again after the cut was measured to pull docs back across
        it (global weights cannot tell the halves apart), so nothing does.
        """
        opts = self.options
        splitting = opts.split_agreement > 0
        if not (opts.refine_rounds or opts.gather_size or splitting):
            return
        # Frequencies no longer change: every word is weighed once, and each
        # doc's probe and rare words are made once, when a step first needs
        # them (settled docs in stories nothing folds or cuts never do).
        self._weigh_window()
        window = _Window(self)
        self._sweep(window)
        if opts.gather_size:
            self._gather(window)
        if splitting:
            self._split(window)

    def _weigh_window(self) -> None:
        """Weigh every word of the window at once (frequencies are final)."""
        if self._idf_seen != self._seen:
            self._idf, self._idf_seen = {}, self._seen
        self._weigh(list(self._df))

    def _sweep(self, window: _Window) -> None:
        """``refine_rounds`` times, move unsettled docs of changed stories to their best story."""
        touched: set[int] | None = None  # None: every story, in the first round
        for _ in range(self.options.refine_rounds):
            moved: set[int] = set()
            for position, label in enumerate(self.labels):
                if self._forced[position] or self._settled[position]:
                    continue
                if not self._unsettled(label, touched):
                    continue
                probe, lookup = window.probe(position), window.lookup(position)
                if self._move(position, probe, lookup) != label:
                    moved.update((label, self.labels[position]))
            touched = moved

    def _split(self, window: _Window) -> None:
        """Cut stories that hold two events.

        A story holding forced docs (an earlier run's decisions) is cut only
        when they all fall on the side that keeps the story: new reports of a
        second event leave it, and stored assignments never change.
        """
        opts = self.options
        rule = SplitRule(
            opts.split_agreement,
            opts.split_evidence,
            opts.split_min_part,
            opts.split_depth,
            opts.split_trade,
        )
        members: defaultdict[int, list[int]] = defaultdict(list)
        for position, label in enumerate(self.labels):
            members[label].append(position)
        for label, positions in sorted(members.items()):
            if not 2 * rule.min_part <= len(positions) <= opts.split_max_size:
                continue
            # A stored doc keeps only its vector's words: what its probe counts.
            docs = self._docs
            block = [Member(docs[p].terms, docs[p].keys) for p in positions]
            groups = split_story(block, self._idf, rule)
            # Docs placed by an earlier run keep their story: a cut stands
            # only when they all stay on the story's side of it.
            kept = all(g == 0 for p, g in zip(positions, groups, strict=True) if self._forced[p])
            if any(groups) and kept:
                self._regroup(label, positions, groups, window)

    def _gather(self, window: _Window) -> None:
        """Fold small stories into the bigger story their docs fit best on average.

        A story of at most ``gather_size`` docs joins the bigger story (more
        docs than it has) whose mean score for its docs is best and at least
        ``gather_threshold``: in a small window an event's reports may sit in
        two stories of two and three. Every fold is decided before any is made,
        so a story that grows by folds cannot chain on to take unrelated
        docs. Runs before the split: docs kept apart from a story while it
        held two events join it here, and the split sends them to their half.
        """
        opts = self.options
        members: defaultdict[int, list[int]] = defaultdict(list)
        for position, label in enumerate(self.labels):
            members[label].append(position)
        folds: list[tuple[int, int]] = []
        for label, positions in sorted(members.items()):
            if len(positions) > opts.gather_size or any(self._forced[p] for p in positions):
                continue
            found = set(chain.from_iterable(self._candidates(window.lookup(p)) for p in positions))
            best, best_score = None, opts.gather_threshold
            for idx in sorted(found):
                story = self._stories[idx]
                if story.size <= len(positions):
                    continue
                score = sum(self._score(window.probe(p), story) for p in positions)
                score /= len(positions)
                if score >= best_score:
                    best, best_score = idx, score
            if best is not None:
                folds.append((label, best))
        for label, target in folds:
            for p in members[label]:
                self._leave(self._stories[label], window.probe(p))
                self._join(self._stories[target], window.probe(p))
                self.labels[p] = target

    def _regroup(
        self, label: int, positions: list[int], groups: list[int], window: _Window
    ) -> None:
        """Move each group but group 0 to a new story."""
        # Group 0 holds the story's first doc, so it keeps the story (and its id).
        new: dict[int, int] = {}
        for position, group in zip(positions, groups, strict=True):
            if group == 0:
                continue
            if group not in new:
                new[group] = self.new_story()
            self._leave(self._stories[label], window.probe(position))
            self._join(self._stories[new[group]], window.probe(position))
            self.labels[position] = new[group]

    def _unsettled(self, label: int, touched: set[int] | None) -> bool:
        # Later rounds revisit only stories that gained or lost a doc, and
        # lone docs (a story that formed nearby may now take them): elsewhere
        # nothing a doc is scored against has changed much.
        return touched is None or label in touched or self._stories[label].size == 1

    def _move(self, position: int, probe: _Probe, lookup: tuple[str, ...]) -> int:
        """Put one doc in its best story now; returns that story's index."""
        current = self._stories[self.labels[position]]
        self._leave(current, probe)
        opts = self.options
        best, best_score = None, opts.rejoin_threshold
        loose, loose_score = None, opts.attach_threshold
        for idx in sorted({*self._candidates(lookup), current.key}):
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
        close = _gap(when, story) <= self.options.attach_hours * 3600
        return close and self._overlap(probe, story.keys, story.size) >= self.options.attach_names

    def _leave(self, story: _Story, probe: _Probe) -> None:
        self._reweigh(story, probe, -1)
        if probe.doc.vector is not None and story.vector is not None:
            story.vector -= probe.doc.vector
        keys = story.keys
        for term in probe.doc.keys:
            left = keys.get(term, 0) - 1
            if left > 0:
                keys[term] = left
            else:
                del keys[term]
        story.size -= 1

    def _reweigh(self, story: _Story, probe: _Probe, sign: int) -> None:
        """Add (sign 1) or remove (-1) a doc's word counts, keeping the norm."""
        counts, terms = probe.counts, story.terms
        # Term by term as a loop would, but each step a C-level map:
        # new = old + sign * count; square += (new² - old²) * idf²,
        # summed in order from the old square (sum() adds in sequence).
        olds = list(map(terms.get, counts, repeat(0)))
        news = list(map(add, olds, map(mul, repeat(sign), counts.values())))
        squares = map(pow, map(probe.idf.__getitem__, counts), repeat(2))
        gains = map(sub, map(mul, news, news), map(mul, olds, olds))
        story.square = sum(map(mul, gains, squares), story.square)
        dict.update(terms, zip(counts, news, strict=True))  # set, not Counter's add
        if sign < 0:
            for term in compress(counts, map((0).__ge__, news)):
                del terms[term]

    def new_story(self) -> int:
        """Open an empty story (for a forced assignment) and return its index."""
        self._stories.append(_Story(len(self._stories)))
        return len(self._stories) - 1

    def _candidates(self, lookup: tuple[str, ...]) -> list[int]:
        """Stories sharing the most of a doc's rare words (its :meth:`_lookup`).

        In no particular order: callers sort them.
        """
        opts = self.options
        index, cap = self._index, opts.max_postings
        # Each word's latest postings, sliced and counted without a Python loop.
        lists = map(itemgetter(slice(-cap, None)), map(index.get, lookup, repeat(())))
        hits = Counter(chain.from_iterable(lists))
        wanted = opts.max_candidates
        if len(hits) <= wanted:
            return list(hits)
        # The stories most_common(wanted) would give, in no particular order:
        # all above the wanted-th count, then the earliest met at that count.
        # Sorting bare counts and filtering with compress keeps it all in C.
        cut = sorted(hits.values(), reverse=True)[wanted - 1]
        above = list(compress(hits, map(cut.__lt__, hits.values())))
        tied = compress(hits, map(cut.__eq__, hits.values()))
        return above + list(islice(tied, wanted - len(above)))

    def _lookup(self, vocab: set[str] | frozenset[str]) -> tuple[str, ...]:
        """The doc's rarest words that another doc also has, fewest docs first, ties by word.

        A word only this doc has (a typo, a rare name) finds no story: it is
        skipped, so that it cannot crowd out the words that do. When fewer
        than ``_FALLBACK_TERMS`` words are rare (a small window, or many
        reports repeating one text), the least common of the others make up
        the number: a doc is always compared with the stories sharing its
        least common words, at a cost bounded by ``max_postings``.
        """
        opts = self.options
        limit = max(2.0, opts.rare_fraction * self._seen)
        df = self._df
        shared = sorted(compress(vocab, map((1).__lt__, map(df.__getitem__, vocab))))
        shared.sort(key=df.__getitem__)  # stable: (frequency, word) order, keys in C
        # The rarest words name the event; common ones would only add noise and time.
        rare = list(compress(shared, map(limit.__ge__, map(df.__getitem__, shared))))
        if len(rare) < _FALLBACK_TERMS:
            return tuple(shared[:_FALLBACK_TERMS])
        return tuple(rare[: opts.lookup_terms])

    def _weigh(self, words: Collection[str]) -> None:
        """Put the IDF of ``words`` in the shared map: log(seen / (df + 1)) + 1."""
        seen, logs = self._seen + 1, self._logs
        while len(logs) <= seen:
            logs.append(math.log(len(logs)))
        # This runs for every word of every doc: table reads and arithmetic
        # mapped in C, no Python-level loop.
        base = logs[seen] + 1.0
        frequencies = map(add, map(self._df.__getitem__, words), repeat(1))
        self._idf.update(
            zip(words, map(sub, repeat(base), map(logs.__getitem__, frequencies)), strict=True)
        )

    def _probe(self, doc: DocFeatures, vocab: set[str] | None = None) -> _Probe:
        if vocab is None:
            vocab = set(doc.terms) | doc.keys
        if self._idf_seen != self._seen:
            self._idf, self._idf_seen = {}, self._seen
        idf = self._idf
        self._weigh(vocab.difference(idf) if idf else vocab)
        # (count * idf, word) pairs, heaviest first, built and sorted in C.
        terms, weight_of = doc.terms, idf.__getitem__
        weighted = sorted(
            zip(map(mul, terms.values(), map(weight_of, terms)), terms, strict=True), reverse=True
        )
        # A doc's vector keeps its heaviest words only: the rest is common
        # vocabulary that costs time in every comparison and decides nothing.
        top = weighted[: self.options.vector_terms]
        values, words = (list(column) for column in zip(*top, strict=True)) if top else ([], [])
        weights = dict(zip(words, map(mul, values, map(weight_of, words)), strict=True))
        # Refinement probes docs already cut to their vector: share, don't copy
        # (a window of probes is held at once there).
        fits = len(terms) <= len(top)
        counts = (
            terms if fits else Counter(dict(zip(words, map(terms.__getitem__, words), strict=True)))
        )
        norm = math.sqrt(sum(map(mul, values, values)))
        key_idf = tuple(map(weight_of, doc.keys))
        # The IDF map is shared by every probe made while frequencies stay put.
        return _Probe(doc, idf, weights, counts, norm, sum(key_idf), key_idf)

    def _best(self, probe: _Probe, lookup: tuple[str, ...]) -> tuple[int | None, float]:
        """The best candidate story scoring at least ``threshold``, and its score."""
        best, best_score = None, self.options.threshold
        stories, score = self._stories, self._score
        for idx in sorted(self._candidates(lookup)):
            found = score(probe, stories[idx])
            if found >= best_score:
                best, best_score = idx, found
        return best, best_score if best is not None else 0.0

    def _score(self, probe: _Probe, story: _Story) -> float:
        # The hot path: time window, figures, cosine, names and decay inlined
        # (the helpers below say the same for the callers that need one part).
        opts, doc = self.options, probe.doc
        when, last = doc.published, story.last
        decay = 1.0
        if when is not None and last is not None:
            seconds = _gap(when, story)
            if seconds > opts.window_days * 86400:
                return 0.0
            decay = 0.5 ** (seconds / 3600 / opts.half_life_hours)
        if len(doc.figures) >= opts.min_figures and self._disagree(doc, story):
            return 0.0
        counts, weights = story.terms, probe.weights
        common = weights.keys() & counts.keys()
        # Both maps walk the same set in the same order: the sum matches a loop's.
        dot = sum(map(mul, map(weights.__getitem__, common), map(counts.__getitem__, common)))
        lexical = 0.0
        if dot != 0.0:
            lexical = dot / (probe.norm * math.sqrt(max(story.square, 1e-12)))
        if doc.vector is not None and story.vector is not None:
            lexical = self._mix(lexical, doc.vector, story.vector)
        named = self._overlap(probe, story.keys, story.size) if probe.key_total else 0.0
        if (
            named < opts.min_names
            and story.size >= opts.names_from
            and probe.key_total
            and lexical < opts.words_alone
        ):
            return 0.0
        score = (1 - opts.name_weight) * lexical + opts.name_weight * named
        return score * decay

    def _mix(
        self, lexical: float, vector: NDArray[np.float32], total: NDArray[np.float64]
    ) -> float:
        """Word cosine mixed with the cosine of the doc's and the story's mean embedding."""
        norm = float(np.linalg.norm(total))
        dense = max(0.0, float(vector @ total) / norm) if norm > 0.0 else 0.0
        weight = self.options.embedding_weight
        return (1 - weight) * lexical + weight * dense

    def _overlap(self, probe: _Probe, keys: Counter[str], size: int) -> float:
        """IDF-weighted share of the doc's names and numbers the story carries.

        A name counts fully once ``name_share`` of the story's docs mention
        it, in proportion below that: a big story that has seen every name
        once is no match for a doc by names alone.
        """
        if probe.key_total == 0.0:
            return 0.0
        scale = 1.0 / (self.options.name_share * max(size, 1))
        # Names the story lacks add exactly 0.0, so only the shared ones are
        # summed (in the same order); all in C, this runs per scored story.
        flags = list(map(keys.__contains__, probe.doc.keys))
        if not self._names_shared(probe.doc, flags):
            return 0.0
        weights = compress(probe.key_idf, flags)
        if scale >= 1.0:  # one mention already counts fully
            return sum(weights) / probe.key_total
        found = map(keys.__getitem__, compress(probe.doc.keys, flags))
        shares = map(min, repeat(1.0), map(mul, found, repeat(scale)))
        shared: float = sum(map(mul, weights, shares))
        return shared / probe.key_total

    @staticmethod
    def _names_shared(doc: DocFeatures, flags: list[bool]) -> bool:
        """True when a shared key is a name, not only a figure ("$1.4 million", "7%").

        Unrelated reports share round figures by chance; a figure is
        evidence of one event only beside a name the two also share.
        """
        figures = doc.figures
        if not figures:
            return any(flags)
        return any(key not in figures for key in compress(doc.keys, flags))

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

    def _join(self, story: _Story, probe: _Probe) -> None:
        doc = probe.doc
        terms, keys, postings, key = story.terms, story.keys, self._index, story.key
        for term in chain(probe.counts, doc.keys):
            if term not in terms and term not in keys:
                postings[term].append(key)
        self._reweigh(story, probe, 1)
        if doc.vector is not None:
            vector = doc.vector.astype(np.float64)
            story.vector = vector if story.vector is None else story.vector + vector
        keys.update(doc.keys)
        story.size += 1
        when = doc.published
        if when is not None:
            if story.last is None or when > story.last:
                story.last = when
            if story.first is None or when < story.first:
                story.first = when


def _gap(when: datetime, story: _Story) -> float:
    """Seconds between ``when`` and the nearest end of the story's dated span (0 inside it)."""
    first, last = story.first, story.last
    if last is not None and when > last:
        return (when - last).total_seconds()
    if first is not None and when < first:
        return (first - when).total_seconds()
    return 0.0
