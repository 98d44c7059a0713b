"""Plain text, wrapped at 72 columns: the ``text`` format and the e-mail's text/plain part.

URLs are never broken (a line holding only a long URL may pass 72 columns,
so it stays clickable). Control characters in the digest's text are
dropped, so a hostile headline cannot move the terminal's cursor.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator

from ..types import Digest
from .base import RenderOptions
from .view import CardView, DigestView, SourceView, digest_view

__all__ = ["WIDTH", "TextRenderer", "plain"]

WIDTH = 72
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")


def plain(text: str) -> str:
    """``text`` on one line without control characters."""
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def _wrap(text: str, indent: str = "", hang: str | None = None) -> list[str]:
    return textwrap.wrap(
        plain(text),
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if hang is None else hang,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _card(number: int, card: CardView) -> Iterator[str]:
    yield from _wrap(f"{number}. {card.headline} [{card.status}]", hang="   ")
    if card.reasons:
        yield from _wrap("Why: " + "; ".join(card.reasons), "   ")
    for sentence in card.summary:
        yield ""
        yield from _wrap(sentence.text, "   ")
        if sentence.url:
            yield from _wrap(f"<{sentence.url}>", "   ")
    for quote in card.quotes:
        yield ""
        speaker = f" — {quote.speaker}" if quote.speaker else ""
        yield from _wrap(f"“{quote.text}”{speaker}", "   ")
    yield from _listed("Key figures", [(f, None) for f in card.figures])
    yield from _listed("Sources", [_source_line(s) for s in card.sources])
    yield from _listed("Feedback", [(f.text, f.url) for f in card.feedback if f.url])


def _source_line(source: SourceView) -> tuple[str, str | None]:
    prefix = "first reported by " if source.original else ""
    return f"{prefix}{source.outlet}: {source.title}", source.url


def _listed(label: str, rows: list[tuple[str, str | None]]) -> Iterator[str]:
    if not rows:
        return
    yield ""
    yield f"   {label}:"
    for text, url in rows:
        yield from _wrap(f"- {text}", "   ", "     ")
        if url:
            yield from _wrap(f"<{url}>", "     ")


def _lines(view: DigestView) -> Iterator[str]:
    yield from _wrap(view.title)
    yield from _wrap(view.date)
    if view.quiet:
        yield ""
        yield from _wrap(view.quiet)
    cards = [*view.cards, *view.top]
    for number, card in enumerate(cards, start=1):
        if number == len(view.cards) + 1:
            yield ""
            yield "ALSO BIG TODAY"
        yield ""
        yield from _card(number, card)
    if view.archive_url:
        yield ""
        yield from _wrap(f"Past digests: <{view.archive_url}>")


class TextRenderer:
    """``text``: the digest as plain text wrapped at 72 columns."""

    name = "text"
    media_type = "text/plain"
    extension = "txt"

    def render(self, digest: Digest, *, options: RenderOptions) -> str:
        """The text, ending with a newline; never raises on odd text."""
        return "\n".join(_lines(digest_view(digest, options))) + "\n"
