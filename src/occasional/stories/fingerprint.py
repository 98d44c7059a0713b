"""What copy detection reads from one doc, and the test two docs must pass to be copies.

Called by :mod:`occasional.stories.copies`: :func:`fingerprints` once per window,
:func:`is_near_copy` for each candidate pair the LSH index proposes.
Boilerplate an aggregator wraps around a copy (its date line, tagline,
"Source link" footer) is dropped before anything is measured, so it neither
hides a copy nor makes one. Pure; nothing raises.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np

from ..types import Doc
from .minhash import U32, many_shingles
from .text import body_paragraphs, joined_numbers, paragraph_words
from .urls import canonicalize_url

__all__ = ["CopyThresholds", "Fingerprint", "fingerprint", "fingerprints", "is_near_copy"]

_DASH = r"\s*[-—–:]"
# "LONDON (Reuters) -", "(Metro Wire) —": a dateline's parenthesised credit.
_PAREN_CREDIT = re.compile(r"^[^\n(]{0,60}?\((?P<agency>[A-Z][\w .&'-]{1,40}?)\)" + _DASH)
# "AP —", "PARIS, AFP -", "By Reuters:": a bare credit before the first dash.
_BARE_CREDIT = re.compile(
    r"^(?:[A-Z][A-Za-z .,'-]{0,40}?,\s*)?(?:By\s+)?(?P<agency>AP|AFP|Reuters|dpa|DPA|PA|"
    r"ANSA|EFE|Xinhua|Kyodo|UPI|Bloomberg)" + _DASH
)
# A last line that is only a credit: "— AFP", "(Reuters)".
_TAIL_CREDIT = re.compile(r"^[-—–(\s]*(?P<agency>AP|AFP|Reuters|dpa|Xinhua|Kyodo|UPI)[)\s.]*$")
#: Agencies whose site does not spell their short name.
AGENCY_HOSTS = {"ap": "apnews", "pa": "pamediagroup"}
_NO_LINKS: frozenset[str] = frozenset()
#: Docs read per block: enough to amortise the array work, few enough words held.
_BLOCK = 256


@dataclass(frozen=True, slots=True)
class CopyThresholds:
    """How much two texts must share to be copies.

    ``small_cover``: share of the shorter text's shingles found in the
    longer (the copy carries little of its own). ``large_cover``: share of
    the longer text's shingles found in the shorter (a copy keeps at least
    this much of its original). ``keys_cover``: share of the names and
    numbers of the text with fewer that the other must also have
    (templated articles share words, not figures and places).
    """

    small_cover: float = 0.8
    large_cover: float = 0.5
    keys_cover: float = 0.75
    min_keys: int = 3


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One doc as copy detection sees it."""

    url: str | None
    pointers: frozenset[str]
    canonical_pointer: str | None
    text_key: str | None
    shingles: U32
    keys: frozenset[str]
    agency: str | None
    host: str


def fingerprint(doc: Doc) -> Fingerprint:
    """Build the :class:`Fingerprint` of one doc (see :func:`fingerprints`)."""
    return fingerprints([doc])[0]


def fingerprints(docs: Sequence[Doc]) -> list[Fingerprint]:
    """The :class:`Fingerprint` of each doc, in order (called once per window).

    Docs are read a block at a time so the shingles' array work is shared
    and no block's word lists outlive it.
    """
    prints: list[Fingerprint] = []
    for start in range(0, len(docs), _BLOCK):
        block = docs[start : start + _BLOCK]
        read = [_read(doc) for doc in block]
        shingles = many_shingles([(lowered, lengths) for lowered, lengths, _ in read])
        for doc, (lowered, lengths, found), hashes in zip(block, read, shingles, strict=True):
            prints.append(_assemble(doc, lowered, sum(lengths), found, hashes))
    return prints


def _read(doc: Doc) -> tuple[str, list[int], frozenset[str]]:
    return paragraph_words(body_paragraphs(doc.text))


def _assemble(
    doc: Doc, lowered: str, words: int, found: frozenset[str], hashes: U32
) -> Fingerprint:
    url = canonicalize_url(doc.url) if doc.url else None
    canonical = canonicalize_url(doc.canonical_url) if doc.canonical_url else None
    links = frozenset(canonicalize_url(link) for link in doc.source_links) - {url}
    return Fingerprint(
        url=url,
        pointers=links if links else _NO_LINKS,
        canonical_pointer=canonical if canonical != url else None,
        text_key=hashlib.sha256(lowered.encode()).hexdigest() if words >= 5 else None,
        shingles=hashes,
        keys=joined_numbers(lowered) | found,
        agency=wire_agency(doc.text),
        host=_host(url) or (doc.source or "").lower(),
    )


def wire_agency(text: str) -> str | None:
    """The news agency a text credits ("reuters", "ap", "metrowire"), or None."""
    head = text.lstrip()[:200]
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for pattern, sample in ((_PAREN_CREDIT, head), (_BARE_CREDIT, head)):
        match = pattern.match(sample)
        if match:
            return _slug(match.group("agency"))
    if lines:
        match = _TAIL_CREDIT.match(lines[-1])
        if match:
            return _slug(match.group("agency"))
    return None


def from_agency(print_: Fingerprint, agency: str) -> bool:
    """Whether a doc comes from the agency's own site or feed."""
    wanted = AGENCY_HOSTS.get(agency, agency)
    return len(wanted) >= 3 and wanted in _slug(print_.host)


def is_near_copy(a: Fingerprint, b: Fingerprint, limits: CopyThresholds) -> bool:
    """Whether two docs share enough text, and the same names and figures, to be copies."""
    small, large = sorted((len(a.shingles), len(b.shingles)))
    if small == 0:
        return False
    inter = len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))
    if inter < limits.small_cover * small or inter < limits.large_cover * large:
        return False
    return _keys_agree(a.keys, b.keys, limits)


def _keys_agree(a: frozenset[str], b: frozenset[str], limits: CopyThresholds) -> bool:
    fewer = min(len(a), len(b))
    if fewer < limits.min_keys:
        return True
    return len(a & b) >= limits.keys_cover * fewer


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
