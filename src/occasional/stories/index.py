"""Candidate pairs of copies: docs that share sampled shingles, found by one sort.

Called by :mod:`occasional.stories.copies` once per window, with every doc's
sorted shingle hashes (:func:`occasional.stories.shingles.many_shingles`).
Only the candidates it returns are compared exactly.

MinHash estimates Jaccard similarity, which a teaser carrying a third of an
article never reaches; what copies share is a large part of the *shorter*
text. So this index keeps a fixed sample of shingles (those whose hash is 0
modulo :data:`SAMPLE`; every shingle of a short doc), sorts them all once,
and counts for each pair of docs how many sampled shingles they share. A
teaser's sampled shingles are all in its article's sample, whatever the
article's length; a rewrite keeps those its changed words did not touch.

A shingle sampled in more than :data:`COMMON` docs is a stock phrase or an
outlet's boilerplate: its docs are only chained (each with the next), so
the cost stays near linear in the number of sampled shingles.
Deterministic; pure; nothing raises.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .shingles import U32

__all__ = ["COMMON", "FULL_BELOW", "SAMPLE", "shared_pairs"]

I64 = npt.NDArray[np.int64]

#: One shingle in this many is indexed (those whose hash is 0 modulo it).
SAMPLE = 4
#: A doc with fewer shingles than this indexes all of them, so short texts meet.
FULL_BELOW = 48
#: A shingle sampled in more docs than this pairs each of them with its next only.
COMMON = 24
#: A candidate shares at least this share of the smaller doc's sample.
MIN_SHARE = 0.15


def shared_pairs(shingles: Sequence[U32]) -> tuple[I64, I64]:
    """Pairs ``(i, j)``, ``i < j``, sharing enough sampled shingles, as two arrays.

    A pair is a candidate when it shares at least two sampled shingles (one
    when a side has fewer than four) and at least :data:`MIN_SHARE` of the
    smaller side's sample.
    """
    sampled = [_sample(s) for s in shingles]
    sizes = np.array([len(s) for s in sampled], dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if len(sampled) < 2 or not sizes.any():
        return empty, empty
    values = np.concatenate(sampled)
    owners = np.repeat(np.arange(len(sampled), dtype=np.int64), sizes)
    order = np.argsort(values, kind="stable")  # stable: owners stay ascending in a bucket
    values, owners = values[order], owners[order]
    keys = _bucket_keys(values, owners, len(sampled))
    if not len(keys):
        return empty, empty
    pairs, counts = np.unique(keys, return_counts=True)
    left, right = pairs // len(sampled), pairs % len(sampled)
    smaller = np.minimum(sizes[left], sizes[right])
    keep = (counts >= np.where(smaller < 4, 1, 2)) & (counts >= MIN_SHARE * smaller)
    return left[keep], right[keep]


def _sample(hashes: U32) -> U32:
    if len(hashes) < FULL_BELOW:
        return hashes
    kept: U32 = hashes[hashes % np.uint32(SAMPLE) == 0]
    return kept


def _bucket_keys(values: U32, owners: I64, n: int) -> I64:
    """``i * n + j`` for every pair of owners sharing a value (capped per bucket)."""
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(values)])))
    size_at = np.repeat(sizes, sizes)
    found: list[I64] = []
    for offset in range(1, COMMON + 1):
        same = values[offset:] == values[:-offset]
        if offset > 1:
            same &= size_at[:-offset] <= COMMON  # big buckets: neighbours only
        where = np.flatnonzero(same)
        if not len(where):
            break
        found.append(owners[where] * n + owners[where + offset])
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
