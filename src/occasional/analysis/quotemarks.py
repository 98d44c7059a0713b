"""Pair quote marks: where quoted passages start and end.

Called by :mod:`.quotes`. Pure; never raises. Double marks come in four
families (``"…"``, ``“…”``, ``„…“`` and ``«…»``); single marks (``‘…’`` and
``'…'``) are paired only outside double-quoted passages, so a quote inside a
quote stays part of it, and only at word edges, so apostrophes are left alone.

A paragraph that ends inside an open quote continues into the next paragraph
when that one opens with a quote mark (the newspaper convention for a quote
running over several paragraphs); otherwise the quote ends with its
paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import STOPWORDS

__all__ = ["Marked", "is_title", "pair_quote_marks", "titles"]

_CLOSERS = {'"': '"”', "“": '”"', "„": "“”", "«": "»"}
_DOUBLE = re.compile(r'["“”„«»]')
_SINGLE_MARK = re.compile(r"['‘]")
_SINGLE_REST = re.compile(r"(?=[^\s'‘’])(?P<body>[^\n]*?[^\s'‘])(?P<close>['’])(?![^\W_])")
_OPENS_AFTER = frozenset(" \t\n\r([—–-")
_PARA = re.compile(r"[^\n]+")
_WORDS = re.compile(r"[^\W_][\w'’-]*")


@dataclass(frozen=True, slots=True)
class Marked:
    """A quoted passage: ``start``/``end`` bound the words, ``mark_*`` the marks."""

    start: int
    end: int
    mark_start: int
    mark_end: int


@lru_cache(maxsize=8)
def pair_quote_marks(text: str) -> tuple[Marked, ...]:
    """Every quoted passage in ``text``, in order (cached: quotes and entities both ask)."""
    doubles = _pair_doubles(text)
    singles = [m for m in _pair_singles(text) if not _inside(m, doubles)]
    return tuple(sorted(doubles + singles, key=lambda m: m.start))


_Open = tuple[str, int, int]  # the mark, where its words start, where the mark is


def _pair_doubles(text: str) -> list[Marked]:
    found: list[Marked] = []
    paras = [_lstrip(text, m.start(), m.end()) for m in _PARA.finditer(text)]
    paras = [(start, end) for start, end in paras if start < end]
    opener: _Open | None = None
    for number, (start, end) in enumerate(paras):
        skip = start + 1 if opener is not None else start
        for mark in _DOUBLE.finditer(text, skip, end):
            opener = _step(mark, opener, found)
        if opener is not None and not _continues(text, paras, number, opener[0]):
            found.append(_marked(text, opener, end, end))
            opener = None
    return found


def _lstrip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _continues(text: str, paras: list[tuple[int, int]], number: int, mark: str) -> bool:
    """Whether the next paragraph opens with the same mark (a continued quote)."""
    return number + 1 < len(paras) and text[paras[number + 1][0]] == mark


def _step(mark: re.Match[str], opener: _Open | None, found: list[Marked]) -> _Open | None:
    """Advance the open/closed state by one mark, recording closed quotes."""
    char = mark.group()
    if opener is None:
        return (char, mark.end(), mark.start()) if char in _CLOSERS else None
    if char in _CLOSERS[opener[0]]:
        found.append(_marked(mark.string, opener, mark.start(), mark.end()))
        return None
    return opener


def _marked(text: str, opener: _Open, end: int, mark_end: int) -> Marked:
    """Trim whitespace and a trailing comma, which belongs to the sentence."""
    start = opener[1]
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return Marked(start, end, opener[2], mark_end)


def _pair_singles(text: str) -> list[Marked]:
    """Single-quoted passages: an opening mark at a word's start, a closing one at an end."""
    found: list[Marked] = []
    resume = 0
    for mark in _SINGLE_MARK.finditer(text):
        at = mark.start()
        if at < resume or (at > 0 and text[at - 1] not in _OPENS_AFTER):
            continue  # inside the last quote, or an apostrophe (it's, O'Neill)
        rest = _SINGLE_REST.match(text, at + 1)
        if rest is not None:
            found.append(_marked(text, (mark.group(), at + 1, at), rest.end("body"), rest.end()))
            resume = rest.end()
    return found


def _inside(mark: Marked, outer: list[Marked]) -> bool:
    return any(o.mark_start <= mark.mark_start and mark.mark_end <= o.mark_end for o in outer)


def is_title(words: str) -> bool:
    """A title or name: significant words all capitalised, no closing stop."""
    if words[-1] in ".!?…" or not words[0].isupper():
        return False
    significant = [w for w in _WORDS.findall(words) if w.lower() not in STOPWORDS]
    return all(w[0].isupper() or w[0].isdigit() for w in significant)


def titles(text: str) -> list[Marked]:
    """Quoted titles of works and names ("Death of a Salesman", “Oma”)."""
    return [
        m for m in pair_quote_marks(text) if m.end > m.start and is_title(text[m.start : m.end])
    ]
