"""Which member of a group of copies is the original, and why.

Called by :func:`occasional.stories.copies.copy_groups` once per group of two
or more docs. Evidence is weighed strongest first, and the first kind that
decides names the reason:

1. ``"source-link"`` / ``"canonical"``: a member links to another as its
   source, or names it as canonical URL; the member every chain of such
   links ends at is the original.
2. ``"wire-credit"``: members credit a news agency ("(Reuters) -", "AP —",
   "Source: AFP") and one member is on that agency's own site: it is the
   original. A credit on any other site marks that member as a copy of the
   wire and nothing more: it never makes it the original.
3. ``"earliest"``: the member published first, among believable times. A
   missing time, one after ``now`` (when given) or one before 1991 (a
   parser's zero date) is not believable: such a member can still be the
   original, but only when no member has a believable time.
4. ``"preference"``: among those tied, the host listed first in the
   configured source preference.
5. ``"fullest"``: still tied (no believable times), the member with the
   most text of its own: a teaser or excerpt is never the source of the
   text it cuts.
6. ``"tie"``: the lowest id.

Pure; nothing raises.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from ..types import Doc
from .fingerprint import Fingerprint, from_agency

__all__ = ["choose_original"]

_LATEST = datetime.max.replace(tzinfo=UTC)
#: Earlier times are a parser's zero date (1970, 1900), not a publication.
_EARLIEST_BELIEVABLE = datetime(1991, 1, 1, tzinfo=UTC)
Member = tuple[Doc, Fingerprint]


def choose_original(
    members: Sequence[Member], preference: Sequence[str], now: datetime | None = None
) -> tuple[str, str]:
    """Return ``(original id, reason)`` for a group of copies (two or more members)."""
    pointed = _by_provenance(members, now)
    if pointed is not None:
        return pointed
    wire = _by_wire_host(members)
    if wire:
        return _by_time(wire, preference, now)[0], "wire-credit"
    return _by_time(members, preference, now)


def _by_provenance(members: Sequence[Member], now: datetime | None) -> tuple[str, str] | None:
    urls = {fp.url for _, fp in members if fp.url}
    pointing: set[str] = set()
    kinds: Counter[tuple[str, str]] = Counter()
    for doc, fp in members:
        for target, kind in _targets(fp):
            if target in urls and target != fp.url:
                pointing.add(doc.id)
                kinds[(target, kind)] += 1
    # The original is pointed at and points nowhere itself; several members
    # can share its URL (a feed summary and the full page), time decides then.
    roots = [(doc, fp) for doc, fp in members if doc.id not in pointing and _score(kinds, fp.url)]
    if not roots:  # no links, or a cycle of links: no member is clearly first
        return None
    best = max(_score(kinds, fp.url) for _, fp in roots)
    chosen = _by_time([m for m in roots if _score(kinds, m[1].url) == best], (), now)[0]
    url = next(fp.url for doc, fp in roots if doc.id == chosen)
    return chosen, "source-link" if kinds[(url or "", "source-link")] else "canonical"


def _score(kinds: Counter[tuple[str, str]], url: str | None) -> int:
    return sum(n for (target, _), n in kinds.items() if target == url) if url else 0


def _targets(fp: Fingerprint) -> list[tuple[str, str]]:
    found = [(link, "source-link") for link in sorted(fp.pointers)]
    if fp.canonical_pointer:
        found.append((fp.canonical_pointer, "canonical"))
    return found


def _by_wire_host(members: Sequence[Member]) -> list[Member]:
    """The members on the own site of an agency some member credits (most credited first)."""
    credits = Counter(fp.agency for _, fp in members if fp.agency)
    for agency in sorted(credits, key=lambda a: (-credits[a], a)):
        own = [(doc, fp) for doc, fp in members if from_agency(fp, agency)]
        if own:
            return own
    return []


def _by_time(
    members: Sequence[Member], preference: Sequence[str], now: datetime | None
) -> tuple[str, str]:
    first = min(_when(doc, now) for doc, _ in members)
    tied = [(doc, fp) for doc, fp in members if _when(doc, now) == first]
    if len(tied) == 1 and first != _LATEST:
        return tied[0][0].id, "earliest"
    ranked = [(_rank(fp, preference), doc.id) for doc, fp in tied]
    best = min(ranked)
    if best[0] < len(preference) and sum(1 for r, _ in ranked if r == best[0]) == 1:
        return best[1], "preference"
    tied = [(doc, fp) for doc, fp in tied if _rank(fp, preference) == best[0]]
    most = max(len(fp.shingles) for _, fp in tied)
    fullest = [doc.id for doc, fp in tied if len(fp.shingles) == most]
    if len(fullest) == 1:
        return fullest[0], "fullest"
    return min(fullest), "tie"


def _when(doc: Doc, now: datetime | None) -> datetime:
    """The doc's time if believable, else the latest possible (it sorts last)."""
    when = doc.published
    if when is None or when < _EARLIEST_BELIEVABLE or (now is not None and when > now):
        return _LATEST
    return when


def _rank(fp: Fingerprint, preference: Sequence[str]) -> int:
    for index, host in enumerate(preference):
        wanted = host.lower().removeprefix("www.")
        if fp.host == wanted or fp.host.endswith("." + wanted):
            return index
    return len(preference)
