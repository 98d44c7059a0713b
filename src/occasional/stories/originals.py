"""Which member of a group of copies is the original, and why.

Called by :func:`occasional.stories.copies.copy_groups` once per group of two
or more docs. Evidence is weighed strongest first, and the first kind that
decides names the reason:

1. ``"source-link"`` / ``"canonical"``: a member links to another as its
   source, or names it as canonical URL; the member every chain of such
   links ends at is the original.
2. ``"wire-credit"``: members credit a news agency ("(Reuters) -", "AP —");
   the member from that agency's own site, else the earliest crediting one.
3. ``"earliest"``: the member published first.
4. ``"preference"``: among those tied, the host listed first in the
   configured source preference.
5. ``"tie"``: the lowest id.

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
Member = tuple[Doc, Fingerprint]


def choose_original(members: Sequence[Member], preference: Sequence[str]) -> tuple[str, str]:
    """Return ``(original id, reason)`` for a group of copies (two or more members)."""
    pointed = _by_provenance(members)
    if pointed is not None:
        return pointed
    credited = _by_wire_credit(members, preference)
    if credited is not None:
        return credited[0], "wire-credit"
    return _by_time(members, preference)


def _by_provenance(members: Sequence[Member]) -> tuple[str, str] | None:
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
    chosen = _by_time([m for m in roots if _score(kinds, m[1].url) == best], ())[0]
    url = next(fp.url for doc, fp in roots if doc.id == chosen)
    return chosen, "source-link" if kinds[(url or "", "source-link")] else "canonical"


def _score(kinds: Counter[tuple[str, str]], url: str | None) -> int:
    return sum(n for (target, _), n in kinds.items() if target == url) if url else 0


def _targets(fp: Fingerprint) -> list[tuple[str, str]]:
    found = [(link, "source-link") for link in sorted(fp.pointers)]
    if fp.canonical_pointer:
        found.append((fp.canonical_pointer, "canonical"))
    return found


def _by_wire_credit(members: Sequence[Member], preference: Sequence[str]) -> tuple[str, str] | None:
    credits = Counter(fp.agency for _, fp in members if fp.agency)
    if not credits:
        return None
    agency = min(credits, key=lambda a: (-credits[a], a))
    own = [(doc, fp) for doc, fp in members if from_agency(fp, agency)]
    pool = own or [(doc, fp) for doc, fp in members if fp.agency == agency]
    return _by_time(pool, preference)


def _by_time(members: Sequence[Member], preference: Sequence[str]) -> tuple[str, str]:
    first = min(_when(doc) for doc, _ in members)
    tied = [(doc, fp) for doc, fp in members if _when(doc) == first]
    if len(tied) == 1 and first != _LATEST:
        return tied[0][0].id, "earliest"
    ranked = [(_rank(fp, preference), doc.id) for doc, fp in tied]
    best = min(ranked)
    if best[0] < len(preference) and sum(1 for r, _ in ranked if r == best[0]) == 1:
        return best[1], "preference"
    return min(doc.id for doc, _ in tied), "tie"


def _when(doc: Doc) -> datetime:
    return doc.published or _LATEST


def _rank(fp: Fingerprint, preference: Sequence[str]) -> int:
    for index, host in enumerate(preference):
        wanted = host.lower().removeprefix("www.")
        if fp.host == wanted or fp.host.endswith("." + wanted):
            return index
    return len(preference)
