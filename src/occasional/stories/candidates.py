"""Document frequencies, IDF weights and the inverted index that finds candidate stories.

Owned by :class:`occasional.stories.single_pass.Clusterer`: it counts each
doc's words as the doc arrives, weighs them (IDF from the frequencies so
far), and posts each story under the words it holds. A doc is compared only
with the stories posted under its rarer words (:meth:`TermIndex.lookup`,
:meth:`TermIndex.candidates`), never with all.
Pure: no I/O, no clock; nothing raises.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection
from itertools import chain, compress, islice, repeat
from operator import add, itemgetter, mul, sub

from .features import DocFeatures
from .options import ClusterOptions
from .scoring import OpenStory, Probe

__all__ = ["TermIndex"]

# Words looked up for a doc whose every word is common (see TermIndex.lookup).
_FALLBACK_TERMS = 3


class TermIndex:
    """Word frequencies over the docs seen, their IDF, and story postings by word.

    ``df``: docs seen per word (or name, or number); ``seen``: docs counted.
    ``idf``: IDF by word while frequencies stay put (one float per word,
    shared by every probe made meanwhile); replaced whenever a doc is counted.
    """

    def __init__(self, options: ClusterOptions) -> None:
        self.options = options
        self.df: Counter[str] = Counter()
        self.seen = 0
        self.postings: defaultdict[str, list[int]] = defaultdict(list)
        self.idf: dict[str, float] = {}
        self._idf_seen = -1
        # log(k) for k = 0, 1, 2, ... (log(0) stands in as 0.0, never read):
        # IDF is log(seen) - log(df + 1) + 1, two table reads per word.
        self._logs: list[float] = [0.0]

    def count(self, vocab: set[str] | frozenset[str]) -> None:
        """Count one arriving doc's words, names and numbers."""
        self.seen += 1
        self.df.update(vocab)

    def post(self, story: OpenStory, probe: Probe) -> None:
        """Post the story under the doc's words it does not hold yet (before it takes the doc)."""
        terms, keys, postings, key = story.terms, story.keys, self.postings, story.key
        for term in chain(probe.counts, probe.doc.keys):
            if term not in terms and term not in keys:
                postings[term].append(key)

    def candidates(self, lookup: tuple[str, ...]) -> list[int]:
        """Stories sharing the most of a doc's rare words (its :meth:`lookup`).

        In no particular order: callers sort them.
        """
        opts = self.options
        index, cap = self.postings, opts.max_postings
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

    def lookup(self, vocab: set[str] | frozenset[str]) -> tuple[str, ...]:
        """The doc's rarest words that another doc also has, fewest docs first, ties by word.

        A word only this doc has (a typo, a rare name) finds no story: it is
        skipped, so that it cannot crowd out the words that do. When fewer
        than ``_FALLBACK_TERMS`` words are rare (a small window, or many
        reports repeating one text), the least common of the others make up
        the number: a doc is always compared with the stories sharing its
        least common words, at a cost bounded by ``max_postings``.
        """
        opts = self.options
        limit = max(2.0, opts.rare_fraction * self.seen)
        df = self.df
        shared = sorted(compress(vocab, map((1).__lt__, map(df.__getitem__, vocab))))
        shared.sort(key=df.__getitem__)  # stable: (frequency, word) order, keys in C
        # The rarest words name the event; common ones would only add noise and time.
        rare = list(compress(shared, map(limit.__ge__, map(df.__getitem__, shared))))
        if len(rare) < _FALLBACK_TERMS:
            return tuple(shared[:_FALLBACK_TERMS])
        return tuple(rare[: opts.lookup_terms])

    def weigh_all(self) -> None:
        """Weigh every word counted at once (when frequencies are final)."""
        self._fresh()
        self._weigh(list(self.df))

    def probe(self, doc: DocFeatures, vocab: set[str] | None = None) -> Probe:
        """The doc ready to be scored: its heaviest words weighted, its keys' IDF."""
        if vocab is None:
            vocab = set(doc.terms) | doc.keys
        self._fresh()
        idf = self.idf
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
        return Probe(doc, idf, weights, counts, norm, sum(key_idf), key_idf)

    def _fresh(self) -> None:
        """Start a new IDF map if a doc was counted since the last was made."""
        if self._idf_seen != self.seen:
            self.idf, self._idf_seen = {}, self.seen

    def _weigh(self, words: Collection[str]) -> None:
        """Put the IDF of ``words`` in the shared map: log(seen / (df + 1)) + 1."""
        seen, logs = self.seen + 1, self._logs
        while len(logs) <= seen:
            logs.append(math.log(len(logs)))
        # This runs for every word of every doc: table reads and arithmetic
        # mapped in C, no Python-level loop.
        base = logs[seen] + 1.0
        frequencies = map(add, map(self.df.__getitem__, words), repeat(1))
        self.idf.update(
            zip(words, map(sub, repeat(base), map(logs.__getitem__, frequencies)), strict=True)
        )
