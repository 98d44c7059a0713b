"""Streaming single-pass clustering: each doc joins its best open story or starts one.

Called by :func:`occasional.stories.cluster.cluster_stories`, which orders the
docs, handles copies, earlier assignments and overrides; this module only
places docs. The parts, in the order a doc meets them::

    features (.features: title + lead → words, names, numbers)
      └─ TermIndex (.candidates: frequencies, IDF, a few candidate stories)
           └─ score (.scoring: words, names, time, figures) → best story or a new one
    after the pass: refine (.refine: sweep, gather, split (.split))

A doc is title plus lead: word tokens weighted TF-IDF style with document
frequencies counted as docs arrive, plus the names and numbers it mentions
that must agree for two reports to be one event. Candidate stories come from
an inverted index over the doc's rarer tokens, so a doc is compared with a
few stories, never with all. After the pass, :meth:`Clusterer.refine` sweeps
docs to their best story, folds small stories into the bigger one they fit,
then cuts stories holding two events: the pass joins generously and the cut,
with weights local to each story, keeps similar events apart. Figure-dense
docs (market wraps, results) never join a story that lacks their figures.
:class:`ClusterOptions`, :class:`DocFeatures`, :func:`features` and
:func:`lead` are re-exported here from :mod:`.options` and :mod:`.features`.
Pure: no I/O, no clock; nothing raises.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from .candidates import TermIndex
from .features import DocFeatures, features, lead
from .options import ClusterOptions
from .refine import refine
from .scoring import OpenStory, Probe, score

__all__ = ["ClusterOptions", "Clusterer", "DocFeatures", "features", "lead"]


class Clusterer:
    """One pass over docs in (published, id) order; ``add`` returns the story index.

    Called by :func:`~occasional.stories.cluster.cluster_stories`. ``add``
    with ``force`` puts a doc in a given story (an earlier run's decision,
    never moved by :meth:`refine`); :attr:`labels` gives each added doc's
    story index, in the order added. The rest of its state is read and
    changed by :mod:`.refine`: ``terms`` (the :class:`TermIndex`),
    ``stories``, ``docs`` (each added doc, cut to its vector's words),
    ``forced`` and ``settled`` (joined scoring at least ``settle_score``),
    by position.
    """

    def __init__(self, options: ClusterOptions | None = None) -> None:
        self.options = options or ClusterOptions()
        self.terms = TermIndex(self.options)
        self.stories: list[OpenStory] = []
        self.docs: list[DocFeatures] = []
        self.labels: list[int] = []
        self.forced: list[bool] = []
        self.settled: list[bool] = []

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
        vocab = set(doc.terms) | doc.keys
        self.terms.count(vocab)
        probe = self.terms.probe(doc, vocab)
        index, found = force, 0.0
        if force is None:
            index, found = self._best(probe, self.terms.lookup(vocab))
        if index is None:
            index = self.new_story()
        self.join(self.stories[index], probe)
        # Refinement needs only the words a doc's vector keeps; holding the
        # rest for a whole window would cost several KB per doc.
        self.docs.append(
            DocFeatures(probe.counts, doc.keys, doc.published, doc.figures, doc.vector)
        )
        self.labels.append(index)
        self.forced.append(force is not None)
        self.settled.append(found >= self.options.settle_score)
        return index

    def refine(self) -> None:
        """Sweep docs to their best stories, fold small ones in, cut two-event stories.

        See :func:`occasional.stories.refine.refine`.
        """
        refine(self)

    def new_story(self) -> int:
        """Open an empty story (for a forced assignment) and return its index."""
        self.stories.append(OpenStory(len(self.stories)))
        return len(self.stories) - 1

    def join(self, story: OpenStory, probe: Probe) -> None:
        """Put a doc in a story: index the story under its new words, then count the doc."""
        self.terms.post(story, probe)
        story.take(probe)

    def leave(self, story: OpenStory, probe: Probe) -> None:
        """Take a doc out of a story (the story stays posted under its words)."""
        story.release(probe)

    def _best(self, probe: Probe, lookup: tuple[str, ...]) -> tuple[int | None, float]:
        """The best candidate story scoring at least ``threshold``, and its score."""
        opts = self.options
        best, best_score = None, opts.threshold
        stories = self.stories
        for idx in sorted(self.terms.candidates(lookup)):
            found = score(opts, probe, stories[idx])
            if found >= best_score:
                best, best_score = idx, found
        return best, best_score if best is not None else 0.0
