"""Find names in a text by capitalisation, titles and small gazetteers.

Called by :mod:`.entities` (the public entity list) and :mod:`.quotes` (who
said what). Pure; never raises.

A name is a run of capitalised words joined by single spaces (and by "of",
"for", "de", "van"… between capitalised words). Leading roles and titles are
split off ("Prime Minister Fumio Kishida" is the person "Fumio Kishida" with
the role "prime minister"), a lone capitalised word that opens a sentence is
dropped unless it is a place or a name seen before, and a later "Lagarde" or
"Ms Lagarde" resolves to the full name as first written ("Christine Lagarde").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from .genders import gender_of_first_name
from .lexicon import (
    CITIES,
    COUNTRIES,
    DESCRIPTORS,
    EVENT_WORDS,
    FUNCTION_WORDS,
    LOC_ENDINGS,
    LOC_WORDS,
    MISC_WORDS,
    MONTHS,
    NAME_PARTICLES,
    NATIONALITIES,
    NOT_NAMES,
    NOT_ORGS,
    ORG_WORDS,
    PARTIES,
    ROLE_WORDS,
    TITLE_ABBREVIATIONS,
    TITLES,
    US_STATES,
)

__all__ = ["Mention", "NameIndex", "scan_names"]


def _upper_class() -> str:
    """A character class of every capital letter below U+2000.

    That covers Latin, Greek, Cyrillic, Armenian and Georgian; the scripts
    above it have no capitals, and scanning them costs import time.
    """
    capitals = [cp for cp in range(0x2000) if chr(cp).isupper() or chr(cp).istitle()]
    ranges: list[tuple[int, int]] = []
    for cp in capitals:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "".join(
        re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges
    )


_JOINERS = frozenset({"of", "for", "&"}) | NAME_PARTICLES
# Only capitalised words and joiners: scanning every word in Python is the slow part.
_TOKEN = re.compile(
    rf"(?:[A-Z]\.){{2,}}|(?<![\w'’.-])[A-Z]\.(?= [A-Z][a-z])"  # U.S., the J. of Donald J. Trump
    rf"|(?<![\w'’-])[{_upper_class()}][\w'’&-]*"
    rf"|\b(?:{'|'.join(sorted(_JOINERS))})(?= )"
)
_ROLE_OR_DESCRIPTOR = ROLE_WORDS | DESCRIPTORS
_JOB_SUFFIX = re.compile(r"(?:er|or|ist|ant|ent|ian|naut|man|woman|ee)$")
_PLAIN_WORD = re.compile(r"[A-Za-z][\w-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_OPENER = re.compile(r"(?:^|[.!?…:]\s+|[\"“‘'«„(—–-]\s*|\n)$")
_LINE = re.compile(r"[^\n]+")
_LINE_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_HEADLINE_WORDS = 4  # fewer words may be a name alone on its line
_HEADLINE_CHARS = 200
_POSSESSOR = frozenset({"its", "her", "his", "their", "the"})
_WHEN = frozenset(
    ["last", "next", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One name in the text: ``text[start:end]`` as written, ``name`` canonical."""

    start: int
    end: int
    name: str
    label: str
    role: str | None = None


@dataclass(slots=True)
class NameIndex:
    """Every mention in order, plus the aliases and roles met so far."""

    mentions: list[Mention] = field(default_factory=list)
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)
    roles: list[tuple[int, str, str]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)

    def first_from(self, pos: int) -> int:
        """Index of the first mention starting at or after ``pos``."""
        return bisect_left(self.starts, pos)

    def start_of(self, pos: int) -> int | None:
        """Where the mention holding ``pos`` starts, or ``None`` outside every mention."""
        at = bisect_left(self.starts, pos + 1) - 1
        if at >= 0 and self.mentions[at].end > pos:
            return self.mentions[at].start
        return None

    def resolve_role(self, role: str, before: int) -> str | None:
        """The person most recently introduced with ``role`` before ``before``."""
        exact = [name for pos, r, name in self.roles if pos < before and r == role]
        if exact:
            return exact[-1]
        last = [name for pos, r, name in self.roles if pos < before and role in r.split()]
        return last[-1] if last else None


def scan_names(text: str) -> NameIndex:
    """All mentions of names in ``text``, in order of appearance."""
    index = NameIndex()
    headlines = _headlines(text)
    for start, whole in _runs(text):
        if headlines and _inside(headlines, start):
            continue
        for run in _split_headline(whole):
            for tokens in _split_affiliation(run):
                mention = _classify(text, tokens[0].start(), tokens, index)
                if mention is not None:
                    index.mentions.append(mention)
    index.starts = [m.start for m in index.mentions]
    return index


def _headlines(text: str) -> list[tuple[int, int]]:
    """Lines in title case or capitals ("Trump Fires Back at Critics."): no names are read there.

    Title case: every word longer than three letters capitalised.

    Their capitals say nothing, so "Response To Trump" or "Attacks On Donald
    Trump" would be people; the body names the same people properly.
    """
    found = []
    for line in _LINE.finditer(text):
        words = _LINE_WORD.findall(line.group())
        short = len(words) >= _HEADLINE_WORDS and len(line.group()) < _HEADLINE_CHARS
        if short and all(w[0].isupper() for w in words if len(w) > 3):
            found.append(line.span())
    return found


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    at = bisect_left(spans, (pos + 1, -1)) - 1
    return at >= 0 and spans[at][0] <= pos < spans[at][1]


def _split_headline(tokens: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """ "Carson Dropped a Powerful Response To Trump": a title-case headline is no one name.

    A run is cut at a capitalised function word inside it ("To", "The",
    "And"), which no person's name holds.
    """
    pieces: list[list[re.Match[str]]] = [[]]
    for i, tok in enumerate(tokens):
        if i and tok.group().lower() in FUNCTION_WORDS and tok.group()[0].isupper():
            pieces.append([])
            continue
        pieces[-1].append(tok)
    return [p for p in pieces if p and _capitalised(p[-1].group())]


def _split_affiliation(tokens: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """ "Anna Nowicka of Warsaw University" is a person, then an organisation."""
    words = [t.group() for t in tokens]
    if "of" not in words:
        return [tokens]
    cut = words.index("of")
    head, tail = [w.lower() for w in words[:cut]], [w.lower() for w in words[cut + 1 :]]
    place = " ".join(tail) in US_STATES or " ".join(tail) in COUNTRIES or " ".join(tail) in CITIES
    if len(head) >= 2 and not set(head) & ORG_WORDS and (set(tail) & ORG_WORDS or place):
        return [tokens[:cut], tokens[cut + 1 :]]
    return [tokens]


def _runs(text: str) -> list[tuple[int, list[re.Match[str]]]]:
    """Runs of capitalised tokens, joined by single spaces and joiner words."""
    runs: list[tuple[int, list[re.Match[str]]]] = []
    current: list[re.Match[str]] = []
    for tok in _TOKEN.finditer(text):
        if _capitalised(tok.group()) and _adjacent(text, current, tok):
            current.append(tok)
            continue
        if current and tok.group() in _JOINERS and _adjacent(text, current, tok):
            current.append(tok)
            continue
        _flush(runs, current)
        current = [tok] if _capitalised(tok.group()) else []
    _flush(runs, current)
    return runs


def _capitalised(word: str) -> bool:
    return word[0].isupper()


def _adjacent(text: str, current: list[re.Match[str]], tok: re.Match[str]) -> bool:
    return (
        bool(current)
        and text[current[-1].end() : tok.start()] == " "
        and not (_POSSESSIVE.search(current[-1].group()) and current[-1].group()[-2:] != "'t")
    )


def _flush(runs: list[tuple[int, list[re.Match[str]]]], current: list[re.Match[str]]) -> None:
    while current and not _capitalised(current[-1].group()):
        current.pop()
    if current:
        runs.append((current[0].start(), list(current)))
    current.clear()


def _word(tok: re.Match[str]) -> str:
    return _POSSESSIVE.sub("", tok.group()) if tok.group()[-2:] != "'t" else tok.group()


def _classify(
    text: str, start: int, tokens: list[re.Match[str]], index: NameIndex
) -> Mention | None:
    """Split off roles, then label the rest (or drop it)."""
    while tokens and (tokens[0].group().lower() in NOT_NAMES or _is_compound(tokens[0].group())):
        tokens.pop(0)
    cut = max((i + 1 for i, t in enumerate(tokens[:-1]) if _is_role(t.group())), default=0)
    if not cut and _looks_like_job(text, tokens):
        cut = 1
    while cut and cut < len(tokens) and tokens[cut].group() in _JOINERS:
        # "Secretary of State John Kerry": the role runs through "of State"; "Bank of America"
        # is a name.
        cut = cut + 2 if cut + 2 < len(tokens) else 0
    role_parts = [t.group().lower().rstrip(".") for t in tokens[:cut]]
    tokens = tokens[cut:]
    if tokens and _ends_in_title(text, tokens[-1]):
        return None  # "Former Arizona Gov." before "Jan Brewer": a role, no name
    if (
        len(tokens) > 2
        and tokens[0].group().lower() in PARTIES
        and not any(t.group().lower() in ORG_WORDS for t in tokens)
    ):
        role_parts.append(tokens.pop(0).group().lower())  # "Republican Donald Trump"
    if not tokens:
        return None
    words = [_word(t) for t in tokens]
    first, end = tokens[0].start(), tokens[-1].start() + len(words[-1])
    role = " ".join(role_parts) or _role_before(text, first)
    opens = bool(_OPENER.search(text, max(0, first - 3), first)) and not role_parts
    after_the = not role_parts and text[max(0, first - 4) : first].lower() == "the "
    return _label(words, (first, end), role, (opens, after_the), index)


def _ends_in_title(text: str, tok: re.Match[str]) -> bool:
    """ "Gov." or "Sen." closing a run: the title of the name after the full stop."""
    word = tok.group().lower()
    return text[tok.end() : tok.end() + 1] == "." and (
        word in TITLES or word in TITLE_ABBREVIATIONS
    )


def _looks_like_job(text: str, tokens: list[re.Match[str]]) -> bool:
    """ "Astronaut Christina Koch" opening a sentence: a job title, then a name."""
    if len(tokens) != 3 or not _OPENER.search(
        text, max(0, tokens[0].start() - 3), tokens[0].start()
    ):
        return False
    return bool(_JOB_SUFFIX.search(tokens[0].group()))


def _is_compound(word: str) -> bool:
    """ "Second-placed", "Award-winning": a hyphenated adjective, not a name."""
    parts = word.split("-")
    return len(parts) > 1 and parts[-1][:1].islower()


def _is_role(word: str) -> bool:
    low = word.lower()
    return low in ROLE_WORDS or low in TITLES or low.rstrip(".") in TITLES or low in DESCRIPTORS


def _role_before(text: str, first: int) -> str | None:
    """A lower-case role just before a name: "chief executive Priya Raman".

    After a comma only in "Its president, Luis Navarro": in "a letter to the
    prime minister, Kerr wrote" the role is somebody else's.
    """
    window = text[max(0, first - 60) : first]
    window = window[window.rfind("\n") + 1 :]
    words = window.split(" ")[-4:-1] if window.endswith(" ") else []
    if not words or words[-1].rstrip(",") not in _ROLE_OR_DESCRIPTOR:
        return None
    role = words[-1].rstrip(",")
    if words[-1].endswith(","):
        return role if len(words) > 1 and words[-2].lower() in _POSSESSOR else None
    modifiers: list[str] = []
    for word in reversed(words[:-1]):
        if not _PLAIN_WORD.fullmatch(word) or word.lower() in NOT_NAMES:
            break
        modifiers.insert(0, word.lower())
    return " ".join([*modifiers, role])


def _label(
    words: list[str],
    span: tuple[int, int],
    role: str | None,
    place: tuple[bool, bool],
    index: NameIndex,
) -> Mention | None:
    """Label a name; ``place`` is whether it opens a sentence, and whether "the" precedes it."""
    start, end = span
    name = " ".join(words)
    low = [w.lower() for w in words]
    known = index.aliases.get(name)
    if known is not None:
        return Mention(start, end, known[0], known[1], role)
    label = _gazetteer_label(name, low) or _shape_label(words, role, place[0])
    if label == "PERSON" and place[1] and not gender_of_first_name(words[0]):
        label = "ORG"  # "The Washington Informer", "the Metro Wire": a title, not a person
    if label is None:
        return None
    _remember(index, name, words, label, start, role)
    return Mention(start, end, name, label, role)


def _gazetteer_label(name: str, low: list[str]) -> str | None:
    joined = name.lower()
    if joined in COUNTRIES or joined in CITIES or joined in US_STATES:
        return "GPE"
    if any(w in ORG_WORDS for w in low):
        return "ORG"
    if low[0] in LOC_WORDS or low[-1] in LOC_WORDS or low[-1] in LOC_ENDINGS:
        return "LOC"
    if low[-1] in MISC_WORDS:
        return "MISC"
    if low[-1] in EVENT_WORDS:
        return "EVENT"
    return None


def _shape_label(words: list[str], role: str | None, opens: bool) -> str | None:
    """Label by shape: acronyms are organisations, runs of 2–4 words people.

    A name after a descriptor ("chipmaker Hanjin", "the journal Nature") is an
    organisation; a nationality ("South Korean") is MISC.
    """
    if role and role.split()[-1] in DESCRIPTORS:
        return "ORG"
    if any(w.lower() in NATIONALITIES for w in words):
        return "MISC"
    if any((w.lower() in MONTHS and len(w) > 3) or w.lower() in _WHEN for w in words):
        return None  # "Last November", "Next Tuesday"
    core = [w for w in words if w.lower() not in NAME_PARTICLES]
    if len(core) == 1:
        word = core[0]
        if len(word) >= 2 and word.isupper():
            return "MISC" if word.lower() in NOT_ORGS else "ORG"
        if role or gender_of_first_name(word):
            return "PERSON"  # "a resident named Caroline"
        return None if opens else "MISC"
    if len(core) <= 4 and not any(w.isupper() and len(w) > 1 and w[1] != "." for w in core):
        return "PERSON"
    return "MISC"


def _remember(
    index: NameIndex, name: str, words: list[str], label: str, start: int, role: str | None
) -> None:
    """Record aliases (surname, first word of an organisation) and roles."""
    index.aliases.setdefault(name, (name, label))
    if label == "PERSON" and len(words) > 1:
        index.aliases.setdefault(words[-1], (name, label))
        if not gender_of_first_name(words[0]):  # "Ban" of "Ban Ki-moon": a surname first
            index.aliases.setdefault(words[0], (name, label))
        if role:
            index.roles.append((start, role, name))
    elif label == "ORG" and len(words) > 1 and words[0].lower() not in ORG_WORDS:
        index.aliases.setdefault(words[0], (name, label))
