"""What the single-pass clusterer reads from a doc: its lead's words, names and numbers.

A doc is title plus lead: word tokens (weighted TF-IDF style later, by
:mod:`.candidates`), plus the names and numbers it mentions (capitalised
words, digit tokens) that must agree for two reports to be one event.
Called once per doc by :func:`occasional.stories.cluster.cluster_stories`.
Pure: no I/O, no clock; nothing raises.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from sys import intern

import numpy as np
from numpy.typing import NDArray

from .text import STOPWORDS, joined_numbers, words_and_names

__all__ = ["DocFeatures", "features", "lead"]

_LEAD_TOKENS = 80


@dataclass(frozen=True, slots=True)
class DocFeatures:
    """What scoring reads from one doc: word counts and its names and numbers."""

    terms: Counter[str]
    keys: frozenset[str]
    published: datetime | None
    figures: frozenset[str] = frozenset()
    vector: NDArray[np.float32] | None = None


def _opening(text: str) -> str:
    return " ".join(text.split(maxsplit=_LEAD_TOKENS)[:_LEAD_TOKENS])


def lead(title: str, text: str) -> str:
    """A doc's title and the first words of its text: what a story is judged on."""
    return f"{title}\n{_opening(text)}"


def features(title: str, text: str, published: datetime | None) -> DocFeatures:
    """Title and lead of one doc as :class:`DocFeatures` (called per doc, pure)."""
    heading, title_names = words_and_names(title)
    body, body_names = words_and_names(_opening(text))
    words = heading + body
    # Title words count twice: a headline names the event on purpose. Counted
    # in C, then filtered once per distinct word (first-seen order kept);
    # one shared string per word keeps a window of docs and stories small.
    counted = Counter(words)
    counted.update(heading)
    terms = Counter({intern(t): n for t, n in counted.items() if t not in STOPWORDS and len(t) > 1})
    figures = joined_numbers(" ".join(words))
    return DocFeatures(terms, title_names | body_names | figures, published, figures)
