"""What copy detection reads from one doc, and the test two docs must pass to be copies.

Called by :mod:`occasional.stories.copies`: :func:`fingerprints` once per window,
:func:`near_copy_verdict` and :func:`made_of_other` for each candidate pair
(:mod:`occasional.stories.index` proposes them).
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
from .shingles import SHINGLE, U32, many_shingles, ordered_shingles
from .text import body_paragraphs, joined_numbers, paragraph_words
from .urls import canonicalize_url

__all__ = [
    "CopyThresholds",
    "Fingerprint",
    "fingerprint",
    "fingerprints",
    "is_near_copy",
    "made_of_other",
    "near_copy_verdict",
    "shingles_in_order",
]

_DASH = r"\s*[-—–:]"
_AGENCY_NAMES = (
    r"AP|AFP|Reuters|dpa|DPA|PA|ANSA|EFE|Xinhua|Kyodo|UPI|Bloomberg|Yonhap|TASS|PTI|IANS|ANI"
    r"|AAP|Anadolu|Associated Press|Agence France-Presse|Press Association|Thomson Reuters"
)
# "LONDON (Reuters) -", "(Metro Wire) —", "NEW YORK--(BUSINESS WIRE)--",
# "PARIS, March 2, 2026 (GLOBE NEWSWIRE) --": a dateline's parenthesised credit.
_PAREN_CREDIT = re.compile(r"^[^\n(]{0,80}?\((?P<agency>[A-Z][\w .&'-]{1,40}?)\)" + _DASH)
# "NEW YORK, March 2, 2026 /PRNewswire/ --": a press wire's slashed credit.
_SLASH_CREDIT = re.compile(r"^[^\n/]{0,80}?/(?P<agency>PRNewswire[\w-]*)/" + _DASH)
# "AP —", "PARIS, AFP -", "By Reuters:", "Source: AFP": a bare credit first.
_BARE_CREDIT = re.compile(
    r"^(?:[A-Z][A-Za-z .,'-]{0,40}?,\s*)?(?:By\s+|Source\s*:\s*|Credit\s*:\s*)?"
    rf"(?P<agency>{_AGENCY_NAMES})(?:{_DASH}|\s*$)",
    re.MULTILINE,
)
# A last line that only credits: "— AFP", "(Reuters)", "Source: AP",
# "Reporting by …; Editing by …" (Reuters' sign-off), "Copyright … The Associated Press".
_TAIL_CREDIT = re.compile(
    rf"^[-—–(\s]*(?:Source\s*:\s*)?(?P<agency>{_AGENCY_NAMES})[)\s.]*$"
    r"|^(?:Additional )?Reporting by .{0,200}Editing by (?P<reuters>)"
    r"|^(?:©\s*)?Copyright .{0,40}(?P<ap>The Associated Press)",
)
#: An agency's names, as slugs, to one key.
_AGENCY_KEYS = {
    "associatedpress": "ap",
    "theassociatedpress": "ap",
    "agencefrancepresse": "afp",
    "thomsonreuters": "reuters",
    "pressassociation": "pa",
    "prnewswire": "prnewswire",
}
#: Agencies whose site does not spell their short name.
AGENCY_SITE_NAMES = {"ap": "apnews", "pa": "pamediagroup"}
#: Agencies' own sites (host suffixes) beyond those naming them.
AGENCY_HOSTS = {
    "ap": ("apnews.com", "ap.org"),
    "pa": ("pa.media", "pamediagroup.com"),
    "dpa": ("dpa.com", "dpa.de", "dpa-international.com"),
    "xinhua": ("xinhuanet.com", "news.cn"),
    "kyodo": ("kyodonews.net",),
    "yonhap": ("yna.co.kr",),
    "pti": ("ptinews.com",),
    "ani": ("aninews.in",),
    "aap": ("aap.com.au",),
    "anadolu": ("aa.com.tr",),
}
_NO_LINKS: frozenset[str] = frozenset()
#: Docs read per block: enough to amortise the array work, few enough words held.
_BLOCK = 256


@dataclass(frozen=True, slots=True)
class CopyThresholds:
    """How much two texts must share to be copies (shares of word 5-shingles).

    Three ways to be a copy; the first two also need the texts to agree on
    their names and numbers: ``keys_cover`` of the names and numbers of the
    text with fewer must be in the other, once it has ``min_keys`` of them
    (templated weather, market and sports texts share words, not figures).

    - Nearly the same text: ``small_cover`` of the shorter text's shingles
      are in the longer, which keeps ``large_cover`` of its own in the shorter.
    - One text made of the other (a teaser, an excerpt, a light rewrite):
      at least ``made_of`` of its shingles are in the other, and the rest
      stand in short gaps — changed words, a credit line — not in passages
      of its own: at most ``own_share`` of it lies in runs of more than
      ``own_run`` unshared shingles. A text of fewer than ``short`` shingles
      (a brief) must share ``short_made_of``: two briefs around one quote
      share little else.
    - Linked: one names the other as its source or canonical URL; then
      ``linked_cover`` of the shorter text shared is enough.
    """

    small_cover: float = 0.8
    large_cover: float = 0.5
    made_of: float = 0.35
    short: int = 40
    short_made_of: float = 0.6
    own_run: int = 12
    own_share: float = 0.1
    linked_cover: float = 0.2
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
    return paragraph_words(content_paragraphs(doc.text))


def content_paragraphs(text: str) -> list[str]:
    """The paragraphs copy detection compares: boilerplate lines dropped, and a
    dateline credit ("LONDON (Reuters) -") cut from the first, since copies
    add, change and drop it."""
    paragraphs = body_paragraphs(text)
    if paragraphs:
        first = paragraphs[0]
        for pattern in (_PAREN_CREDIT, _SLASH_CREDIT, _BARE_CREDIT):
            match = pattern.match(first[:200])
            if match and match.end() < len(first):
                paragraphs[0] = first[match.end() :].lstrip(" -—–:")
                break
    return paragraphs


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
    """The news agency a text credits ("reuters", "ap", "metrowire"), or None.

    Read from the first lines (a dateline credit, "Source: AFP") and the last
    (a closing credit or sign-off); an aggregator's date line or tagline may
    stand before the credit, so the first three lines are tried.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines[:3]:
        for pattern in (_PAREN_CREDIT, _SLASH_CREDIT, _BARE_CREDIT):
            match = pattern.match(line[:200])
            if match:
                return _agency_key(match.group("agency"))
    for line in lines[-2:]:
        match = _TAIL_CREDIT.match(line)
        if match:
            found = match.group("agency")
            return (
                _agency_key(found)
                if found
                else ("reuters" if match.group("reuters") is not None else "ap")
            )
    return None


def _agency_key(name: str) -> str:
    slug = _slug(name)
    return _AGENCY_KEYS.get(slug, slug)


def from_agency(print_: Fingerprint, agency: str) -> bool:
    """Whether a doc comes from the agency's own site: a known host, or its name in the host."""
    host = print_.host
    if any(host == h or host.endswith("." + h) for h in AGENCY_HOSTS.get(agency, ())):
        return True
    wanted = AGENCY_SITE_NAMES.get(agency, agency)
    return len(wanted) >= 3 and wanted in _slug(host)


def is_near_copy(a: Fingerprint, b: Fingerprint, limits: CopyThresholds) -> bool:
    """Whether two unlinked docs are nearly the same text, with the same names and figures."""
    return near_copy_verdict(a, b, limits, linked=False) is True


def near_copy_verdict(
    a: Fingerprint, b: Fingerprint, limits: CopyThresholds, *, linked: bool
) -> bool | None:
    """True or False from the shingle sets alone; None when the order of one
    text's shingles must decide (see :func:`made_of_other`)."""
    small, large = sorted((len(a.shingles), len(b.shingles)))
    if small == 0:
        return False
    inter = len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))
    if linked:
        return inter >= limits.linked_cover * small
    if inter < limits.made_of * small or not _keys_agree(a.keys, b.keys, limits):
        return False
    if inter >= limits.small_cover * small and inter >= limits.large_cover * large:
        return True
    return None


def made_of_other(ordered: U32, other: U32, limits: CopyThresholds) -> bool:
    """Whether a text (its shingles in order) is made of ``other`` (sorted shingles).

    It must share ``made_of`` of its shingles, and what it does not share
    must stand in short gaps, not in passages of its own.
    """
    if not len(ordered) or not len(other):
        return False
    at = np.minimum(np.searchsorted(other, ordered), len(other) - 1)
    shared = other[at] == ordered
    needed = limits.short_made_of if len(ordered) < limits.short else limits.made_of
    if shared.mean() < needed:
        return False
    edges = np.flatnonzero(np.diff(np.concatenate(([1], shared.view(np.int8), [1]))))
    gaps = edges[1::2] - edges[::2]  # lengths of the runs of unshared shingles
    # A short text's own passage is short too (a quote shared by two briefs
    # must not make one a copy of the other); one changed word always passes.
    longest = min(limits.own_run, max(SHINGLE, len(ordered) // 4))
    own = gaps[gaps > longest].sum()
    return bool(own <= limits.own_share * len(ordered))


def shingles_in_order(doc: Doc) -> U32:
    """A doc's body shingles in text order (what :func:`made_of_other` reads)."""
    lowered, lengths, _ = paragraph_words(content_paragraphs(doc.text))
    return ordered_shingles(lowered.split(" ") if lowered else [], lengths)


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
