"""Markdown (CommonMark): the ``markdown`` format.

Every piece of digest text is backslash-escaped, including ``<`` and ``>``,
so a headline holding HTML shows as text and never as markup; link targets
are http/https/mailto only (see :func:`~occasional.render.view.safe_url`)
and written in angle brackets with the few characters that could end them
percent-encoded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..types import Digest
from .base import RenderOptions
from .text import plain
from .view import CardView, DigestView, digest_view

__all__ = ["MarkdownRenderer", "md_escape", "md_link"]

# Characters that make markup anywhere in a line; CommonMark lets any ASCII
# punctuation be backslash-escaped, so escaping is always safe.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
# What makes a block (heading, list, quote) when it opens a line.
_BLOCK_START = re.compile(r"^(\s*)([#+\-=])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")


def md_escape(text: str) -> str:
    """``text`` on one line with every Markdown-significant character escaped."""
    escaped = _INLINE.sub(r"\\\1", plain(text))
    for pattern in (_BLOCK_START, _ORDERED):
        escaped = pattern.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    return escaped


def md_link(text: str, url: str | None) -> str:
    """``[text](<url>)``, or the escaped text alone when there is no URL."""
    if not url:
        return md_escape(text)
    target = url.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C")
    return f"[{md_escape(text)}](<{target}>)"


def _card(card: CardView, level: str) -> Iterator[str]:
    yield f"{level} {md_link(card.headline, card.url)}"
    yield ""
    yield f"*{md_escape(card.status)}*" + (
        f" · Why: {md_escape('; '.join(card.reasons))}" if card.reasons else ""
    )
    for sentence in card.summary:
        yield ""
        yield md_link(sentence.text, sentence.url)
    for quote in card.quotes:
        speaker = f" — {md_link(quote.speaker or 'source', quote.url)}" if (
            quote.speaker or quote.url) else ""  # fmt: skip
        yield ""
        yield f"> “{md_escape(quote.text)}”{speaker}"
    if card.figures:
        yield ""
        yield "**Key figures**"
        yield ""
        yield from (f"- {md_escape(figure)}" for figure in card.figures)
    if card.sources:
        yield ""
        yield "**Sources**"
        yield ""
        for s in card.sources:
            first = "**first reported by** " if s.original else ""
            yield f"- {first}{md_escape(s.outlet)}: {md_link(s.title, s.url)}"
    links = [md_link(f.text, f.url) for f in card.feedback if f.url]
    if links:
        yield ""
        yield " · ".join(links)


def _lines(view: DigestView) -> Iterator[str]:
    yield f"# {md_escape(view.title)}"
    yield ""
    yield f"*{md_escape(view.date)}*"
    if view.quiet:
        yield ""
        yield md_escape(view.quiet)
    for card in view.cards:
        yield ""
        yield from _card(card, "##")
    if view.top:
        yield ""
        yield "## Also big today"
        for card in view.top:
            yield ""
            yield from _card(card, "###")
    if view.archive_url:
        yield ""
        yield md_link("Past digests", view.archive_url)


class MarkdownRenderer:
    """``markdown``: the digest as CommonMark."""

    name = "markdown"
    media_type = "text/markdown"
    extension = "md"

    def render(self, digest: Digest, *, options: RenderOptions) -> str:
        """The Markdown text, ending with a newline; never raises on odd text."""
        return "\n".join(_lines(digest_view(digest, options))) + "\n"
