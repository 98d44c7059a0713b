"""Memory across digests: a fingerprint per story card, and what changed since.

Storage keeps :func:`card_fingerprint` of every card it delivered (story id →
fingerprint, read back as :class:`~occasional.digest.model.Memory`). The
builder compares a new card with it: the same story returns only when enough
is new (outlets, figures, quotes), and then says what in its reasons.

A fingerprint is readable rather than opaque (``1;<outlets>;<figures>;<quotes>``,
each a sorted list of short hashes) so that the difference can be counted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..types import DigestItem
from .text import normalise_space

__all__ = ["CardChange", "UpdateRule", "card_fingerprint", "change_reason", "compare"]

_VERSION = "1"


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()


def _parts(item: DigestItem) -> tuple[set[str], set[str], set[str]]:
    outlets = {_hash(source.source.lower()) for source in item.sources}
    figures = {_hash(f"{figure.value:g}|{figure.unit or ''}") for figure in item.figures}
    quotes = {_hash(normalise_space(quote.text).lower()) for quote, _ in item.quotes}
    return outlets, figures, quotes


def card_fingerprint(item: DigestItem) -> str:
    """A short string that changes when the card gains or loses outlets, figures or quotes.

    Storage calls it for each delivered item and keeps the result per story.
    """
    return ";".join([_VERSION, *(",".join(sorted(part)) for part in _parts(item))])


@dataclass(frozen=True, slots=True)
class CardChange:
    """How many outlets, figures and quotes a card has that its last shown version lacked."""

    new_sources: int
    new_figures: int
    new_quotes: int


@dataclass(frozen=True, slots=True)
class UpdateRule:
    """How much must be new before a story already shown appears again."""

    min_new_sources: int = 2
    min_new_figures: int = 1
    min_new_quotes: int = 1

    def enough(self, change: CardChange) -> bool:
        """Whether ``change`` is worth a reader's attention again."""
        return (
            change.new_sources >= self.min_new_sources
            or change.new_figures >= self.min_new_figures
            or change.new_quotes >= self.min_new_quotes
        )


def compare(previous: str, item: DigestItem) -> CardChange | None:
    """What ``item`` adds to the card fingerprinted as ``previous``.

    ``None`` when ``previous`` is not a fingerprint this version wrote (the
    builder then treats the story as unchanged: nothing repeats on a guess).
    """
    fields = previous.split(";")
    if len(fields) != 4 or fields[0] != _VERSION:
        return None
    old = [set(filter(None, part.split(","))) for part in fields[1:]]
    new = _parts(item)
    return CardChange(*(len(now - before) for now, before in zip(new, old, strict=True)))


def _counted(count: int, noun: str) -> str:
    return f"{count} new {noun}{'' if count == 1 else 's'}"


def change_reason(change: CardChange) -> str:
    """The reason an updated story shows, e.g. "Updated: 3 new sources, 1 new quote"."""
    parts = [
        _counted(count, noun)
        for count, noun in (
            (change.new_sources, "source"),
            (change.new_figures, "figure"),
            (change.new_quotes, "quote"),
        )
        if count
    ]
    return f"Updated: {', '.join(parts)}"
