"""Text functions the digest stage shares: words, names, hosts, phrase matching.

Ranking runs over every candidate story, so these stay cheap: one compiled
regular expression per set of phrases, no per-phrase scans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["PhraseMatcher", "host_of", "keywords", "normalise_space", "proper_names"]

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SPACE = re.compile(r"\s+")
_LONG_WORD = re.compile(r"[^\W_]{3,}")
_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?(\[[^\]/]*\]|[^/?#:]*)")

# A short list is enough: keywords feed diversity and feedback learning, where
# a stray common word only dilutes a weight, it never decides alone.
_STOPWORDS_TEXT = """a about after again against all also an and any are as at be because been
    before
    being between both but by can could did do does during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most
    my new no nor not now of off on once only or other our out over own says said same she
    should so some such than that the their them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with
    would you your amid year years day days week weeks"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def keywords(text: str) -> set[str]:
    """Lower-cased content words of ``text`` (three letters or more, no stopwords, no numbers).

    Apostrophes split words, so "Japan's" gives "japan".
    """
    return {
        word
        for word in _LONG_WORD.findall(text.lower())
        if word not in _STOPWORDS and not word[0].isdigit()
    }


def proper_names(title: str) -> set[str]:
    """Capitalised words of a headline, the first word excepted (it is capitalised anyway)."""
    names = set()
    for index, match in enumerate(_WORD.finditer(title)):
        word = match.group().strip("'’-")
        if index and word[:1].isupper() and word.lower() not in _STOPWORDS:
            names.add(word.lower())
    return names


def host_of(url: str | None) -> str:
    """The host of ``url`` in lower case without a leading ``www.`` ('' when none).

    A regular expression rather than ``urlsplit``: ranking asks this for every
    article, and only the host is wanted.
    """
    match = _HOST.match(url) if url else None
    if match is None:
        return ""
    return match.group(1).strip("[]").lower().removeprefix("www.")


class PhraseMatcher:
    """Finds which of a fixed set of phrases occur in a text, as whole words, ignoring case.

    Built once per profile; :meth:`find` is one regular-expression scan however
    many phrases there are. Whitespace inside a phrase matches any whitespace.
    """

    __slots__ = ("_by_key", "_firsts", "_pattern")

    def __init__(self, phrases: Iterable[str]) -> None:
        self._by_key: dict[str, str] = {}
        for phrase in phrases:
            clean = normalise_space(phrase)
            if clean:
                self._by_key.setdefault(clean.lower(), clean)
        keys = sorted(self._by_key, key=len, reverse=True)
        # A cheap substring test on each phrase's first word rules most texts out
        # before the regular expression (with its word boundaries) has to run.
        self._firsts = tuple({key.split(" ")[0] for key in keys})
        body = "|".join(r"\s+".join(map(re.escape, key.split(" "))) for key in keys)
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE) if keys else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def find(self, text: str, *, lowered: bool = False) -> set[str]:
        """The phrases (as the profile spelled them) that occur in ``text``.

        Pass ``lowered=True`` for text already in lower case, to save a pass.
        """
        if self._pattern is None or not text:
            return set()
        if not lowered:
            text = text.lower()
        if not any(first in text for first in self._firsts):
            return set()
        found = {match.lower() for match in self._pattern.findall(text)}
        keys = {key if key in self._by_key else normalise_space(key) for key in found}
        return {self._by_key[key] for key in keys if key in self._by_key}
