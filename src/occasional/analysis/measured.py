"""What a figure with a unit measures, read from the words before it.

Called by :mod:`.figures` when no "of" phrase follows the figure. Pure;
never raises. "The central bank raised its key rate to 4.25%" measures "its
key rate"; "The weather station at Dunmore airfield recorded 41.2C" measures
"The weather station at Dunmore airfield": skip back over the preposition
("to", "at", "by") and the verb before the figure, then take the noun phrase
that ends there (:mod:`.phrases` walks it).
"""

from __future__ import annotations

import re

from .phrases import phrase_before, tokens

__all__ = ["measured"]

_LINKS = frozenset(
    [
        "to",
        "at",
        "by",
        "from",
        "of",
        "about",
        "around",
        "nearly",
        "almost",
        "roughly",
        "some",
        "than",
        "over",
        "under",
        "above",
        "below",
        "just",
        "only",
        "up",
        "down",
    ]
)
_VERBS = frozenset(
    [
        "rose",
        "fell",
        "hit",
        "reached",
        "recorded",
        "was",
        "is",
        "were",
        "are",
        "stood",
        "climbed",
        "dropped",
        "jumped",
        "raised",
        "cut",
        "lowered",
        "set",
        "lost",
        "gained",
        "grew",
        "topped",
        "totalled",
        "totaled",
        "soared",
        "slumped",
        "slipped",
        "increased",
        "decreased",
        "remained",
        "held",
        "kept",
        "peaked",
        "eased",
        "rise",
        "fall",
        "rises",
        "falls",
        "raises",
        "cuts",
        "stay",
        "stays",
        "stayed",
        "be",
        "been",
        "must",
        "should",
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "has",
        "have",
        "had",
        "costs",
        "cost",
        "reach",
        "hits",
        "exceed",
        "exceeded",
    ]
)
_PREPOSITIONS = frozenset(
    ["to", "at", "by", "from", "of", "than", "over", "under", "above", "below"]
)
_SENTENCE = re.compile(r"[.!?…]\s|\n")
_REACH = 120  # characters before a figure that may hold what it measures


def measured(text: str, start: int) -> str | None:
    """The noun phrase a figure at ``start`` measures, or ``None``."""
    floor = max(0, start - _REACH)
    stops = [m.end() for m in _SENTENCE.finditer(text, floor, start)]
    floor = stops[-1] if stops else floor
    toks = tokens(text, floor, start)
    if toks and toks[-1][2].endswith(("'s", "’s")):  # "to Kerr's 44.1 percent": whose share
        return _owner(text, toks)
    i = len(toks) - 1
    while i >= 0 and toks[i][2] in _LINKS:
        i -= 1
    linked = any(t[2] in _PREPOSITIONS for t in toks[i + 1 :])
    # "raised its key rate to 4.25%", not "Linford lies some 60 kilometres north"
    object_first = i >= 0 and toks[i][2] not in _VERBS
    if object_first and not linked:
        return None
    if object_first:  # "raised its key rate to 4.25%": the phrase between verb and "to"
        phrase = phrase_before(text, floor, toks[i][1] + 1) if i + 1 < len(toks) else None
        by = _index_at(toks, phrase.start) - 1 if phrase else -1
        if phrase and by > 0 and toks[by][2] == "by":  # "cut its rate by a quarter point to 4%"
            phrase = phrase_before(text, floor, toks[by - 1][1] + 1)
        return _clean(text, phrase.start, phrase.end) if phrase else None
    while i > 0 and toks[i - 1][2] in _VERBS:  # "must stay below 1.5C"
        i -= 1
    if i < 0:
        return None
    phrase = phrase_before(text, floor, toks[i][0])
    return _clean(text, phrase.start, phrase.end) if phrase else None


def _owner(text: str, toks: list[tuple[int, int, str]]) -> str | None:
    """The capitalised words ending in the possessive just before a figure."""
    first = len(toks) - 1
    while first > 0 and text[toks[first - 1][0]].isupper():
        first -= 1
    return _clean(text, toks[first][0], toks[-1][1]) if text[toks[-1][0]].isupper() else None


def _index_at(toks: list[tuple[int, int, str]], pos: int) -> int:
    return next((n for n, tok in enumerate(toks) if tok[0] == pos), 0)


def _clean(text: str, start: int, end: int) -> str | None:
    words = text[start:end].strip(" ,")
    return words if words and any(c.isalpha() for c in words) else None
