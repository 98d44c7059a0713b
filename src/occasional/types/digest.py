"""A digest, as renderers and the JSON output see it: story cards and their parts.

Each card has its summary, quotes, figures and sources. Made by the digest
stage; re-exported by :mod:`occasional.types`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .analysis import Entity, Figure, Quote

__all__ = [
    "Digest",
    "DigestItem",
    "DigestSource",
    "SummarySentence",
]


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """One sentence of a story's summary and the article it came from."""

    text: str
    article: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class DigestSource:
    """One article of a story as a digest lists it."""

    url: str
    title: str
    source: str
    original: bool = False
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story card of a digest.

    ``quotes`` are :class:`Quote` re-anchored to an article id (``article``
    below names it per quote); ``status`` is ``"new"`` or ``"updated"``.
    """

    id: str
    headline: str
    reasons: tuple[str, ...]
    summary: tuple[SummarySentence, ...]
    quotes: tuple[tuple[Quote, str], ...] = ()
    figures: tuple[Figure, ...] = ()
    entities: tuple[Entity, ...] = ()
    sources: tuple[DigestSource, ...] = ()
    score: float = 0.0
    status: str = "new"
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    top: bool = False


@dataclass(frozen=True, slots=True)
class Digest:
    """A digest for one profile. ``quiet`` is the one line shown on a quiet day."""

    profile: str
    generated: datetime
    items: tuple[DigestItem, ...]
    top: tuple[DigestItem, ...] = ()
    quiet: str | None = None
    id: str | None = None
