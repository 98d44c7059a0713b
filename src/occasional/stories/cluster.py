"""Stories: which docs report the same real-world event.

Called by the pipeline (and the ``cluster`` command) with a window of docs,
the story ids earlier runs gave them, the reader's overrides and the copy
decisions::

    docs ─ sort by (published, id) ─┬─ copy? ─────────────── its original's story
                                    ├─ seen before? ──────── its earlier story
                                    └─ single pass ───────── best open story, or a new one
                                          └─ refine: sweeps, follow-ups, folds, two-event splits
                                                └─ overrides (split, merge) ─ assignments

A new story's id is ``"s"`` plus 12 hex digits of the SHA-256 of the id of
the doc that opened it, so ids survive restarts; ``previous`` keeps every doc
in the story it joined before. The same input gives the same output whatever
order it comes in. Pure; raises :class:`~occasional.exceptions.InputError`
only for an override of an unknown kind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from ..exceptions import InputError
from ..gcpause import collector_paused
from ..types import CopyDecision, Doc, StoryAssignment
from .single_pass import Clusterer, ClusterOptions, features, lead

__all__ = ["Embed", "StoryOverride", "cluster_stories", "story_id"]

#: Texts in, one unit-length row per text out (an embedding model's encode).
Embed = Callable[[Sequence[str]], NDArray[np.float32]]

_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class StoryOverride:
    """A reader's correction, remembered by the caller and passed on every run.

    ``kind="split"`` takes article ``a`` out of its story into one of its
    own; ``kind="merge"`` joins the story of ``b`` into the story of ``a``.
    """

    kind: str
    a: str
    b: str | None = None


def story_id(seed: str) -> str:
    """The story id derived from the id of the doc that opened the story."""
    return "s" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12]


def cluster_stories(
    docs: Sequence[Doc],
    *,
    previous: Mapping[str, str] | None = None,
    overrides: Sequence[StoryOverride] = (),
    copies: Sequence[CopyDecision] = (),
    options: ClusterOptions | None = None,
    embed: Embed | None = None,
) -> list[StoryAssignment]:
    """One :class:`~occasional.types.StoryAssignment` per doc, in input order.

    ``previous`` maps doc ids to the story ids an earlier run gave them;
    ``copies`` are :func:`~occasional.stories.copies.find_copies` decisions
    (a copy joins its original's story); ``options`` tunes the scoring.
    ``embed`` (optional, e.g. :meth:`~occasional.stories.embed.Embedder.encode`)
    turns texts into unit vectors; given, each doc's title and lead are
    embedded and the similarity mixed into the word score
    (``ClusterOptions.embedding_weight``).
    Raises :class:`~occasional.exceptions.InputError` for an unknown override kind.
    """
    known = {doc.id for doc in docs}
    originals = {c.id: c.copy_of for c in copies if c.copy_of in known and c.copy_of != c.id}
    with collector_paused():
        stories = _single_pass(docs, previous or {}, originals, options, embed)
    for doc_id, original in originals.items():
        stories[doc_id] = stories[_root(original, originals)]
    for override in overrides:
        _apply(override, stories)
    return [StoryAssignment(doc.id, stories[doc.id]) for doc in docs]


def _sort_key(doc: Doc) -> tuple[int, datetime, str]:
    # Dated docs first, in time order; undated ones after, by id.
    return (0, doc.published, doc.id) if doc.published else (1, _EARLIEST, doc.id)


def _single_pass(
    docs: Sequence[Doc],
    previous: Mapping[str, str],
    skip: Mapping[str, str | None],
    options: ClusterOptions | None,
    embed: Embed | None,
) -> dict[str, str]:
    clusterer = Clusterer(options)
    named: dict[int, str] = {}  # story index -> id kept from an earlier run
    index_of: dict[str, int] = {}
    order = [doc for doc in sorted(docs, key=_sort_key) if doc.id not in skip]
    vectors = embed([lead(doc.title, doc.text) for doc in order]) if embed and order else None
    for position, doc in enumerate(order):
        force = None
        if doc.id in previous:
            force = index_of.get(previous[doc.id])
            if force is None:
                force = index_of[previous[doc.id]] = clusterer.new_story()
                named[force] = previous[doc.id]
        vector = None if vectors is None else vectors[position]
        clusterer.add(features(doc.title, doc.text, doc.published), force, vector)
    clusterer.refine()
    return _story_ids(order, clusterer.labels, named)


def _story_ids(
    order: Sequence[Doc], labels: Sequence[int], named: dict[int, str]
) -> dict[str, str]:
    """Name each story: its earlier id, else one derived from its first doc."""
    ids = dict(named)
    for doc, label in zip(order, labels, strict=True):
        ids.setdefault(label, story_id(doc.id))
    return {doc.id: ids[label] for doc, label in zip(order, labels, strict=True)}


def _root(doc_id: str, originals: Mapping[str, str | None]) -> str:
    seen = {doc_id}
    while (parent := originals.get(doc_id)) is not None and parent not in seen:
        doc_id = parent
        seen.add(doc_id)
    return doc_id


def _split(override: StoryOverride, stories: dict[str, str]) -> None:
    if override.a in stories:
        stories[override.a] = story_id("split:" + override.a)


def _merge(override: StoryOverride, stories: dict[str, str]) -> None:
    if override.a not in stories or override.b not in stories:
        return
    target, source = stories[override.a], stories[override.b]
    for doc_id, story in stories.items():
        if story == source:
            stories[doc_id] = target


_OVERRIDES: dict[str, Callable[[StoryOverride, dict[str, str]], None]] = {
    "split": _split,
    "merge": _merge,
}


def _apply(override: StoryOverride, stories: dict[str, str]) -> None:
    handler = _OVERRIDES.get(override.kind)
    if handler is None:
        known = ", ".join(sorted(_OVERRIDES))
        raise InputError(f"unknown story override {override.kind!r}: use one of {known}")
    handler(override, stories)
