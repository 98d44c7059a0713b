"""After the single pass: sweep docs to their best story, fold small stories in, cut two-event ones.

Called by :meth:`occasional.stories.single_pass.Clusterer.refine`, once
every doc is added::

    weigh every word (frequencies are final)
      └─ sweep: unsettled docs move to their best story (dated follow-ups
         naming the story's people and places join at a looser score)
           └─ gather: small stories fold into the bigger story they fit
                └─ split: stories holding two events are cut (:mod:`.split`)

Docs placed by an earlier run (forced) never move, and a cut stands only
when they all stay on the story's side of it.
Pure: no I/O, no clock; nothing raises.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import chain
from typing import TYPE_CHECKING

from .scoring import Probe, follows, score
from .split import Member, SplitRule, split_story

if TYPE_CHECKING:
    from .single_pass import Clusterer

__all__ = ["Window", "refine"]


class Window:
    """Each added doc's refinement probe and rare words, made when first asked for.

    Refinement runs with final frequencies, so both depend on the doc alone.
    """

    def __init__(self, clusterer: Clusterer) -> None:
        self._clusterer = clusterer
        self._probes: dict[int, Probe] = {}
        self._lookups: dict[int, tuple[str, ...]] = {}

    def probe(self, position: int) -> Probe:
        """The probe of the doc added at ``position``."""
        found = self._probes.get(position)
        if found is None:
            found = self._make(position)
        return found

    def lookup(self, position: int) -> tuple[str, ...]:
        """The rare words of the doc added at ``position`` (see ``TermIndex.lookup``)."""
        if position not in self._lookups:
            self._make(position)
        return self._lookups[position]

    def _make(self, position: int) -> Probe:
        terms = self._clusterer.terms
        doc = self._clusterer.docs[position]
        vocab = set(doc.terms) | doc.keys
        probe = self._probes[position] = terms.probe(doc, vocab)
        self._lookups[position] = terms.lookup(vocab)
        return probe


def refine(clusterer: Clusterer) -> None:
    """Sweep docs to their best stories, fold small ones in, cut two-event stories.

    A greedy pass joins a doc to the best story that existed when it
    arrived; once later stories exist, some docs fit another better
    (``refine_rounds`` sweeps). Small stories then fold into a bigger one
    they fit, and stories holding two events are cut (:mod:`.split`).
    Sweeping again after the cut was measured to pull docs back across
    it (global weights cannot tell the halves apart), so nothing does.
    """
    opts = clusterer.options
    splitting = opts.split_agreement > 0
    if not (opts.refine_rounds or opts.gather_size or splitting):
        return
    # Frequencies no longer change: every word is weighed once, and each
    # doc's probe and rare words are made once, when a step first needs
    # them (settled docs in stories nothing folds or cuts never do).
    clusterer.terms.weigh_all()
    window = Window(clusterer)
    _sweep(clusterer, window)
    if opts.gather_size:
        _gather(clusterer, window)
    if splitting:
        _split(clusterer, window)


def _members(labels: list[int]) -> defaultdict[int, list[int]]:
    """Positions of each story's docs, by story index."""
    members: defaultdict[int, list[int]] = defaultdict(list)
    for position, label in enumerate(labels):
        members[label].append(position)
    return members


def _sweep(clusterer: Clusterer, window: Window) -> None:
    """``refine_rounds`` times, move unsettled docs of changed stories to their best story."""
    labels = clusterer.labels
    touched: set[int] | None = None  # None: every story, in the first round
    for _ in range(clusterer.options.refine_rounds):
        moved: set[int] = set()
        for position, label in enumerate(labels):
            if clusterer.forced[position] or clusterer.settled[position]:
                continue
            if not _unsettled(clusterer, label, touched):
                continue
            probe, lookup = window.probe(position), window.lookup(position)
            if _move(clusterer, position, probe, lookup) != label:
                moved.update((label, labels[position]))
        touched = moved


def _unsettled(clusterer: Clusterer, label: int, touched: set[int] | None) -> bool:
    # Later rounds revisit only stories that gained or lost a doc, and
    # lone docs (a story that formed nearby may now take them): elsewhere
    # nothing a doc is scored against has changed much.
    return touched is None or label in touched or clusterer.stories[label].size == 1


def _move(clusterer: Clusterer, position: int, probe: Probe, lookup: tuple[str, ...]) -> int:
    """Put one doc in its best story now; returns that story's index."""
    stories, opts = clusterer.stories, clusterer.options
    current = stories[clusterer.labels[position]]
    current.release(probe)
    best, best_score = None, opts.rejoin_threshold
    loose, loose_score = None, opts.attach_threshold
    for idx in sorted({*clusterer.terms.candidates(lookup), current.key}):
        story = stories[idx]
        found = score(opts, probe, story) if story.size else 0.0
        if found >= best_score:
            best, best_score = idx, found
        elif found >= loose_score and follows(opts, probe, story):
            loose, loose_score = idx, found
    best = best if best is not None else loose
    if best is None:
        best = current.key if current.size == 0 else clusterer.new_story()
    clusterer.labels[position] = best
    clusterer.join(stories[best], probe)
    return best


def _gather(clusterer: Clusterer, window: Window) -> None:
    """Fold small stories into the bigger story their docs fit best on average.

    A story of at most ``gather_size`` docs joins the bigger story (more
    docs than it has) whose mean score for its docs is best and at least
    ``gather_threshold``: in a small window an event's reports may sit in
    two stories of two and three. Every fold is decided before any is made,
    so a story that grows by folds cannot chain on to take unrelated
    docs. Runs before the split: docs kept apart from a story while it
    held two events join it here, and the split sends them to their half.
    """
    members = _members(clusterer.labels)
    folds: list[tuple[int, int]] = []
    for label, positions in sorted(members.items()):
        if len(positions) > clusterer.options.gather_size:
            continue
        if any(clusterer.forced[p] for p in positions):
            continue
        target = _fold_target(clusterer, window, positions)
        if target is not None:
            folds.append((label, target))
    for label, target in folds:
        _move_all(clusterer, window, label, members[label], target)


def _fold_target(clusterer: Clusterer, window: Window, positions: list[int]) -> int | None:
    """The bigger story the docs at ``positions`` score best with on average, if any."""
    opts, stories = clusterer.options, clusterer.stories
    found = set(
        chain.from_iterable(clusterer.terms.candidates(window.lookup(p)) for p in positions)
    )
    best, best_score = None, opts.gather_threshold
    for idx in sorted(found):
        story = stories[idx]
        if story.size <= len(positions):
            continue
        mean = sum(score(opts, window.probe(p), story) for p in positions)
        mean /= len(positions)
        if mean >= best_score:
            best, best_score = idx, mean
    return best


def _move_all(
    clusterer: Clusterer, window: Window, label: int, positions: list[int], target: int
) -> None:
    """Move the docs at ``positions`` from story ``label`` to story ``target``."""
    for p in positions:
        clusterer.leave(clusterer.stories[label], window.probe(p))
        clusterer.join(clusterer.stories[target], window.probe(p))
        clusterer.labels[p] = target


def _split(clusterer: Clusterer, window: Window) -> None:
    """Cut stories that hold two events.

    A story holding forced docs (an earlier run's decisions) is cut only
    when they all fall on the side that keeps the story: new reports of a
    second event leave it, and stored assignments never change.
    """
    opts = clusterer.options
    rule = SplitRule(
        opts.split_agreement,
        opts.split_evidence,
        opts.split_min_part,
        opts.split_depth,
        opts.split_trade,
    )
    forced, docs = clusterer.forced, clusterer.docs
    for label, positions in sorted(_members(clusterer.labels).items()):
        if not 2 * rule.min_part <= len(positions) <= opts.split_max_size:
            continue
        # A stored doc keeps only its vector's words: what its probe counts.
        block = [Member(docs[p].terms, docs[p].keys) for p in positions]
        groups = split_story(block, clusterer.terms.idf, rule)
        # Docs placed by an earlier run keep their story: a cut stands
        # only when they all stay on the story's side of it.
        kept = all(g == 0 for p, g in zip(positions, groups, strict=True) if forced[p])
        if any(groups) and kept:
            _regroup(clusterer, window, label, positions, groups)


def _regroup(
    clusterer: Clusterer, window: Window, label: int, positions: list[int], groups: list[int]
) -> None:
    """Move each group but group 0 to a new story."""
    # Group 0 holds the story's first doc, so it keeps the story (and its id).
    new: dict[int, int] = {}
    for position, group in zip(positions, groups, strict=True):
        if group == 0:
            continue
        if group not in new:
            new[group] = clusterer.new_story()
        _move_all(clusterer, window, label, [position], new[group])
