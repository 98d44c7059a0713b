"""Key figures: ``find_figures(text) -> list[Figure]``.

Called by :func:`occasional.analysis.analyze` and the digest. Pure; never
raises; ``text[f.start:f.end] == f.text``.

A figure is a number with what it measures: "54,000 US military personnel in
Japan" (54000, no unit, counts "US military personnel in Japan"), "2 percent
of GDP" (2, ``percent``, "of GDP"), "$1.2 billion" (1.2e9, ``USD``), "€300m",
"3.5%", "12 million people", "two-thirds of voters". A range ("3,000 to
4,000", "between 3 and 5 percent") is one figure valued at its low end.

A measure written as a word ("25 yards", "30 points", "10 times") is a
unit: what it measures comes from the sentence (:mod:`.measured`), as for
"41.2C" or "$14 million"; so does the noun after money or a percentage ("a
$250,000 fine", "a 2.8 per cent discount", "$20 billion in farm products").

Left out on purpose: years (a bare 1000–2100), dates ("25 May"), times
("4:30", "10am"), time frames ("over 18 months", "10 years ago", "the first
half of 2020"), ordinals ("89th"), page, flight and reference numbers,
numbers in a name or a model ("type 2", "Block 1B", "5500M", "802.11ax",
"30fps"), phone numbers, numbers with a leading zero, scores or votes written
as a falling pair ("2-1", "7–4"), and anything outside a line of prose (a
table row, a heading, a list of ingredients).
"""

from __future__ import annotations

import re

from ..types import Figure
from .lexicon import MONTHS
from .limits import capped
from .measured import measured

__all__ = ["find_figures"]

# Currency marks and words, and the ISO code each stands for.
CURRENCIES = {
    "$": "USD", "us$": "USD", "c$": "CAD", "a$": "AUD", "€": "EUR", "£": "GBP", "¥": "JPY",
    "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
    "yen": "JPY", "usd": "USD", "eur": "EUR", "gbp": "GBP",
}  # fmt: skip
MAGNITUDES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
# Units by how they are written, and the name a Figure carries.
UNITS = {
    "%": "percent", "percent": "percent", "per cent": "percent",
    "percentage points": "percentage points", "percentage point": "percentage points",
    "km/h": "km/h", "mph": "mph", "km": "km", "kilometres": "km", "kilometers": "km",
    "metres": "m", "meters": "m", "miles": "miles", "hectares": "hectares",
    "tonnes": "tonnes", "tonne": "tonnes", "tons": "tonnes", "kg": "kg", "kilograms": "kg",
    "degrees": "degrees", "°c": "°C", "c": "°C", "°f": "°F", "hours": "hours",
    "days": "days", "weeks": "weeks", "months": "months", "years": "years",
    "minutes": "minutes", "people": None,
}  # fmt: skip
FRACTIONS = {
    "half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "one-third": 1 / 3,
    "two-thirds": 2 / 3, "two thirds": 2 / 3, "a quarter": 0.25, "one quarter": 0.25,
    "three-quarters": 0.75, "three quarters": 0.75,
}  # fmt: skip

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT_WORDS = "|".join(sorted((re.escape(u) for u in UNITS if u != "people"), key=len)[::-1])
_FIGURE = re.compile(
    rf"(?<![\w.,/:-])(?P<between>between\s)?(?P<cur>US\$|C\$|A\$|[$€£¥])?"
    rf"(?P<num>{_NUM})"
    rf"(?:\s?(?:-|–|to|and)\s?(?:US\$|C\$|A\$|[$€£¥])?(?P<num2>{_NUM}))?"
    rf"(?:\s?(?P<mag>thousand|million|billion|trillion|bn|mn|tn|m|k|b)\b)?"
    rf"(?:\s?(?P<unit>{_UNIT_WORDS}|dollars|euros|pounds|yen)(?![\w]))?",
    re.IGNORECASE,
)
_FRACTION = re.compile(
    r"\b(" + "|".join(sorted(FRACTIONS, key=len)[::-1]) + r")\s+of\b", re.IGNORECASE
)
_COUNT_WORD = re.compile(r"[ \t]*([^\W\d_][\w'’-]*|\d[\w,.]*)")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_COUNT_STOPS = _set(
    "a an and are as at be been but by can could did do does for from had has have he "
    "her his is it its last more next or over per said says she since than that the their "
    "them these they this those to under up was were which who will with would "
    "about after before while when where against each every out into along across near "
    "through between toward towards around amid despite during via down off onto within "
    "without because so if then also still just now only all some most both a year ago "
    "overnight earlier later today yesterday tomorrow daily annually apiece higher lower "
    "one two three four five six seven eight nine ten eleven twelve dozen"
)
# Verbs that follow a counted noun in news copy ("people face", "runners took part").
_COMMON_VERBS = _set(
    "face faces faced took take takes make makes made go goes went get gets got remain "
    "remains rose rise rises fell fall falls lost lose won win wins need needs want wants "
    "live lives work works come comes came left leave leaves stay stays say died die "
    "signed voted joined received receive earn earns paid pay pays use used"
)
_DETERMINERS = _set("the a an its their his her our this that these those")
# Participles that follow money as a verb, not as what it buys ("had $20 billion done").
_PARTICIPLES = _set("done gone made taken given seen known spent left set put held kept won")
# Measures written as words: a figure in one says what it measures only in context.
_MEASURES = _set(
    "yard yards foot feet inch inches point points time times second seconds min mins "
    "mile cm mm ml litre litres liter liters gallon gallons acre acres ounce ounces gram "
    "grams fps kph gw mw kw gb tb mb hz ps tbsp tsp cup cups basis"
)
_DURATIONS = _set("hours days weeks months years minutes seconds min mins")
# Words before a duration that make it a time frame, not a key figure ("over 18 months").
_FRAME_BEFORE = _set(
    "over within for during in after before since next past last following coming "
    "previous first final"
)
_FRAME_SKIP = _set("the a more less than nearly about almost around just up to some only")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')]*(?:\s|$)")
_FRAME_AFTER = re.compile(r"\s+(?:ago|later|earlier|old|before|after|from now)\b", re.I)
_REFERENCE_NAMES = (
    r"type|group|block|phase|stage|level|grade|class|category|version|series|model|tier|"
    r"division|round|step|season|episode|volume|vol|part|act|track|lane|channel|district|"
    r"ward|zone|exit|highway|interstate"
)
_PREPOSITIONS = frozenset({"of", "in", "on", "for"})
_WEEKDAYS = _set("monday tuesday wednesday thursday friday saturday sunday")
_REFERENCE = re.compile(
    r"\b(?:page|pages|p|pp|no|nos|number|reference|ref|flight|route|room|chapter|section|"
    r"article|call|phone|dial|tel|telephone|hotline|line|platform|gate|bus|code|"
    rf"aged|age|score|scored|at|{_REFERENCE_NAMES})\.?\s*$",
    re.IGNORECASE,
)
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)\s+$")
_PHONE = re.compile(r"\+?\d[\d ()-]{7,}\d")
_MAX_COUNT_WORDS = 6


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order."""
    text = capped(text)
    phones = [m.span() for m in _PHONE.finditer(text) if _looks_like_phone(m.group())]
    found = [f for m in _FIGURE.finditer(text) if (f := _figure(text, m, phones)) is not None]
    found.extend(_fractions(text))
    return sorted(found, key=lambda f: f.start)


def _looks_like_phone(digits: str) -> bool:
    return digits.count(" ") + digits.count("-") >= 2 and "," not in digits


def _figure(text: str, m: re.Match[str], phones: list[tuple[int, int]]) -> Figure | None:
    if _excluded(text, m, phones) or not _in_prose(text, m.start()):
        return None
    value = _number(m.group("num")) * MAGNITUDES.get((m.group("mag") or "").lower(), 1.0)
    unit, end = _unit(m), m.end()
    if unit is None and m.group("mag") is None and (measure := _measure_word(text, end)):
        unit, end = measure
    start = m.start("cur") if m.group("cur") else m.start("num")
    if m.group("between"):
        start = m.start()
    if unit == "times" or (unit in _DURATIONS and _time_frame(text, start, end)):
        return None  # "50 times the level": a ratio to something else; "over 18 months": when
    counts_span = _counts(text, end, _after_mode(m, unit))
    if unit is None and counts_span is None and m.group("mag") is None:
        return None  # a bare number says nothing on a story card
    if counts_span:
        return Figure(text[start : counts_span[1]], value, unit, text[slice(*counts_span)], start,
                      counts_span[1])  # fmt: skip
    return Figure(text[start:end], value, unit, measured(text, start, unit), start, end)


def _in_prose(text: str, pos: int) -> bool:
    """Whether ``pos`` is in a sentence that ends on its line, not a table row or heading."""
    end = text.find("\n", pos)
    return _SENTENCE_END.search(text, pos, len(text) if end < 0 else end) is not None


def _measure_word(text: str, pos: int) -> tuple[str, int] | None:
    """ "25 yards", "9 basis points": a measure written as a word (not "yards of cable")."""
    m = re.match(r"[ \t]?(basis points|[^\W\d_]+)\b(?![ \t]+of\b)", text[pos : pos + 40])
    if m is None or m.group(1).lower().split()[0] not in _MEASURES:
        return None
    return m.group(1).lower(), pos + m.end()


def _time_frame(text: str, start: int, end: int) -> bool:
    """ "over 18 months", "within 12 months", "10 years ago": when, not how much."""
    if _FRAME_AFTER.match(text, end):
        return True
    before = re.split(r"[.!?;:]\s", text[max(0, start - 40) : start])[-1]
    for word in reversed(re.findall(r"[\w'’]+", before.lower())[-5:]):
        if word not in _FRAME_SKIP:
            return word in _FRAME_BEFORE
    return False


def _after_mode(m: re.Match[str], unit: str | None) -> str:
    """What may follow a figure as what it counts: see :func:`_counts`."""
    if m.group("cur") or unit in set(CURRENCIES.values()):
        return "money"
    return "noun" if unit in (None, "percent") else "of"


def _number(raw: str) -> float:
    return float(raw.replace(",", ""))


def _unit(m: re.Match[str]) -> str | None:
    if m.group("cur"):
        return CURRENCIES[m.group("cur").lower()]
    unit = (m.group("unit") or "").lower()
    if unit in CURRENCIES:
        return CURRENCIES[unit]
    return UNITS.get(unit) if unit else None


def _excluded(text: str, m: re.Match[str], phones: list[tuple[int, int]]) -> bool:
    """Years, dates, times, ordinals, references, phones, leading zeros, scores."""
    raw, after = m.group("num"), text[m.end("num") : m.end("num") + 6]
    if raw.startswith("0") and not raw.startswith("0."):
        return True
    if re.match(r"(?:st|nd|rd|th)\b|:\d|\s?[ap]\.?m\b|-year-old|\s?o['’]clock", after, re.I):
        return True
    if _in_a_name(text, m) or _list_number(text, m) or _model_number(text, m):
        return True
    if _is_year(m) or _is_date(text, m) or _is_score(m):
        return True
    bare = not (m.group("cur") or m.group("mag") or m.group("unit"))
    if bare and _REFERENCE.search(text, max(0, m.start() - 20), m.start()):
        return True
    return any(s <= m.start() < e for s, e in phones)


def _in_a_name(text: str, m: re.Match[str]) -> bool:
    """ "Phase 3", "Apollo 11": a bare number after a capitalised word inside a sentence."""
    if m.group("cur") or m.group("unit") or m.group("mag"):
        return False
    before = text[max(0, m.start() - 30) : m.start()]
    word = _WORD_BEFORE.search(before)
    if word is None or not word.group(1)[0].isupper():
        return False
    ahead = before[: word.start()].rstrip()
    return bool(ahead) and ahead[-1] not in '.!?:\n"“'


def _model_number(text: str, m: re.Match[str]) -> bool:
    """ "5500M", "Block 1B", "802.11ax", "30fps", "4K": letters glued to a number, not a unit."""
    if text[m.end() : m.end() + 1].isalpha():
        return True
    mag = m.group("mag")
    return bool(mag) and not m.group("cur") and m.start("mag") == m.end("num")


def _list_number(text: str, m: re.Match[str]) -> bool:
    """ "1. Preheat the oven", "2) Mix": a number that opens a line and a list item."""
    line = text.rfind("\n", 0, m.start()) + 1
    return not text[line : m.start()].strip() and text[m.end("num") : m.end("num") + 1] in ".)"


def _is_year(m: re.Match[str]) -> bool:
    raw = m.group("num")
    plain = raw.isdigit() and len(raw) == 4 and 1000 <= int(raw) <= 2100
    return plain and not (m.group("cur") or m.group("mag") or m.group("unit"))


def _is_date(text: str, m: re.Match[str]) -> bool:
    if not m.group("num").isdigit() or not 1 <= int(m.group("num")) <= 31:
        return False
    before = text[max(0, m.start() - 12) : m.start()].split()
    after = text[m.end("num") : m.end("num") + 12].split()
    near = [w.strip(".,").lower() for w in before[-1:] + after[:1]]
    return any(w in MONTHS or w in {"may"} for w in near)


def _is_score(m: re.Match[str]) -> bool:
    second = m.group("num2")
    return second is not None and _number(second) < _number(m.group("num"))


def _counts(text: str, pos: int, mode: str = "noun") -> tuple[int, int] | None:
    """What the figure counts: the noun phrase after it, one preposition deep.

    ``mode`` says what may follow: ``"of"`` only an "of" phrase, as after a
    unit ("12 km of cycle lanes": the unit already says what a bare "6.2
    metres" measures); ``"noun"`` a noun phrase ("400,000 residents", "a 40
    percent wage increase"); ``"money"`` also one opened by "in"
    ("$20 billion in farm products").
    """
    if mode == "of" and not re.match(r"\s+of\b", text[pos : pos + 4]):
        return None
    openers = {"of", "in"} if mode == "money" else {"of"}
    words: list[tuple[int, int]] = []
    preposition_used = False
    for w in _COUNT_WORD.finditer(text, pos):
        if w.start() != pos or len(words) >= _MAX_COUNT_WORDS or w.group(1)[0].isdigit():
            break
        word = w.group(1).lower()
        previous = text[words[-1][0] : words[-1][1]].lower() if words else ""
        if previous in _PREPOSITIONS and word in _DETERMINERS:
            pass
        elif word in _PREPOSITIONS:
            if preposition_used or not (words or word in openers):
                break
            preposition_used = True
        elif word in _COUNT_STOPS or not _is_noun_like(word, previous, preposition_used):
            break
        words.append(w.span(1))
        pos = w.end()
    while words and text[words[-1][0] : words[-1][1]].lower() in _PREPOSITIONS | _DETERMINERS:
        words.pop()
    if not words or text[words[-1][0] : words[-1][1]].lower() in {"one", "ones"}:
        return None  # "12 of the best ones": ones of what?
    return (words[0][0], words[-1][1])


def _is_noun_like(word: str, previous: str, in_phrase: bool) -> bool:
    """Crude: a verb form ends the phrase, unless a preposition leads to it.

    "of protected cycle lanes" and "of extra spending" go on; "people were
    evacuated" and "runners took part" stop.
    """
    if word in MONTHS or word in _WEEKDAYS or word in _COMMON_VERBS or word in _PARTICIPLES:
        return False
    if word.endswith("ing"):
        return in_phrase
    return not word.endswith("ed") or previous in _PREPOSITIONS


def _fractions(text: str) -> list[Figure]:
    found: list[Figure] = []
    for m in _FRACTION.finditer(text):
        counts = _counts(text, m.end(1))
        if counts is None or not _in_prose(text, m.start()):
            continue  # "half of 2020", "the first half of next year": when, not how much
        value = FRACTIONS[m.group(1).lower()]
        what: str | None = text[m.end(1) + 1 : counts[1]].strip()
        if what and what.split()[-1].lower() in _MEASURES:  # "a quarter of a percentage point"
            what = measured(text, m.start(), "fraction")
        found.append(Figure(text[m.start() : counts[1]], value, "fraction", what, m.start(),
                            counts[1]))  # fmt: skip
    return found
