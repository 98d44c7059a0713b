"""The language of a page: as declared, else a cheap guess from its text.

Called by :mod:`occasional.extract.page`. Declared values (``<html lang>``,
``og:locale``, ``Content-Language``, JSON-LD ``inLanguage``) are reduced to
their primary subtag (``en-GB`` → ``en``). The guess counts very common
words of a dozen languages; it is meant to tell languages apart for
grouping, not to rival a trained identifier.
"""

from __future__ import annotations

import re

__all__ = ["guess_language", "normalise_language"]

_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")
_WORD = re.compile(r"[^\W\d_]+")


# The most frequent short function words of each language; words shared by
# several languages ("a", "la", "de") are left out so a hit means something.
def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of to is that for with was on are this have from by"),
    "de": _words("der die und das ist nicht mit sich auf dem den ein eine auch"),
    "fr": _words("le les des est et une dans pour qui pas sur au avec du"),
    "es": _words("el los las del que y en por una con para es como pero"),
    "it": _words("il che di della per non sono gli una del con alla anche"),
    "pt": _words("o os que não uma para com da do em dos das mais foi"),
    "nl": _words("het een van en is dat niet op zijn voor met ook maar"),
    "sv": _words("och att det som är för med inte på av till den har"),
    "pl": _words("nie się jest że na do jak ale czy tak przez od"),
    "ru": _words("и в не на что с по как это он она из для"),
    "id": _words("yang dan di ini itu dengan untuk tidak dari dalam akan"),
    "tr": _words("ve bir bu için ile da de çok daha olarak gibi"),
}
_SAMPLE_WORDS = 400
_MIN_HITS = 3


def normalise_language(value: str | None) -> str | None:
    """``en-GB``, ``en_US``, ``EN`` → ``en``; None for anything that is not a tag."""
    if not value:
        return None
    match = _TAG.match(value.strip())
    return match.group(1).lower() if match else None


def guess_language(text: str) -> str | None:
    """The language whose common words are most frequent in ``text``, or None.

    Reads the first few hundred words only; returns None when no language
    scores at least a handful of hits (too little text, or another language).
    """
    words = [word.lower() for word in _WORD.findall(text[:4000])[:_SAMPLE_WORDS]]
    if not words:
        return None
    scores = {lang: sum(word in stop for word in words) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= _MIN_HITS else None
