"""What a figure with a unit measures, read from the grammar of its sentence.

Called by :mod:`.figures` when no phrase after the figure says what it counts.
Pure; never raises. Returns a short label, or ``None`` when the sentence does
not say (a card then leaves the figure out rather than show it bare):

- the subject of a verb of level: "Turnout was 63 percent", "Inflation hit
  3.5%" → "Turnout", "Inflation";
- the object of a change *to* a level: "raised its key rate to 4.25%" → "the
  key rate";
- a change *by* an amount, named by the change: "Quillpay fell 7.2 percent",
  "cut its rate by a quarter point", "slowed clinical decline by 27 percent"
  → "fall in Quillpay", "cut in the rate", "slowing of clinical decline";
- "X of N" and "X at N": "a budget of $27 million", "put the cost at $2bn";
- "Y's N percent" → "Y's share".

A noun phrase *with* a threshold ("readings above 40C", "more than $3bn")
says what was compared, not what the figure is, and yields nothing; so do
labels that are only a generic word ("the value", "a maximum"), a pronoun
("My people", "it") or a verb form ("spending more"). A leading possessive
pronoun becomes "the" ("its key rate" → "the key rate"): on a card it would
have nothing to refer to.
"""

from __future__ import annotations

import re

from .phrases import phrase_before, tokens

__all__ = ["measured"]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words between a figure and the word that governs it: "rose to", "fell by nearly".
_LINKS = _set(
    "to at by from of about around nearly almost roughly some just only up down "
    "than over under above below more less fewer least as much many close near"
)
_THRESHOLDS = _set("than over under above below more less fewer least")
_PREPOSITIONS = _set("to at by of")  # "from 4.5%" is a level left behind, not a value
_VERBS = _set(
    "hit reached recorded was is were are stood topped totalled totaled remained held kept "
    "peaked set be been must should will would could can may might has have had costs cost "
    "reach hits exceed exceeded stay stays stayed put puts estimated valued"
)
# Verbs of change, and the noun that names the change when a figure is its amount.
CHANGES = {
    "rose": "rise", "rise": "rise", "rises": "rise", "risen": "rise", "climbed": "rise",
    "jumped": "jump", "soared": "surge", "surged": "surge", "grew": "growth", "gained": "gain",
    "added": "gain", "increased": "increase", "raised": "rise", "raises": "rise",
    "fell": "fall", "fall": "fall", "falls": "fall", "fallen": "fall", "dropped": "drop",
    "declined": "decline", "slipped": "fall", "slumped": "slump", "sank": "fall",
    "tumbled": "fall", "plunged": "plunge", "lost": "loss", "shed": "loss", "eased": "easing",
    "cut": "cut", "cuts": "cut", "lowered": "cut", "reduced": "cut", "decreased": "decrease",
    "slowed": "slowing", "slashed": "cut", "trimmed": "cut",
}  # fmt: skip
_OF_CHANGES = frozenset({"slowing", "easing"})  # "slowing of decline", not "slowing in"
_PRONOUNS = _set(
    "i we you he she it they me us him them this that these those which who what there my "
    "our your "
    "something anything everything nothing one"
)
_POSSESSIVES = _set("its their his her")  # "my", "our", "your": the writer's, unknown
_GENERIC = _set(
    "value maximum minimum total number amount figure sum level rate average record share "
    "drop rise increase fall cut change gain loss price cost peak high low one ones"
)
# Verbs of instruments, and what a reading in each unit is a reading of.
_MEASURING = _set("recorded measured registered logged")
_QUANTITIES = {"°C": "temperature", "°F": "temperature", "degrees": "temperature",
               "km/h": "wind speed", "mph": "wind speed", "kph": "wind speed"}  # fmt: skip
_SESSIONS = _set("closed ended finished opened traded")  # "closed down 7.2%": a change
_MONEY = _set("USD EUR GBP JPY CAD AUD")
_SENTENCE = re.compile(r"[.!?…]\s|\n")
_REACH = 120  # characters before a figure that may hold what it measures
_MAX_LABEL_WORDS = 8

Token = tuple[int, int, str]


def measured(text: str, start: int, unit: str | None = None) -> str | None:
    """A short label for what the figure at ``start`` measures, or ``None``."""
    floor = max(0, start - _REACH)
    stops = [m.end() for m in _SENTENCE.finditer(text, floor, start)]
    floor = stops[-1] if stops else floor
    toks = tokens(text, floor, start)
    if toks and toks[-1][2].endswith(("'s", "’s")):  # "to Kerr's 44.1 percent": whose share
        return _owner(text, toks) if unit == "percent" else None
    i = len(toks) - 1
    while i >= 0 and toks[i][2] in _LINKS:
        i -= 1
    links = {t[2] for t in toks[i + 1 :]}
    if i < 0:
        return None
    word = toks[i][2]
    if word in _VERBS or word in CHANGES or word in _SESSIONS:
        return _from_verb(text, floor, toks, i, links, unit)
    if links & _THRESHOLDS or "from" in links or not links & _PREPOSITIONS:
        return None  # "readings above 40C", "lies some 60 kilometres north"
    return _from_object(text, floor, toks, i, links)


def _from_verb(
    text: str, floor: int, toks: list[Token], i: int, links: set[str], unit: str | None
) -> str | None:
    """ "Turnout was 63 percent"; "Quillpay fell 7.2 percent" (a change: its amount)."""
    if "from" in links:
        return None  # "lowered it to 4.25% from 4.5%": a level left behind
    change = CHANGES.get(toks[i][2]) if "to" not in links else None
    if toks[i][2] in _SESSIONS:  # "the stock closed down 7.2 percent"
        change = "fall" if "down" in links else "rise" if "up" in links else None
        if change is None:
            return None
    verb = toks[i][2]
    quantity = _QUANTITIES.get(unit or "") if verb in _MEASURING else None
    while i > 0 and (toks[i - 1][2] in _VERBS or toks[i - 1][2] in CHANGES):  # "has fallen"
        i -= 1
    phrase = phrase_before(text, floor, toks[i][0])
    if phrase is None:
        return None
    if quantity:  # "the weather station at Dunmore recorded 41.2C": the temperature at Dunmore
        place = re.search(r"\s((?:at|in) [A-Z].*)$", text[phrase.start : phrase.end])
        return f"the {quantity} {place.group(1)}" if place else None
    if change and unit in _MONEY:  # "the startup raised $1.2bn": not a rise in the startup
        label = _label(text, phrase.start, phrase.end)
        return f"{verb} by {label}" if label else None
    return _label(text, phrase.start, phrase.end, change)


def _from_object(text: str, floor: int, toks: list[Token], i: int, links: set[str]) -> str | None:
    """ "raised its key rate to 4.25%", "a budget of $27 million", "cut its rate by 0.25%"."""
    phrase = phrase_before(text, floor, toks[i][1] + 1)
    if phrase is None:
        return None
    at = _index_at(toks, phrase.start)
    if at > 1 and toks[at - 1][2] == "by" and "to" in links:  # "cut its rate by 0.25% to 4%"
        phrase = phrase_before(text, floor, toks[at - 2][1] + 1)
        if phrase is None:
            return None
        at = _index_at(toks, phrase.start)
    if at > 2 and toks[at - 1][2].endswith("ing") and toks[at - 2][2] == "of":
        head = phrase_before(text, floor, toks[at - 3][1] + 1)  # "the cost of mending the bridge"
        at = _index_at(toks, head.start) if head else at
    verb = next((k for k in range(i, at - 2, -1) if k >= 0 and toks[k][2] in CHANGES), None)
    if verb is not None and verb < i:  # "Veltrimab slowed clinical decline by": the object
        at = verb + 1
    if links != {"by"}:
        return _label(text, toks[at][0], phrase.end)
    if verb is None:
        return None  # "won by 3 points": by how much, but of what?
    return _label(text, toks[at][0], phrase.end, CHANGES[toks[verb][2]])


def _owner(text: str, toks: list[Token]) -> str | None:
    """ "Kerr's share": the capitalised words ending in the possessive before a figure."""
    first = len(toks) - 1
    while first > 0 and text[toks[first - 1][0]].isupper():
        first -= 1
    if not text[toks[-1][0]].isupper():
        return None
    return f"{text[toks[first][0] : toks[-1][1]]} share"


def _index_at(toks: list[Token], pos: int) -> int:
    return next((n for n, tok in enumerate(toks) if tok[0] == pos), 0)


def _label(text: str, start: int, end: int, change: str | None = None) -> str | None:
    """The phrase as a card label, or ``None`` when it says nothing on its own."""
    words = text[start:end].strip(" ,").split()
    while words and words[0].lower() in _LINKS:  # "down from a peak of 9.1%": "a peak"
        words.pop(0)
    if not words or len(words) > _MAX_LABEL_WORDS:
        return None
    first = words[0].lower()
    if first in _PRONOUNS:
        return None
    if first in _POSSESSIVES:
        words[0] = "the"
    elif first in {"the", "a", "an"}:
        words[0] = first
    elif len(words) > 1 and _sentence_initial(text, start) and _common_word(text, words[0]):
        words[0] = words[0].lower()  # "Consumer prices" at a sentence's start
    if not _says_something(words) or any(w.strip(".,").replace(",", "").isdigit() for w in words):
        return None
    phrase = " ".join(words)
    if change is None:
        return phrase
    return f"{change} {'of' if change in _OF_CHANGES else 'in'} {phrase}"


def _common_word(text: str, word: str) -> bool:
    """A word the text also writes in lower case (so not a name)."""
    return (
        word[1:].islower()
        and re.search(rf"(?<![.!?]\s)\b{re.escape(word.lower())}\b", text) is not None
    )


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \"“‘'(")
    return not before or before[-1] in ".!?…\n—:"


def _says_something(words: list[str]) -> bool:
    """A noun to name what is measured: not a verb form, an adverb or a generic word alone."""
    last = words[-1].lower().strip(".,;:")
    if not any(c.isalpha() for c in last):
        return False
    verb_form = last.endswith(("ed", "ly")) and not last.endswith("eed") and len(last) > 4
    if verb_form or last in _THRESHOLDS or last in _LINKS:
        return False
    content = [w for w in words if w.lower() not in {"the", "a", "an"}]
    return not (len(content) == 1 and content[0].lower() in _GENERIC)
