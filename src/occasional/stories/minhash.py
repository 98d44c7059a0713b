"""MinHash signatures and LSH banding, vectorised with numpy.

Called by :mod:`occasional.stories.copies`: :func:`token_hashes` hashes every
token of a text at once, :func:`shingle_hashes` turns a doc's paragraphs into
a sorted array of 32-bit word-shingle hashes,
:func:`signatures` computes the MinHash signatures of many docs at once, and
:func:`candidate_pairs` returns the pairs of docs that share a band — the
only pairs copy detection verifies. :func:`band_keys` and :func:`band_pairs`
do the same a block of docs at a time, holding only the band keys.
Deterministic (fixed seeds, no ``hash()``); pure; nothing raises.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "NUM_PERM",
    "ROWS",
    "SHINGLE",
    "band_keys",
    "band_pairs",
    "candidate_pairs",
    "many_shingles",
    "paragraph_shingles",
    "shingle_hashes",
    "signatures",
    "token_hashes",
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
# Token hashes: a polynomial over each token's UTF-8 bytes, base _BASE modulo
# 2**64 (numpy's uint64 arithmetic wraps), read off prefix sums so a whole
# block of text hashes in a few array operations; then mixed (xorshift-multiply).
_BASE = 0x100000001B3
_BASE_INVERSE = pow(_BASE, -1, 2**64)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_SPACE = ord(" ")
_powers: list[U64] = []  # _BASE ** i and _BASE_INVERSE ** i, grown as needed


def _power_tables(size: int) -> tuple[U64, U64]:
    """_BASE ** i and its inverse for every i < size (at least): kept, grown by doubling."""
    if not _powers or len(_powers[0]) < size:
        length = max(size, 2 * len(_powers[0]) if _powers else 0, 1 << 16)
        tables = []
        for base in (_BASE, _BASE_INVERSE):
            steps = np.full(length, base, dtype=np.uint64)
            steps[0] = 1
            tables.append(np.cumprod(steps, dtype=np.uint64))  # wraps modulo 2**64
        _powers[:] = tables
    return _powers[0], _powers[1]


def token_hashes(joined: str) -> U64:
    """A 64-bit hash of each token of ``joined`` (tokens separated by single spaces).

    The same token always hashes the same, wherever it stands: one
    polynomial over its UTF-8 bytes, computed for all tokens at once from
    prefix sums (no per-token Python work, no cache of seen tokens).
    """
    data = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
    power, inverse = _power_tables(len(data) + 1)
    prefix = np.zeros(len(data) + 1, dtype=np.uint64)
    np.cumsum(data * power[: len(data)], out=prefix[1:])
    spaces = np.flatnonzero(data == _SPACE)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [len(data)]))
    hashed = (prefix[ends] - prefix[starts]) * inverse[starts]
    hashed += (ends - starts).astype(np.uint64)  # "" and "\0" differ
    hashed ^= hashed >> np.uint64(31)
    hashed *= _MIX
    hashed ^= hashed >> np.uint64(29)
    return hashed


def shingle_hashes(paragraphs: Sequence[Sequence[str]]) -> U32:
    """Sorted unique 32-bit hashes of the word shingles within each paragraph.

    Shingles never cross a paragraph break, so reordered paragraphs keep all
    their shingles; a paragraph shorter than a shingle counts as one.
    """
    return paragraph_shingles(
        [w for words in paragraphs for w in words], [len(p) for p in paragraphs]
    )


def paragraph_shingles(words: Sequence[str], lengths: Sequence[int]) -> U32:
    """:func:`shingle_hashes` of paragraphs given as all their words and each one's length."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    toks = token_hashes(" ".join(words))
    if len(toks) < SHINGLE:
        return np.unique((toks.sum() & _MASK32).astype(np.uint32).reshape(1))
    count = len(toks) - SHINGLE + 1
    mixed = _windows(toks)
    if len(lengths) > 1:
        para = np.repeat(np.arange(len(lengths)), lengths)
        mixed = mixed[para[:count] == para[SHINGLE - 1 :]]
    mixed ^= mixed >> np.uint64(29)
    return np.unique((mixed & _MASK32).astype(np.uint32))


def _windows(toks: U64) -> U64:
    """One hash per run of ``SHINGLE`` consecutive token hashes (paragraphs ignored)."""
    # Summed term by term (wrapping uint64, as a dot product would).
    count = len(toks) - SHINGLE + 1
    mixed: U64 = toks[:count] * _POW[0]
    for k in range(1, SHINGLE):
        mixed += toks[k : k + count] * _POW[k]
    return mixed


def many_shingles(docs: Sequence[tuple[str, Sequence[int]]]) -> list[U32]:
    """:func:`paragraph_shingles` of many docs, each as its tokens joined by single
    spaces and the number of tokens in each paragraph.

    The same arrays, with the array work done once for the whole batch: the
    tokens of all docs hashed at once, their windows, then one sort that
    dedupes within each doc.
    """
    found: list[U32 | None] = [None] * len(docs)
    texts: list[str] = []
    lengths: list[int] = []
    owners: list[int] = []  # the batch doc of each paragraph
    for index, (joined, sizes) in enumerate(docs):
        if sum(sizes) < SHINGLE:  # empty, or one short shingle: the single-doc rule
            found[index] = paragraph_shingles(joined.split(" ") if joined else [], sizes)
            continue
        texts.append(joined)
        lengths.extend(sizes)
        owners.extend([index] * len(sizes))
    if texts:
        toks = token_hashes(" ".join(texts))
        count = len(toks) - SHINGLE + 1
        mixed = _windows(toks)
        para = np.repeat(np.arange(len(lengths)), lengths)
        inside = para[:count] == para[SHINGLE - 1 :]  # within one paragraph, so one doc
        mixed = mixed[inside]
        mixed ^= mixed >> np.uint64(29)
        doc = np.array(owners, dtype=np.uint64)[para[:count][inside]]
        keyed = (doc << np.uint64(32)) | (mixed & _MASK32)
        keyed.sort()  # a plain sort and a neighbour test: np.unique without its extras
        keep = np.ones(len(keyed), dtype=bool)
        np.not_equal(keyed[1:], keyed[:-1], out=keep[1:])
        keyed = keyed[keep]
        bounds = np.searchsorted(keyed >> np.uint64(32), np.arange(len(docs) + 1))
        values = (keyed & _MASK32).astype(np.uint32)
        for index in range(len(docs)):
            if found[index] is None:
                found[index] = values[bounds[index] : bounds[index + 1]]
    return [f if f is not None else np.zeros(0, dtype=np.uint32) for f in found]


def signatures(shingles: Sequence[U32], chunk_shingles: int = 4_096) -> U64:
    """MinHash signatures, one row of ``NUM_PERM`` values per shingle set.

    Docs are hashed a block at a time (about ``chunk_shingles`` shingles,
    so the work array, about 3 MB, stays in cache): all their shingles
    through all permutations in one array operation, then a segmented minimum.
    An empty set gets a row of the largest value (it matches nothing).
    """
    out = np.full((len(shingles), NUM_PERM), _EMPTY, dtype=np.uint64)
    for start, stop in _blocks(shingles, chunk_shingles):
        _sign_block(shingles, start, stop, out[start:stop])
    return out


def band_keys(shingles: Sequence[U32], chunk_shingles: int = 4_096) -> U64:
    """One key per LSH band per shingle set: :func:`signatures` folded band by band.

    The same keys :func:`candidate_pairs` makes from the signatures, without
    holding every signature at once (a third of their memory).
    """
    out = np.empty((len(shingles), BANDS), dtype=np.uint64)
    for start, stop in _blocks(shingles, chunk_shingles):
        block = np.full((stop - start, NUM_PERM), _EMPTY, dtype=np.uint64)
        _sign_block(shingles, start, stop, block)
        out[start:stop] = _fold(block, start)
    return out


def _blocks(shingles: Sequence[U32], chunk_shingles: int) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    start = 0
    while start < len(shingles):
        stop, total = start, 0
        while stop < len(shingles) and (total < chunk_shingles or stop == start):
            total += len(shingles[stop])
            stop += 1
        found.append((start, stop))
        start = stop
    return found


def _sign_block(shingles: Sequence[U32], start: int, stop: int, out: U64) -> None:
    """Fill ``out`` (rows for docs ``start`` to ``stop``) with their signatures."""
    sizes = np.array([len(shingles[i]) for i in range(start, stop)], dtype=np.int64)
    present = np.nonzero(sizes)[0]
    if not len(present):
        return
    values = np.concatenate([shingles[start + int(i)] for i in present]).astype(np.uint64)
    hashed = values[:, None] * _A
    hashed += _B
    offsets = np.concatenate(([0], np.cumsum(sizes[present])[:-1]))
    # The shift is monotone, so it can follow the minimum instead of preceding it.
    out[present] = np.minimum.reduceat(hashed, offsets, axis=0) >> np.uint64(16)


def _fold(sigs: U64, first: int) -> U64:
    """Band keys of signature rows; row ``i`` is doc ``first + i``."""
    n = len(sigs)
    keys: U64 = (sigs.reshape(n, BANDS, ROWS) * _POW[:ROWS]).sum(axis=2)
    empty = sigs[:, 0] == _EMPTY
    # An empty set matches nothing: a key of its own (its index) in every band.
    own = np.arange(first, first + n, dtype=np.uint64)[empty] ^ np.uint64(0xABCDEF)
    keys[empty] = own[:, None]
    return keys


def candidate_pairs(sigs: U64) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, whose signatures agree on a whole band."""
    if len(sigs) < 2:
        return set()
    return band_pairs(_fold(sigs, 0))


def band_pairs(keys: U64) -> set[tuple[int, int]]:
    """:func:`candidate_pairs` from :func:`band_keys`: pairs sharing a band's key."""
    pairs: set[tuple[int, int]] = set()
    if len(keys) < 2:
        return pairs
    for band in range(BANDS):
        pairs.update(_bucket_pairs(np.ascontiguousarray(keys[:, band])))
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
