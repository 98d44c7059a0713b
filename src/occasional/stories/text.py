"""Text normalisation shared by copy detection and story clustering.

Called by :mod:`occasional.stories.copies` (paragraphs, tokens, numbers and
names of a doc's body) and :mod:`occasional.stories.cluster` (tokens and
names of title and lead). Pure functions over strings; nothing raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import chain
from sys import intern

__all__ = [
    "STOPWORDS",
    "body_paragraphs",
    "fold",
    "joined_numbers",
    "name_set",
    "names",
    "numbers",
    "paragraph_words",
    "tokens",
    "words_and_names",
]

_WORD = re.compile(r"\w+(?:['.,-]\w+)*")
_DIGIT = re.compile(r"\d")
# In tokens joined by single spaces: a token starting with A-Z (the class comes
# first so the engine jumps between capitals), a token with a digit.
_ASCII_CAPITAL = re.compile(r"[A-Z](?<![^ ][A-Z])[^ ]*")
_JOINED_NUMBER = re.compile(r"(?<![^ ])[^ \d]*\d[^ ]*")
_NAME = re.compile(r"\b[A-Z][\w'’-]*[A-Za-z0-9]")
# Lines aggregators wrap around a copied article: "Source link", "Read more",
# "Originally published at …", a dateline of the copy, a tagline.
_BOILERPLATE = re.compile(
    r"^(?:source|source link|read more|read the full|originally published|via|"
    r"published|updated|posted|share this|follow us|sign up|subscribe|copyright|©|"
    r"(?:additional )?reporting by|editing by|writing by)\b",
    re.IGNORECASE,
)
#: Lines shorter than this many words are headers, taglines or footers.
MIN_PARAGRAPH_WORDS = 8

_STOPWORD_TEXT = """a about after again against all also am an and any are as at be
    because been before
    being between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours said says say told according
    new one two year years also week day today yesterday mr mrs ms"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def body_paragraphs(text: str) -> list[str]:
    """The paragraphs that carry an article's content, boilerplate lines dropped.

    Falls back to every non-empty line when the filter would leave nothing
    (a one-line text is its own content).
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    kept = [line for line in lines if _is_content(line)]
    return kept or lines


def _is_content(line: str) -> bool:
    if _BOILERPLATE.match(line):
        return False
    return len(line.split()) >= MIN_PARAGRAPH_WORDS


def words_and_names(text: str) -> tuple[list[str], frozenset[str]]:
    """:func:`tokens` and :func:`names` of a text in one regex pass (the hot path)."""
    raw = _WORD.findall(fold(text))
    if not raw:
        return [], frozenset()
    joined = " ".join(raw)
    return joined.lower().split(" "), name_set(joined, raw)


def paragraph_words(paragraphs: Sequence[str]) -> tuple[str, list[int], frozenset[str]]:
    """All paragraphs' :func:`tokens` as one string, and how many each paragraph has.

    The string is the lower-cased tokens joined by single spaces (split it
    on " " for the list); the third value is the :func:`words_and_names`
    names of all paragraphs. One join and one ``lower`` for the whole text.
    """
    raws = [_WORD.findall(fold(p)) for p in paragraphs]
    flat = list(chain.from_iterable(raws))
    joined = " ".join(flat)
    return joined.lower(), [len(r) for r in raws], name_set(joined, flat) if flat else frozenset()


def fold(text: str) -> str:
    """Compatibility-folded text with typographic apostrophes made plain (ASCII passes as is)."""
    if text.isascii():  # ASCII is already NFKC and has no "’": skip the scan
        return text
    return unicodedata.normalize("NFKC", text).replace("’", "'")


def name_set(joined: str, raw: Sequence[str]) -> frozenset[str]:
    """The names among word tokens ``raw`` (``joined`` is them joined by single spaces).

    A name is a token whose first character is upper case, lower-cased,
    possessive dropped, stopwords and single letters left out.
    """
    if joined.isascii():  # then "upper case first" is [A-Z], found in C
        capitals: Iterable[str] = _ASCII_CAPITAL.findall(joined)
    else:
        capitals = [word for word in raw if word[0].isupper()]
    together = " ".join(capitals).lower()
    # One shared string per name: a window of docs mentions the same few.
    if "'s" in together:  # a possessive somewhere: drop it word by word
        found = {intern(word.removesuffix("'s")) for word in together.split(" ")}
    else:
        found = set(map(intern, together.split(" "))) if capitals else set()
    return frozenset(w for w in found if w not in STOPWORDS and len(w) > 1)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, compatibility-folded, inner punctuation kept ("9-14", "o'brien")."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return _WORD.findall(folded)


def numbers(words: Iterable[str]) -> frozenset[str]:
    """The tokens that contain a digit, as written ("9-14", "1.2", "2008").

    See :func:`joined_numbers` for tokens already joined by single spaces.
    """
    # isalpha() rules out most words at C speed before the regex looks.
    return frozenset(w for w in words if not w.isalpha() and _DIGIT.search(w))


def joined_numbers(joined: str) -> frozenset[str]:
    """:func:`numbers` of tokens joined by single spaces, found by one regex scan in C."""
    # Most text has few figures: rule them out in C first (ten substring
    # searches are quicker than a regex scan; other scripts' digits need it).
    if not (
        any(map(joined.__contains__, "0123456789"))
        or (not joined.isascii() and _DIGIT.search(joined))
    ):
        return frozenset()
    return frozenset(map(intern, _JOINED_NUMBER.findall(joined)))


def names(text: str) -> frozenset[str]:
    """Capitalised words, lower-cased, stopwords dropped: a cheap name finder.

    A sentence's first word counts too unless it is a stopword ("The" never
    does); that little noise is the price of needing no model.
    """
    found = {word.lower().replace("’", "'").removesuffix("'s") for word in _NAME.findall(text)}
    return frozenset(w for w in found if w not in STOPWORDS and len(w) > 1)
