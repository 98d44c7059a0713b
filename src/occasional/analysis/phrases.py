"""Source phrases: the noun phrase that is the subject of a speech verb.

Called by :mod:`.speakers`. Pure; never raises. Without a parser, a subject
is found by walking from the verb over words a subject phrase may hold:

- backwards from "said" in "Joel Pollak of Breitbart said", "a spokesman for
  the campaign told", "Sen. Ted Cruz (R-Texas) said", skipping what may stand
  between subject and verb ("also", "has"), and an apposition closed by a
  comma ("Hope Hicks, a Trump spokeswoman, said" → Hope Hicks, role "a Trump
  spokeswoman");
- forwards from the verb in "said Hope Hicks, a Trump spokeswoman" and
  "according to a statement from the campaign".

A walk stops at punctuation, quote marks, clause words ("that", "who",
"and"…), prepositions that do not attach inside a source ("in", "on"), time
words ("Monday") and at a determiner that does not follow "of/for/at/from/
with" ("In a statement Monday the company said" → "the company").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import (
    ABBREVIATIONS,
    ATTACHING,
    CLAUSE_WORDS,
    DETERMINERS,
    OPENING_WORDS,
    ROLE_WORDS,
    TIME_WORDS,
    TITLES,
    VERB_PREFIXES,
)

__all__ = ["Phrase", "opens_clause", "phrase_after", "phrase_before", "tokens"]

_TOKEN = re.compile(r"[^\W_](?:[\w'’&-]|\.(?=[^\W_]))*\.?|[^\w\s]")
_MAX_WORDS = 12
_BE = frozenset({"is", "was", "were", "are", "been", "being", "be", "’s"})
_OPENERS = frozenset("([")
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it"})
_CLOSERS = frozenset(")]")


@dataclass(frozen=True, slots=True)
class Phrase:
    """A source phrase ``text[start:end]`` and its apposition (``role``), if any.

    ``passive`` marks a phrase that is the verb's object, not its source
    ("what is typically called …").
    """

    start: int
    end: int
    role: tuple[int, int] | None = None
    passive: bool = False


Token = tuple[int, int, str]  # start, end, lower-case word (a trailing stop dropped)


def tokens(text: str, start: int, end: int) -> list[Token]:
    """Words and punctuation of ``text[start:end]``."""
    found: list[Token] = []
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        low = word.lower()
        if len(low) > 1 and low.endswith(".") and not _abbreviated(low):
            found.append((m.start(), m.end() - 1, low[:-1]))
            found.append((m.end() - 1, m.end(), "."))
        else:
            found.append((m.start(), m.end(), low))
    return found


def _abbreviated(low: str) -> bool:
    bare = low.rstrip(".")
    return bare in ABBREVIATIONS or bare in TITLES or len(bare) == 1 or "." in bare


def _is_word(tok: Token) -> bool:
    return tok[2][0].isalnum()


def phrase_before(text: str, floor: int, verb: int) -> Phrase | None:
    """The subject phrase that ends just before the verb at ``verb``."""
    toks = tokens(text, floor, verb)
    i = len(toks) - 1
    while i >= 0 and (toks[i][2] in VERB_PREFIXES or _adverb(text, toks[i])):
        if toks[i][2] in _BE:
            return _passive(toks, i)
        i -= 1
    role: tuple[int, int] | None = None
    if i >= 0 and toks[i][2] == ",":
        found = _before_apposition(text, toks, i)
        if found is None:
            return None
        i, role = found
        segment = _segment_start(toks, i)
        if toks[segment][2] in DETERMINERS and i - segment < _MAX_WORDS:
            return Phrase(toks[segment][0], toks[i][1], role)  # "A senior official involved in …,"
    if i >= 0 and toks[i][2] in _CLOSERS:  # "Sen. Ted Cruz (R-Texas) said"
        opening = _previous(toks, i - 1, "(")
        i = opening - 1 if opening is not None else i
    first = _walk_back(toks, i)
    if first is None:
        return None
    return Phrase(toks[first][0], toks[i][1], role)


def _before_apposition(
    text: str, toks: list[Token], comma: int
) -> tuple[int, tuple[int, int]] | None:
    """ "Marty West, a professor at Harvard who …, one of …, said": West, and his role.

    The subject is the first comma-separated part of the clause that is not an
    opening phrase ("In an interview,"); what follows it up to the verb is the
    role.
    """
    commas = [j for j in range(comma) if toks[j][2] == "," and _depth(toks, j) == 0]
    starts = [0] + [c + 1 for c in commas]
    for number, start in enumerate(starts):
        end = commas[number] if number < len(commas) else comma
        if start >= end or end == comma or opens_clause(text, toks, start):
            continue
        return end - 1, (toks[end + 1][0], toks[comma - 1][1])
    return None


def _segment_start(toks: list[Token], i: int) -> int:
    while i > 0 and toks[i - 1][2] != ",":
        i -= 1
    return i


def _depth(toks: list[Token], j: int) -> int:
    depth = 0
    for tok in toks[:j]:
        depth += tok[2] in _OPENERS
        depth -= tok[2] in _CLOSERS
    return depth


def opens_clause(text: str, toks: list[Token], i: int) -> bool:
    """Whether ``toks[i]`` starts an opening phrase, not a subject ("In", "Speaking")."""
    word = toks[i][2]
    if not word[0].isalnum() or word in CLAUSE_WORDS or word in OPENING_WORDS:
        return True
    if word in TIME_WORDS:
        return True
    following = toks[i + 1] if i + 1 < len(toks) else None
    return word.endswith("ing") and following is not None and text[following[0]].islower()


def _adverb(text: str, tok: Token) -> bool:
    return tok[2].endswith("ly") and text[tok[0]].islower() and len(tok[2]) > 4


def _passive(toks: list[Token], i: int) -> Phrase | None:
    """ "is typically called": the subject is what is said, not who says it."""
    first = _walk_back(toks, i - 1)
    if first is None:
        return None
    return Phrase(toks[first][0], toks[i - 1][1], passive=True)


def _previous(toks: list[Token], i: int, mark: str) -> int | None:
    """Index of the nearest ``mark`` at or before ``i``, within a clause."""
    while i >= 0:
        word = toks[i][2]
        if word == mark:
            return i
        if not _is_word(toks[i]) and word not in "-’'.&" and mark == ",":
            return None
        i -= 1
    return None


def _walk_back(toks: list[Token], last: int) -> int | None:
    """The first token of the phrase that ends at ``toks[last]``."""
    first: int | None = None
    i = last
    while i >= 0 and last - i < _MAX_WORDS:
        tok = toks[i]
        word = tok[2]
        if not _is_word(tok) and word not in "’'":
            break
        if word in ATTACHING and first is not None:
            i -= 1
            continue
        if word in CLAUSE_WORDS or word in TIME_WORDS or word in ATTACHING:
            break
        first = i
        if word in _SUBJECT_PRONOUNS:  # "a project she described as"
            break
        if word in DETERMINERS:
            if i > 0 and toks[i - 1][2] in ATTACHING:
                i -= 1
                continue
            break
        i -= 1
    if first is not None and toks[first][2] in ATTACHING:
        first += 1
    return first


def phrase_after(text: str, verb_end: int, ceiling: int) -> Phrase | None:
    """The subject phrase just after a verb: "said Hope Hicks, a spokeswoman"."""
    toks = tokens(text, verb_end, ceiling)
    i = 0
    while i < len(toks) and toks[i][2] in VERB_PREFIXES:
        i += 1
    last = _walk_forward(toks, i)
    if last is None:
        return None
    described = text[toks[i][0]].islower()
    role = _apposition(toks, last + 1, text if described else None)
    return Phrase(toks[i][0], toks[last][1], role)


def _walk_forward(toks: list[Token], first: int) -> int | None:
    last: int | None = None
    i = first
    while i < len(toks) and i - first < _MAX_WORDS:
        tok = toks[i]
        word = tok[2]
        if word in _OPENERS and last is not None:  # "said Ted Cruz (R-Texas)"
            close = next((j for j in range(i, len(toks)) if toks[j][2] in _CLOSERS), None)
            if close is None:
                break
            i = close + 1
            continue
        if not _is_word(tok) and word not in "’'":
            break
        if word in ATTACHING:
            if last is None:
                break
            i += 1
            continue
        if (word in CLAUSE_WORDS or word in TIME_WORDS) and word not in DETERMINERS:
            break
        if word in DETERMINERS and last is not None and toks[i - 1][2] not in ATTACHING:
            break
        last = i
        i += 1
    return last


def _apposition(toks: list[Token], i: int, described: str | None = None) -> tuple[int, int] | None:
    """ "…, a spokeswoman for the campaign" after a name: its role.

    After a described source (``described`` is then the text: "said its chief
    executive, Fiona Aldous") the apposition may be the name itself; the
    caller reads which is which.
    """
    if i >= len(toks) or toks[i][2] != "," or i + 1 >= len(toks):
        return None
    head = toks[i + 1][2]
    named = described is not None and described[toks[i + 1][0]].isupper()
    if head not in DETERMINERS and head not in ROLE_WORDS and not named:
        return None
    last = _walk_forward(toks, i + 1)
    return (toks[i + 1][0], toks[last][1]) if last is not None else None
