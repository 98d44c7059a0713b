"""Direct quotes and their speakers: ``find_quotes(text) -> list[Quote]``.

Called by :func:`occasional.analysis.analyze` and by the digest. Pure; never
raises. Every quote is verbatim: ``text[q.start:q.end] == q.text``, the words
without their quote marks (a trailing comma belongs to the sentence and is
left out; a full stop inside the marks stays).

What counts as a quote:

- any quoted passage a speech verb attributes ("said", "told", "called it",
  "described … as", "according to"), however short: a partial quote like
  He called it “a historic mistake” is a quote of his;
- an unattributed passage of four words or more, which in news copy is a
  quote continuing the previous speaker's (or, failing that, of the person
  last named);
- never a title of a work or a name ("Death of a Salesman", “Oma”): every
  significant word capitalised and no closing full stop;
- never a short (one to three words) unattributed phrase: a scare quote
  ("extended deterrence") or a term ("quantitative tightening").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

from ..types import Quote
from .limits import capped
from .names import NameIndex, scan_names
from .parsed import Parse, parse_regions, source_phrase
from .quotemarks import Marked, is_title, pair_quote_marks
from .sentences import split_sentences
from .speakers import Context, attribute, make_context, note_speech_subjects, read_phrase

__all__ = ["find_quotes", "quotes_with_names"]

_MIN_UNATTRIBUTED_WORDS = 4
_FAR = 1 << 62  # sorts after any real offset
_WORDS = re.compile(r"[^\W_][\w'’-]*")


def find_quotes(text: str) -> list[Quote]:
    """Every direct quote in ``text`` with its speaker (``None`` when unknown)."""
    text = capped(text)
    return quotes_with_names(text, scan_names(text))


def quotes_with_names(text: str, names: NameIndex, parser: Any = None) -> list[Quote]:
    """:func:`find_quotes` with the names already scanned (``analyze`` shares them).

    With a spaCy ``parser`` the source phrase of each cue comes from a
    dependency parse of the quote's sentence; the rules read it when the
    parse finds none.
    """
    marks = list(pair_quote_marks(text))
    bounds = _sentence_bounds(text)
    ctx = make_context(text, names, [(m.start, m.end) for m in marks], [b[0] for b in bounds])
    note_speech_subjects(ctx, _unquoted(bounds, ctx.quoted))
    quotes: list[Quote] = []
    spoken = [m for m in marks if m.end > m.start and not is_title(text[m.start : m.end])]
    windows = [_windows(text, spoken, number, bounds) for number in range(len(spoken))]
    parse = _parse(parser, text, bounds, windows)
    for number, mark in enumerate(spoken):
        before, after = windows[number]
        hands_over = _hands_over(text, mark)
        phrase = None
        if parse is not None:
            span = (mark.start, mark.end)
            phrase = source_phrase(
                parse, text, span, windows[number], hands_over, _inside(ctx), names.start_of
            )
        if phrase is not None:
            found = read_phrase(ctx, phrase)
        else:
            found = attribute(ctx, before, after, hands_over)
        if found.attributed:
            speaker = found.speaker or _same_subject(quotes, spoken, number, before)
            role = found.role if found.speaker else None
            quotes.append(Quote(text[mark.start : mark.end], speaker, mark.start, mark.end, role))
        elif _stands_alone(text, mark, quotes):
            speaker = _continued(ctx, quotes, mark)
            quotes.append(Quote(text[mark.start : mark.end], speaker, mark.start, mark.end))
    return quotes


def _inside(ctx: Context) -> Callable[[int], bool]:
    return lambda pos: not ctx.outside_quotes(pos)


def _parse(
    parser: Any,
    text: str,
    bounds: list[tuple[int, int]],
    windows: list[tuple[tuple[int, int], tuple[int, int]]],
) -> Parse | None:
    """Parse the whole sentences that hold each quote and its attribution."""
    if parser is None or not windows:
        return None
    regions = []
    for before, after in windows:
        first = _sentence_of(bounds, before[0])
        last = _sentence_of(bounds, max(after[1] - 1, after[0]))
        regions.append((min(first[0], before[0]), max(last[1], after[1])))
    return parse_regions(parser, text, regions)


def _unquoted(
    bounds: list[tuple[int, int]], quoted: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Sentences cut at quotes: the clauses the narrator speaks."""
    clauses: list[tuple[int, int]] = []
    for start, end in bounds:
        cursor = start
        first = bisect_left(quoted, (start, -1))
        if first and quoted[first - 1][1] > start:
            first -= 1  # a sentence that starts inside a quote ("Wow. I love that.")
        for q_start, q_end in quoted[first:]:
            if q_start >= end:
                break
            clauses.append((cursor, q_start))
            cursor = max(cursor, q_end)
        clauses.append((cursor, end))
    return [(s, e) for s, e in clauses if e > s]


def _hands_over(text: str, mark: Marked) -> bool:
    """“…,” she said / „…“, he said / “…?” she asked: attribution follows."""
    tail = text[mark.end : mark.mark_end + 2]
    if "," in tail:
        return True
    return text[mark.end - 1 : mark.end] in "?!" and tail[-1:] not in ("\n", "")


def _stands_alone(text: str, mark: Marked, quotes: list[Quote]) -> bool:
    """Unattributed but a quote: long, or a whole sentence after a quote."""
    if _word_count(text, mark) >= _MIN_UNATTRIBUTED_WORDS:
        return True
    words = text[mark.start : mark.end]
    whole = words[0].isupper() and words[-1] in ".!?…"
    return whole and bool(quotes) and "\n" not in text[quotes[-1].end : mark.start]


def _same_subject(
    quotes: list[Quote], marks: list[Marked], number: int, before: tuple[int, int]
) -> str | None:
    """“A” and said “B”: with no subject of its own, B shares A's sentence and speaker."""
    if quotes and number > 0 and before[0] == marks[number - 1].mark_end:
        return quotes[-1].speaker if quotes[-1].end == marks[number - 1].end else None
    return None


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in split_sentences(text)]


def _windows(
    text: str, marks: list[Marked], number: int, bounds: list[tuple[int, int]]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The text of the quote's sentence before its marks and after them.

    ``marks`` are the quotes only: a quoted title inside the sentence does not
    cut it ("Trump says in the spot titled "Dangerous," pledging to "…"").
    """
    mark = marks[number]
    start = _sentence_of(bounds, mark.mark_start)[0]
    if start == mark.mark_start and text[:start].rstrip().endswith(":"):
        start = _sentence_of(bounds, len(text[:start].rstrip()) - 1)[0]  # "X said:¶“…”"
    if number > 0:
        start = max(start, marks[number - 1].mark_end)
    end = _sentence_of(bounds, max(mark.mark_end - 1, mark.mark_start))[1]
    if end == mark.mark_end and text[mark.end - 1 : mark.end] in "?!":
        end = _sentence_of(bounds, end + 1)[1]  # “…?” Sanders asked.
    if number + 1 < len(marks):
        end = min(end, marks[number + 1].mark_start)
    end = max(end, mark.mark_end)
    return (start, mark.mark_start), (mark.mark_end, end)


def _sentence_of(bounds: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    at = bisect_right(bounds, (pos, _FAR)) - 1
    if at >= 0 and bounds[at][0] <= pos < bounds[at][1]:
        return bounds[at]
    return pos, pos


def _word_count(text: str, mark: Marked) -> int:
    return len(_WORDS.findall(text, mark.start, mark.end))


def _continued(ctx: Context, quotes: list[Quote], mark: Marked) -> str | None:
    """An unattributed quote continues the last speaker's words.

    That is when it shares the last quote's paragraph; else the source of the
    last speech verb since that quote ("Schoen elaborated in an editorial:");
    else the last speaker again when nobody else was named since; otherwise
    the person last named.
    """
    since = quotes[-1].end if quotes else 0
    if quotes and "\n" not in ctx.text[since : mark.start]:
        return quotes[-1].speaker
    spoken = [s for s in ctx.between(since, mark.start) if s.kind in ("PERSON", "ORG")]
    if spoken:  # "Schoen elaborated in an editorial …" ¶ “…”
        return spoken[-1].speaker
    between = ctx.names.mentions[ctx.names.first_from(since) : ctx.names.first_from(mark.start)]
    people = [m.name for m in between if m.label == "PERSON" and ctx.outside_quotes(m.start)]
    if quotes and all(name == quotes[-1].speaker for name in people):
        return quotes[-1].speaker
    return people[-1] if people else None
