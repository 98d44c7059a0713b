"""Sentence splitting by rule: ``split_sentences(text) -> list[SentenceSpan]``.

Called by :func:`occasional.analysis.analyze`, the summarisers and the quote
finder. Pure and total: it never raises, and every span indexes ``text``
exactly (``text[s.start:s.end] == s.text``).

A full stop, question or exclamation mark, or an ellipsis ends a sentence
when whitespace follows and the next word does not start in lower case,
except after an abbreviation (``Mr.``, ``Jan.``), an initial (``J. K.``) or
a dotted acronym (``U.S.``) that is not followed by a usual sentence opener.
A closing quote mark or bracket after the stop belongs to the sentence. A
line break always ends a sentence: extracted text keeps one paragraph a line.
"""

from __future__ import annotations

import re

from ..types import SentenceSpan
from .lexicon import ABBREVIATIONS, SENTENCE_STARTERS

__all__ = ["split_sentences"]

_CLOSERS = "\"'”’»)]"
_STOP = re.compile(r"(?:\.\.\.|[.!?…])+[\"'”’»)\]]*(?=\s)")
_WORD_BEFORE = re.compile(r"([\w.'’-]+)$")
_NEXT_WORD = re.compile(r"\s*[\"'“‘«„(\[]*(\S+)")
_LINE = re.compile(r"[^\n]+")


def split_sentences(text: str) -> list[SentenceSpan]:
    """Split ``text`` into sentences; blank input gives an empty list."""
    spans: list[SentenceSpan] = []
    for line in _LINE.finditer(text):
        for start, end in _split_line(text, line.start(), line.end()):
            spans.append(SentenceSpan(text[start:end], start, end))
    return spans


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence bounds within one line, trimmed of surrounding whitespace."""
    bounds: list[tuple[int, int]] = []
    cursor = start
    for stop in _STOP.finditer(text, start, end):
        if _ends_sentence(text, stop.start(), stop.end(), end):
            bounds.append((cursor, stop.end()))
            cursor = stop.end()
    bounds.append((cursor, end))
    return [trimmed for b in bounds if (trimmed := _trim(text, *b))]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _ends_sentence(text: str, stop: int, after: int, line_end: int) -> bool:
    """Whether the stop at ``text[stop:after]`` ends a sentence."""
    following = _NEXT_WORD.match(text, after, line_end)
    if following is None:
        return True
    nxt = following.group(1)
    if nxt[0].islower() or (nxt[0].isdigit() and text[stop] == "."):
        return False
    if text[stop] != ".":
        return True
    word = _word_before(text, stop)
    return not _is_abbreviation(word) or nxt.lower().strip(_CLOSERS) in SENTENCE_STARTERS


def _word_before(text: str, stop: int) -> str:
    match = _WORD_BEFORE.search(text, max(0, stop - 40), stop)
    return match.group(1) if match else ""


def _is_abbreviation(word: str) -> bool:
    """Known abbreviations, single initials and dotted acronyms (U.S, e.g)."""
    bare = word.lower().rstrip(".")
    if bare in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isupper():
        return True
    return "." in word and all(len(part) <= 2 for part in word.split(".") if part)
