"""Text normalisation shared by copy detection and story clustering.

Called by :mod:`occasional.stories.copies` (paragraphs, tokens, numbers and
names of a doc's body) and :mod:`occasional.stories.cluster` (tokens and
names of title and lead). Pure functions over strings; nothing raises.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "STOPWORDS",
    "body_paragraphs",
    "names",
    "numbers",
    "tokens",
]

_WORD = re.compile(r"[^\W_]+(?:['’.,-][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d")
_NAME = re.compile(r"\b[A-Z][\w'’-]*[A-Za-z0-9](?:\s+[A-Z][\w'’-]*[A-Za-z0-9])*")
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


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, accents folded, inner punctuation kept ("9-14", "o'brien")."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return [match.group().replace("’", "'") for match in _WORD.finditer(folded)]


def numbers(text: str) -> frozenset[str]:
    """The tokens of ``text`` that contain a digit, as written ("9-14", "1.2", "2008")."""
    return frozenset(tok for tok in tokens(text) if _NUMBER.search(tok))


def names(text: str) -> frozenset[str]:
    """Capitalised words not at a sentence start, lower-cased: a cheap name finder.

    A capitalised word after a sentence end counts only when it is not a
    stopword ("The" never does), so no model is needed.
    """
    found: set[str] = set()
    for match in _NAME.finditer(text):
        for word in match.group().split():
            low = word.lower().replace("’", "'")
            if low not in STOPWORDS and len(low) > 1:
                found.add(low.removesuffix("'s"))
    return frozenset(found)
