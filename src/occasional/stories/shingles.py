"""Word-shingle hashes, vectorised with numpy.

Called by :mod:`occasional.stories.fingerprint`: :func:`token_hashes` hashes
every token of a text at once, :func:`shingle_hashes` turns a doc's
paragraphs into a sorted array of 32-bit word-shingle hashes,
:func:`many_shingles` does so for a block of docs in one pass, and
:func:`ordered_shingles` keeps them in text order. The candidate pairs copy
detection verifies come from :mod:`occasional.stories.index`.
Deterministic (no ``hash()``); pure; nothing raises.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "SHINGLE",
    "many_shingles",
    "ordered_shingles",
    "paragraph_shingles",
    "shingle_hashes",
    "token_hashes",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

#: Words per shingle: long enough that shared phrases, not shared words, match.
SHINGLE = 5
_MASK32 = np.uint64(0xFFFFFFFF)
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
    return np.unique(ordered_shingles(words, lengths))


def ordered_shingles(words: Sequence[str], lengths: Sequence[int]) -> U32:
    """The shingle hashes of :func:`paragraph_shingles` in text order, repeats kept.

    Copy detection reads where a text's shared shingles stand: scattered
    gaps are changed words, one long gap is text of its own.
    """
    if not words:
        return np.zeros(0, dtype=np.uint32)
    toks = token_hashes(" ".join(words))
    if len(toks) < SHINGLE:
        single: U32 = (toks.sum() & _MASK32).astype(np.uint32).reshape(1)
        return single
    count = len(toks) - SHINGLE + 1
    mixed = _windows(toks)
    if len(lengths) > 1:
        para = np.repeat(np.arange(len(lengths)), lengths)
        mixed = mixed[para[:count] == para[SHINGLE - 1 :]]
    mixed ^= mixed >> np.uint64(29)
    found: U32 = (mixed & _MASK32).astype(np.uint32)
    return found


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
