"""Who said a quote: attribution windows, speech verbs and speaker resolution.

Called by :mod:`.quotes`. Pure; never raises.

The rules, in order: a speech verb just after the quote ("“…,” X said",
"“…,” said X"), else one before it in the same sentence ("X said: “…”",
"He called it “…”"). The subject nearest the verb wins, people before
organisations; pronouns resolve to the most recent person (or, for "it", the
most recent organisation), roles ("the minister") to the person last
introduced with that role, and documents ("the statement read") to the most
recent organisation.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .lexicon import ORG_NOUNS, ROLE_WORDS, SPEECH_VERBS
from .names import Mention, NameIndex

__all__ = ["Attribution", "Context", "attribute", "note_speech_subjects"]

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SPEECH_VERB = re.compile(
    r"(?<![\w'’-])(?:" + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True)) + r")(?![\w'’-])",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(he|she|it|they|we|the \d+-year-old)\b", re.IGNORECASE)
_NOUNS = "|".join(sorted(ROLE_WORDS | ORG_NOUNS))
_ROLE_NP = re.compile(
    rf"\b(?:the|its|a|an|his|her|their)\s+(?:[a-z-]+\s+){{0,2}}?({_NOUNS})\b", re.IGNORECASE
)
_DOCUMENTS = frozenset({"statement", "report", "study", "ruling", "company", "firm"})
_Candidate = tuple[int, str, str, int]
_FAR = 1 << 62  # sorts after any real offset
_LOOK_BACK = 300  # mentions searched for a pronoun's or role's antecedent
_AFTER_REACH = 8  # words: "“…,” chief operating officer Mark Jensen said"
_SUBJECT_REACH = 40  # characters after a verb that may hold its subject


@dataclass(frozen=True, slots=True)
class Attribution:
    """The outcome: whether a speech verb attributes the quote, and to whom."""

    attributed: bool
    speaker: str | None


@dataclass(slots=True)
class Context:
    """What attribution reads: the text, its names, and ranges inside quotes.

    ``subjects`` lists (position, person) for every speech verb outside quotes
    whose subject is a person: "he said" prefers the last of them in its
    paragraph over any other person named since.
    """

    text: str
    names: NameIndex
    quoted: list[tuple[int, int]]
    subjects: list[tuple[int, str]] = field(default_factory=list)

    def outside_quotes(self, pos: int) -> bool:
        """Whether ``pos`` lies outside every quote (``quoted`` is sorted)."""
        at = bisect_right(self.quoted, (pos, _FAR)) - 1
        return at < 0 or not self.quoted[at][0] <= pos < self.quoted[at][1]


def attribute(
    ctx: Context, before: tuple[int, int], after: tuple[int, int], after_first: bool
) -> Attribution:
    """Attribute a quote from the windows of text ``before`` and ``after`` it.

    ``after_first`` is true when the quote hands over to its attribution
    (“…,” she said): then the words after it are read first.
    """
    rules = (_from_after, _from_before) if after_first else (_from_before, _from_after)
    for rule in rules:
        found = rule(ctx, before, after)
        if found is not None:
            return found
    return Attribution(False, None)


def note_speech_subjects(ctx: Context, clauses: list[tuple[int, int]]) -> None:
    """Record the person subject of each speech verb in ``clauses`` (outside quotes)."""
    for start, end in clauses:
        for verb in _verbs(ctx.text, start, end):
            people = [c for c in _candidates(ctx, start, verb.start(), False) if c[1] == "PERSON"]
            if people:
                ctx.subjects.append((people[-1][0], people[-1][2]))
    ctx.subjects.sort()


def _from_after(
    ctx: Context, before: tuple[int, int], after: tuple[int, int]
) -> Attribution | None:
    verb = _first_verb(ctx.text, *after, limit=_AFTER_REACH)
    if verb is None:
        return None
    speaker = _subject(ctx, after[0], verb) or _object_subject(ctx, verb, after[1])
    if speaker is None and not _WORD.search(ctx.text, verb[1], after[1]):
        return None  # a bare noun after a title: the so-called "lithium killer" claims
    return Attribution(True, speaker)


def _from_before(
    ctx: Context, before: tuple[int, int], after: tuple[int, int]
) -> Attribution | None:
    back = _last_verb(ctx.text, *before)
    return Attribution(True, _subject(ctx, before[0], back)) if back is not None else None


def _verbs(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_SPEECH_VERB.finditer(text, start, end))


def _first_verb(text: str, start: int, end: int, limit: int) -> tuple[int, int] | None:
    words = list(_WORD.finditer(text, start, end))[:limit]
    verb = next((w for w in words if w.group().lower() in SPEECH_VERBS), None)
    if verb is not None:
        return verb.span()
    at = text[start : min(end, start + 40)].lower().find("according to")
    return (start + at, start + at + len("according to")) if at >= 0 else None


def _last_verb(text: str, start: int, end: int) -> tuple[int, int] | None:
    verbs = _verbs(text, start, end)
    return verbs[-1].span() if verbs else None


def _subject(ctx: Context, start: int, verb: tuple[int, int]) -> str | None:
    """The nearest resolvable subject before the verb, people first."""
    candidates = _skip_appositives(ctx.text, _candidates(ctx, start, verb[0]))
    people = [c for c in candidates if c[1] == "PERSON"]
    chosen = people or candidates
    return chosen[-1][2] if chosen else None


def _skip_appositives(text: str, found: list[_Candidate]) -> list[_Candidate]:
    """Drop names inside "Amina Diallo, executive secretary of the UN…, said"."""
    kept: list[_Candidate] = []
    shadow = -1
    for cand in found:
        if cand[0] < shadow:
            continue
        kept.append(cand)
        if cand[1] == "PERSON" and text.startswith(",", cand[3]):
            comma = text.find(",", cand[3] + 1)
            shadow = comma if comma != -1 else shadow
    return kept


def _object_subject(ctx: Context, verb: tuple[int, int], end: int) -> str | None:
    """A subject just after the verb: "said Costa", "said the professor"."""
    stop = min(end, verb[1] + _SUBJECT_REACH)
    found = [c for c in _candidates(ctx, verb[1], stop, pronouns=False) if c[1] != "GPE"]
    return found[0][2] if found else None


def _candidates(ctx: Context, start: int, end: int, pronouns: bool = True) -> list[_Candidate]:
    """(start, label, resolved name, end) of every possible subject in a window."""
    found: list[_Candidate] = []
    for m in _mentions_in(ctx.names, start, end):
        if m.label in ("PERSON", "ORG"):
            found.append((m.start, m.label, m.name, m.end))
    if pronouns:
        for p in _PRONOUN.finditer(ctx.text, start, end):
            found.extend(_resolved(p.span(), _pronoun(ctx, p.group().lower(), p.start())))
    for np in _ROLE_NP.finditer(ctx.text, start, end):
        found.extend(_resolved(np.span(), _role(ctx, np.group(1).lower(), np.start())))
    return sorted(found)


def _resolved(span: tuple[int, int], hit: tuple[str, str] | None) -> list[_Candidate]:
    return [(span[0], hit[1], hit[0], span[1])] if hit else []


def _mentions_in(names: NameIndex, start: int, end: int) -> list[Mention]:
    found: list[Mention] = []
    for m in names.mentions[names.first_from(start) :]:
        if m.start >= end:
            break
        if m.end <= end:
            found.append(m)
    return found


def _pronoun(ctx: Context, word: str, pos: int) -> tuple[str, str] | None:
    if word in ("he", "she") or word.endswith("year-old"):
        paragraph = ctx.text.rfind("\n", 0, pos) + 1
        last = bisect_left(ctx.subjects, (pos, "")) - 1
        if last >= 0 and ctx.subjects[last][0] >= paragraph:
            return (ctx.subjects[last][1], "PERSON")
        return _latest(ctx, pos, "PERSON")
    if word == "it":
        return _latest(ctx, pos, "ORG")
    return None


def _role(ctx: Context, noun: str, pos: int) -> tuple[str, str] | None:
    person = ctx.names.resolve_role(noun, pos)
    if person is not None:
        return (person, "PERSON")
    if noun in _DOCUMENTS:
        return _latest(ctx, pos, "ORG")
    if noun in ORG_NOUNS:
        return _latest(ctx, pos, "ORG", containing=noun)
    return None


def _latest(
    ctx: Context, pos: int, label: str, containing: str | None = None
) -> tuple[str, str] | None:
    """The most recent mention with ``label`` before ``pos``, outside quotes."""
    stop = ctx.names.first_from(pos)
    for m in reversed(ctx.names.mentions[max(0, stop - _LOOK_BACK) : stop]):
        if m.label != label or not ctx.outside_quotes(m.start):
            continue
        if containing is None or containing in m.name.lower():
            return (m.name, label)
    return None
