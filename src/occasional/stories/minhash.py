"""MinHash signatures and LSH banding, vectorised with numpy.

Called by :mod:`occasional.stories.copies`: :func:`shingle_hashes` turns a
doc's paragraphs into a sorted array of 32-bit word-shingle hashes,
:func:`signatures` computes the MinHash signatures of many docs at once, and
:func:`candidate_pairs` returns the pairs of docs that share a band — the
only pairs copy detection verifies. Deterministic (fixed seeds, no
``hash()``); pure; nothing raises.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "NUM_PERM",
    "ROWS",
    "SHINGLE",
    "candidate_pairs",
    "shingle_hashes",
    "signatures",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

#: Words per shingle: long enough that shared phrases, not shared words, match.
SHINGLE = 5
#: 32 bands of 3 rows: a pair at Jaccard 0.4 becomes a candidate 88% of the
#: time, at 0.5 99%; verification then decides on the exact sets.
BANDS, ROWS = 32, 3
NUM_PERM = BANDS * ROWS
#: Members of one LSH bucket each paired with this many followers at most,
#: so a bucket of near-identical templated texts cannot explode quadratically.
MAX_BUCKET_PAIRS = 24
_MASK32 = np.uint64(0xFFFFFFFF)
_EMPTY = np.iinfo(np.uint64).max
_rng = np.random.default_rng(20_240_611)
_A = (_rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)).astype(np.uint64)
_B = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64).astype(np.uint64)
_POW = np.array([0x100000001B3**i % 2**64 for i in range(SHINGLE)], dtype=np.uint64)
_token_cache: dict[str, int] = {}


def _token_hashes(words: Sequence[str]) -> list[int]:
    missing = set(words).difference(_token_cache)
    if len(_token_cache) + len(missing) > 2_000_000:  # a cache, not a vocabulary store
        _token_cache.clear()
    for token in missing:
        _token_cache[token] = zlib.crc32(token.encode("utf-8")) * 0x9E3779B1 + len(token)
    return list(map(_token_cache.__getitem__, words))


def shingle_hashes(paragraphs: Sequence[Sequence[str]]) -> U32:
    """Sorted unique 32-bit hashes of the word shingles within each paragraph.

    Shingles never cross a paragraph break, so reordered paragraphs keep all
    their shingles; a paragraph shorter than a shingle counts as one.
    """
    flat: list[str] = []
    para: list[int] = []
    for index, words in enumerate(paragraphs):
        flat.extend(words)
        para.extend([index] * len(words))
    if not flat:
        return np.zeros(0, dtype=np.uint32)
    toks = np.array(_token_hashes(flat), dtype=np.uint64)
    ids = np.array(para, dtype=np.int64)
    if len(toks) < SHINGLE:
        return np.unique((toks.sum() & _MASK32).astype(np.uint32).reshape(1))
    windows = np.lib.stride_tricks.sliding_window_view(toks, SHINGLE)
    same_para = ids[: len(ids) - SHINGLE + 1] == ids[SHINGLE - 1 :]
    mixed = (windows[same_para] * _POW).sum(axis=1)
    mixed ^= mixed >> np.uint64(29)
    return np.unique((mixed & _MASK32).astype(np.uint32))


def signatures(shingles: Sequence[U32], chunk_shingles: int = 16_384) -> U64:
    """MinHash signatures, one row of ``NUM_PERM`` values per shingle set.

    Docs are hashed a block at a time (about ``chunk_shingles`` shingles,
    so memory stays near 12 MB): all their shingles through all
    permutations in one array operation, then a segmented minimum.
    An empty set gets a row of the largest value (it matches nothing).
    """
    out = np.full((len(shingles), NUM_PERM), _EMPTY, dtype=np.uint64)
    start = 0
    while start < len(shingles):
        stop, total = start, 0
        while stop < len(shingles) and (total < chunk_shingles or stop == start):
            total += len(shingles[stop])
            stop += 1
        _sign_block(shingles, start, stop, out)
        start = stop
    return out


def _sign_block(shingles: Sequence[U32], start: int, stop: int, out: U64) -> None:
    sizes = np.array([len(shingles[i]) for i in range(start, stop)], dtype=np.int64)
    present = np.nonzero(sizes)[0]
    if not len(present):
        return
    values = np.concatenate([shingles[start + int(i)] for i in present]).astype(np.uint64)
    hashed = (values[:, None] * _A + _B) >> np.uint64(16)
    offsets = np.concatenate(([0], np.cumsum(sizes[present])[:-1]))
    out[start + present] = np.minimum.reduceat(hashed, offsets, axis=0)


def candidate_pairs(sigs: U64) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, whose signatures agree on a whole band."""
    pairs: set[tuple[int, int]] = set()
    n = len(sigs)
    if n < 2:
        return pairs
    empty = sigs[:, 0] == _EMPTY
    for band in range(BANDS):
        rows = sigs[:, band * ROWS : (band + 1) * ROWS]
        keys = (rows * _POW[:ROWS]).sum(axis=1)
        keys[empty] = np.arange(n, dtype=np.uint64)[empty] ^ np.uint64(0xABCDEF)
        pairs.update(_bucket_pairs(keys))
    return pairs


def _bucket_pairs(keys: U64) -> list[tuple[int, int]]:
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    found: list[tuple[int, int]] = []
    for offset in range(1, MAX_BUCKET_PAIRS + 1):
        same = np.nonzero(ordered[offset:] == ordered[:-offset])[0]
        if not len(same):
            break
        left, right = order[same], order[same + offset]
        found.extend(
            zip(np.minimum(left, right).tolist(), np.maximum(left, right).tolist(), strict=True)
        )
    return found
