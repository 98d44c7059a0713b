"""What analysis finds in one text: summary sentences, quotes, figures, entities.

Their offsets index that text. Made by :func:`occasional.analysis.analyze`;
re-exported by :mod:`occasional.types`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Analysis",
    "Entity",
    "Figure",
    "Quote",
    "SentenceSpan",
]


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """A sentence of a text; ``text == source[start:end]``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote, verbatim, and who said it (``None`` when unknown).

    ``start``/``end`` index the quoted words without the quote marks.
    ``speaker`` is a name as first written in full ("Donald J. Trump"), or the
    phrase the article uses when it names nobody ("a spokeswoman"); ``role``
    is what the article says the speaker is ("a Trump spokeswoman"), if it does.
    """

    text: str
    speaker: str | None
    start: int
    end: int
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A key figure: a number, its unit, and what it counts.

    ``text`` is the phrase as written ("54,000 US military personnel"),
    ``value`` the number (54000.0), ``unit`` e.g. ``"percent"``, ``"USD"`` or
    ``None``, ``counts`` what is counted ("US military personnel in Japan"),
    either as written after the number (then part of ``text``) or as a short
    label read from the sentence ("the key rate", "fall in Quillpay"); ``None``
    when the sentence does not say, and then a story card leaves it out.
    """

    text: str
    value: float
    unit: str | None
    counts: str | None
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity: ``label`` is PERSON, ORG, GPE, LOC, EVENT or MISC."""

    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything :func:`occasional.analysis.analyze` finds in one text."""

    summary: tuple[SentenceSpan, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    entities: tuple[Entity, ...] = ()
