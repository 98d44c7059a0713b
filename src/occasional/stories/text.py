"""Text normalisation shared by copy detection and story clustering.

Called by :mod:`occasional.stories.copies` (paragraphs, tokens, numbers and
names of a doc's body) and :mod:`occasional.stories.cluster` (tokens and
names of title and lead). Pure functions over strings; nothing raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "STOPWORDS",
    "body_paragraphs",
    "names",
    "numbers",
    "tokens",
    "words_and_names",
]

_WORD = re.compile(r"\w+(?:['.,-]\w+)*")
_DIGIT = re.compile(r"\d")
_NAME = re.compile(r"\b[A-Z][\w'’-]*[A-Za-z0-9]")
# Lines aggregators wrap around a copied article: "Source link", "Read more",
# "Originally published at …", a dateline of the copy, a tagline.
_BOILERPLATE = re.compile(
    r"^(?:source|source link|read more|read the full|originally published|via|"
    r"published|updated|posted|share this|follow us|sign up|subscribe|copyright|©)\b",
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
    raw = _WORD.findall(unicodedata.normalize("NFKC", text).replace("’", "'"))
    lowered = " ".join(raw).lower().split(" ") if raw else []
    found = {
        low.removesuffix("'s") for word, low in zip(raw, lowered, strict=True) if word[0].isupper()
    }
    return lowered, frozenset(w for w in found if w not in STOPWORDS and len(w) > 1)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, compatibility-folded, inner punctuation kept ("9-14", "o'brien")."""
    folded = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return _WORD.findall(folded)


def numbers(words: Iterable[str]) -> frozenset[str]:
    """The tokens that contain a digit, as written ("9-14", "1.2", "2008")."""
    # isalpha() rules out most words at C speed before the regex looks.
    return frozenset(w for w in words if not w.isalpha() and _DIGIT.search(w))


def names(text: str) -> frozenset[str]:
    """Capitalised words, lower-cased, stopwords dropped: a cheap name finder.

    A sentence's first word counts too unless it is a stopword ("The" never
    does); that little noise is the price of needing no model.
    """
    found = {word.lower().replace("’", "'").removesuffix("'s") for word in _NAME.findall(text)}
    return frozenset(w for w in found if w not in STOPWORDS and len(w) > 1)
