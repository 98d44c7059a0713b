"""Checking a generated summary against its sources: quotes verbatim, numbers present.

:class:`~occasional.digest.llm.LLMSummarizer` calls :func:`summary_problem`
on every answer; any problem means the extractive summary is kept. The checks
are deliberately literal: a model may paraphrase, but it may not put words in
quote marks that nobody wrote, nor state a number no article states.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..types import SummarySentence
from .text import normalise_space

__all__ = ["numbers_in", "quoted_spans", "summary_problem"]

# Straight double quotes, curly double and single quotes, guillemets; a straight
# single quote is an apostrophe far more often than a quote mark, so it is not one.
_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’|«([^»]+)»")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def quoted_spans(text: str) -> list[str]:
    """The spans of ``text`` inside quote marks, whitespace collapsed."""
    spans = []
    for match in _QUOTED.finditer(text):
        span = next(group for group in match.groups() if group is not None)
        spans.append(normalise_space(span))
    return [span for span in spans if span]


def numbers_in(text: str) -> set[str]:
    """Every number written in ``text``, as written and without thousands separators."""
    found = set()
    for match in _NUMBER.finditer(text):
        found.add(match.group())
        found.add(match.group().replace(",", ""))
    return found


def summary_problem(
    sentences: Sequence[SummarySentence], articles: Mapping[str, str]
) -> str | None:
    """What is wrong with ``sentences`` given ``articles`` (id → text), or ``None``.

    Every sentence must name one of the articles; every quoted span must occur
    verbatim in some article; every number must occur in some article.
    """
    corpus = "\n".join(normalise_space(text) for text in articles.values())
    numbers = numbers_in(corpus)
    for sentence in sentences:
        if sentence.article not in articles:
            return f"sentence cites unknown article {sentence.article!r}"
        for span in quoted_spans(sentence.text):
            if span not in corpus:
                return f"quote not found in any article: {span[:80]!r}"
        for number in _NUMBER.findall(sentence.text):
            if number not in numbers and number.replace(",", "") not in numbers:
                return f"number not found in any article: {number!r}"
    return None
