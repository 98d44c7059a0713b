"""Pronoun sources: who "he", "she", "they" or "it" is in "…,” she said".

Called by :mod:`.speakers`. Pure; never raises.

"he"/"she" resolve to the nearest compatible earlier person, outside quotes:
sentence by sentence backwards, the source of a speech verb in that sentence
first, else the first person the sentence names (the likely subject), never
one whose gender is known to disagree. "it" and "they" resolve to the most
recent organisation (or, for "they", a plural source such as "officials").
Nothing is looked for further back than a few paragraphs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .genders import HONORIFICS, gender_of_first_name, gender_of_role
from .names import Mention, NameIndex

__all__ = ["Source", "Sources", "resolve_pronoun"]

_FAR = 1 << 62
_SENTENCES_BACK = 8
_PATIENCE = 1  # sentences a surer antecedent may lie beyond a bare name
_ORG_LABELS = ("ORG", "GPE")
PERSONAL = {"he": "m", "she": "f", "him": "m", "her": "f", "his": "m", "hers": "f"}
GROUP = frozenset({"they", "we", "it", "its", "their", "them", "our", "us"})


@dataclass(frozen=True, slots=True)
class Source:
    """A speech verb's source: where it is, the speaker, and what it is."""

    start: int
    speaker: str
    kind: str  # "PERSON", "ORG", "GROUP" (a plural phrase), "THING" or "SELF" (I, you)
    gender: str | None = None


@dataclass(slots=True)
class Sources:
    """What resolution reads: names, sentence starts, quoted ranges, sources so far."""

    text: str
    names: NameIndex
    sentences: list[int]
    quoted: list[tuple[int, int]]
    found: list[Source] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)

    def between(self, start: int, stop: int) -> list[Source]:
        """The sources found in ``[start, stop)`` (``found`` is sorted by position)."""
        first = bisect_left(self.found, start, key=lambda s: s.start)
        last = bisect_left(self.found, stop, key=lambda s: s.start)
        return self.found[first:last]

    def outside_quotes(self, pos: int) -> bool:
        """Whether ``pos`` lies outside every quote (``quoted`` is sorted)."""
        at = bisect_right(self.quoted, (pos, _FAR)) - 1
        return at < 0 or not self.quoted[at][0] <= pos < self.quoted[at][1]


def learn_genders(sources: Sources) -> None:
    """Record a gender for each person the text marks ("Mr. Trump", "spokeswoman Ann Lee")."""
    text = sources.text
    for m in sources.names.mentions:
        if m.label != "PERSON":
            continue
        before = text[max(0, m.start - 12) : m.start].split()
        whole = len(before) > 1 or m.start <= 12  # "asking Hillary": not "king"
        gender = HONORIFICS.get(before[-1].lower()) if before and whole else None
        gender = gender or (gender_of_role(m.role) if m.role else None)
        gender = gender or gender_of_first_name(m.name.split()[0])
        if gender and m.name not in sources.genders:
            sources.genders[m.name] = gender


def resolve_pronoun(sources: Sources, word: str, pos: int) -> Source | None:
    """The source a pronoun at ``pos`` stands for, or ``None``."""
    if word in PERSONAL:
        return _person(sources, PERSONAL[word], pos)
    if word in GROUP:
        return _group(sources, word, pos)
    return None


def _sentence_index(sources: Sources, pos: int) -> int:
    return bisect_right(sources.sentences, pos) - 1


def _person(sources: Sources, gender: str, pos: int) -> Source | None:
    """The nearest earlier person who agrees, the surer kinds first.

    A speech verb's source, a person of known gender or one named in full
    (the first such in a sentence: its likely subject, "Walsh … had close ties
    to Joe Biden") beats a bare one-word name (often a place the
    capitalisation rules took for a person) when it comes within a sentence
    or two of it.
    """
    here = _sentence_index(sources, pos)
    fallback: Source | None = None
    for number in range(here, max(-1, here - _SENTENCES_BACK), -1):
        if fallback is not None and here - number > _PATIENCE:
            break
        start = sources.sentences[number] if number >= 0 else 0
        stop = sources.sentences[number + 1] if number + 1 < len(sources.sentences) else _FAR
        stop = min(stop, pos)
        spoken = [
            s
            for s in sources.between(start, stop)
            if s.kind == "PERSON" and _agrees(s.gender, gender)
        ]
        if spoken:
            return spoken[-1]
        for m in _mentions(sources, start, stop):
            known = sources.genders.get(m.name)
            if m.label != "PERSON" or not _agrees(known, gender):
                continue
            if known is not None or (" " in m.name and fallback is None):
                return Source(m.start, m.name, "PERSON", known)  # the sentence's subject
            fallback = fallback or Source(m.start, m.name, "PERSON")
    return fallback


def _agrees(known: str | None, wanted: str) -> bool:
    return known is None or known == wanted


def _group(sources: Sources, word: str, pos: int) -> Source | None:
    here = _sentence_index(sources, pos)
    floor = sources.sentences[max(0, here - _SENTENCES_BACK)] if sources.sentences else 0
    kinds = ("ORG", "THING") if word in ("it", "its") else ("ORG", "GROUP")
    spoken = [s for s in sources.between(floor, pos) if s.kind in kinds]
    orgs = [m for m in _mentions(sources, floor, pos) if m.label in _ORG_LABELS]
    best_spoken = spoken[-1] if spoken else None
    best_org = orgs[-1] if orgs else None
    if best_org and (best_spoken is None or best_org.start > best_spoken.start):
        return Source(best_org.start, best_org.name, "ORG")
    return best_spoken


def _mentions(sources: Sources, start: int, stop: int) -> list[Mention]:
    """The mentions in ``[start, stop)`` outside quotes, less those inside a role.

    In "Redhill manager Fiona Grady" the team's name is part of her role, not
    a person of its own who could be the sentence's subject.
    """
    names = sources.names
    found = []
    mentions = names.mentions[names.first_from(start) :]
    for number, m in enumerate(mentions):
        if m.start >= stop:
            break
        following = mentions[number + 1] if number + 1 < len(mentions) else None
        if sources.outside_quotes(m.start) and not _in_role(sources.text, m, following):
            found.append(m)
    return found


def _in_role(text: str, mention: Mention, following: Mention | None) -> bool:
    """Whether ``mention`` is a word of the role that ``following`` carries."""
    if following is None or not following.role:
        return False
    gap = text[mention.end : following.start]
    words = text[mention.start : mention.end].lower()
    return len(gap) <= len(following.role) + 2 and words in following.role.lower()
