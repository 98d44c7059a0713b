"""Copies: which docs are the same article, and which of them is the original.

Called by the pipeline (and the ``copies`` command) with a window of docs::

    docs ─ fingerprint ─┬─ same canonical URL ──────────────────┐
                        ├─ same normalised text ────────────────┤
                        ├─ source link / canonical ─ verify ────┼─ union ─ choose original
                        └─ shared sampled shingles ─ verify ────┘

:func:`copy_groups` returns a :class:`CopyGroups` (decisions plus, for each
doc, its group's original, that original's URL and why it was chosen);
:func:`find_copies` returns just the decisions. Pure and deterministic: the
same docs give the same answer in any order (they are read in order of id).
Nothing raises.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..gcpause import collector_paused
from ..types import CopyDecision, Doc
from .fingerprint import (
    CopyThresholds,
    Fingerprint,
    fingerprints,
    made_of_other,
    near_copy_verdict,
    shingles_in_order,
)
from .index import shared_pairs
from .originals import choose_original
from .shingles import U32

__all__ = ["CopyGroups", "copy_groups", "find_copies"]


@dataclass(frozen=True, slots=True)
class CopyGroups:
    """The outcome of copy detection over a window of docs.

    ``decisions`` has one :class:`~occasional.types.CopyDecision` per input
    doc, in input order. The lookups answer per doc id and give ``None`` for
    a lone doc (or an unknown id).
    """

    decisions: tuple[CopyDecision, ...]
    _originals: dict[str, str]
    _reasons: dict[str, str]
    _urls: dict[str, str | None]
    _groups: dict[str, str]

    def original_of(self, doc_id: str) -> str | None:
        """Id of the original of the doc's group (the doc itself if it is the original)."""
        group = self._group(doc_id)
        return self._originals.get(group) if group else None

    def original_url(self, doc_id: str) -> str | None:
        """URL of the original of the doc's group, as the original gave it."""
        original = self.original_of(doc_id)
        return self._urls.get(original) if original else None

    def original_reason(self, doc_id: str) -> str | None:
        """Why the group's original was chosen: ``"source-link"``, ``"earliest"``, …"""
        group = self._group(doc_id)
        return self._reasons.get(group) if group else None

    def _group(self, doc_id: str) -> str | None:
        return self._groups.get(doc_id)

    def lookups(
        self,
    ) -> tuple[dict[str, str], dict[str, str], dict[str, str | None], dict[str, str]]:
        """The lookup tables, to rebuild the result with its decisions reordered."""
        return self._originals, self._reasons, self._urls, self._groups


def find_copies(
    docs: Sequence[Doc], *, preference: Sequence[str] = (), now: datetime | None = None
) -> list[CopyDecision]:
    """One :class:`~occasional.types.CopyDecision` per doc, in input order.

    ``preference`` lists hosts preferred as the original when the evidence
    ties, best first; times after ``now`` are not believed. See
    :func:`copy_groups` for the whole result.
    """
    return list(copy_groups(docs, preference=preference, now=now).decisions)


def copy_groups(
    docs: Sequence[Doc],
    *,
    preference: Sequence[str] = (),
    thresholds: CopyThresholds | None = None,
    now: datetime | None = None,
) -> CopyGroups:
    """Group copies among ``docs`` and pick each group's original (see the module doc).

    ``now`` is when the window is read: a published time after it is a
    wrong time, and weighs like a missing one when the original is chosen.
    """
    limits = thresholds or CopyThresholds()
    with collector_paused():
        order = sorted(range(len(docs)), key=lambda i: docs[i].id)
        found = _copy_groups([docs[i] for i in order], preference, limits, now)
    decisions: list[CopyDecision] = list(found.decisions)
    for position, index in enumerate(order):
        decisions[index] = found.decisions[position]
    return CopyGroups(tuple(decisions), *found.lookups())


def _copy_groups(
    docs: Sequence[Doc], preference: Sequence[str], limits: CopyThresholds, now: datetime | None
) -> CopyGroups:
    prints = fingerprints(docs)
    links = _UnionFind(len(docs))
    for i, j in _exact_pairs(prints):
        links.union(i, j)
    linked = _linked_pairs(prints)
    left, right = shared_pairs([p.shingles for p in prints])
    ordered: dict[int, U32] = {}
    for i, j in sorted(linked.union(zip(left.tolist(), right.tolist(), strict=True))):
        if links.find(i) == links.find(j):
            continue
        verdict = near_copy_verdict(prints[i], prints[j], limits, linked=(i, j) in linked)
        if verdict is None:
            verdict = any(
                made_of_other(_in_order(docs, x, ordered), prints[y].shingles, limits)
                for x, y in ((i, j), (j, i))
            )
        if verdict:
            links.union(i, j)
    return _decide(docs, prints, links.groups(), preference, now)


def _in_order(docs: Sequence[Doc], index: int, cache: dict[int, U32]) -> U32:
    if index not in cache:
        cache[index] = shingles_in_order(docs[index])
    return cache[index]


def _linked_pairs(prints: Sequence[Fingerprint]) -> set[tuple[int, int]]:
    """Pairs where one doc names the other's URL as its source or canonical."""
    at: defaultdict[str, list[int]] = defaultdict(list)
    for index, fp in enumerate(prints):
        if fp.url:
            at[fp.url].append(index)
    pairs: set[tuple[int, int]] = set()
    for index, fp in enumerate(prints):
        targets = fp.pointers | ({fp.canonical_pointer} if fp.canonical_pointer else set())
        for target in targets:
            pairs.update((min(index, t), max(index, t)) for t in at.get(target, ()) if t != index)
    return pairs


def _exact_pairs(prints: Sequence[Fingerprint]) -> Iterable[tuple[int, int]]:
    for attribute in ("url", "text_key"):
        first: dict[str, int] = {}
        for index, fp in enumerate(prints):
            key = getattr(fp, attribute)
            if key is not None:
                yield first.setdefault(key, index), index


def _decide(
    docs: Sequence[Doc],
    prints: Sequence[Fingerprint],
    groups: Iterable[list[int]],
    preference: Sequence[str],
    now: datetime | None,
) -> CopyGroups:
    decisions: list[CopyDecision | None] = [None] * len(docs)
    originals: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for members in groups:
        if len(members) == 1:
            decisions[members[0]] = CopyDecision(docs[members[0]].id, None)
            continue
        original, why = choose_original([(docs[i], prints[i]) for i in members], preference, now)
        group = "c" + hashlib.sha256(original.encode()).hexdigest()[:12]
        originals[group], reasons[group] = original, why
        source = next(i for i in members if docs[i].id == original)
        for i in members:
            reason = why if i == source else _copy_reason(prints[i], prints[source])
            copy_of = None if i == source else original
            decisions[i] = CopyDecision(docs[i].id, copy_of, reason, group)
    urls = {doc.id: doc.url for doc in docs}
    done = tuple(d for d in decisions if d is not None)
    groups_of = {d.id: d.group for d in done if d.group is not None}
    return CopyGroups(done, originals, reasons, urls, groups_of)


def _copy_reason(copy: Fingerprint, original: Fingerprint) -> str:
    if copy.url is not None and copy.url == original.url:
        return "same-url"
    if copy.text_key is not None and copy.text_key == original.text_key:
        return "same-text"
    return "near-duplicate"


class _UnionFind:
    def __init__(self, size: int) -> None:
        self._parent = list(range(size))

    def find(self, item: int) -> int:
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:  # path compression keeps later finds flat
            self._parent[item], item = root, self._parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        found: defaultdict[int, list[int]] = defaultdict(list)
        for item in range(len(self._parent)):
            found[self.find(item)].append(item)
        return list(found.values())
