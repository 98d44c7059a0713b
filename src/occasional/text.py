"""Small text helpers shared by several stages."""

from __future__ import annotations

import re

import lxml.html
from lxml.etree import ParserError

__all__ = ["MAX_TITLE_CHARS", "cap_title", "html_to_text", "plural"]

MAX_TITLE_CHARS = 500
"""The longest title stored: headlines run to about 100 characters; a title of
megabytes is a broken or hostile feed, and would fill every page it is shown on."""

_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_MANY_NEWLINES = re.compile(r"\n\s*\n+")


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed's summary or content), paragraphs kept.

    Scripts and styles are dropped; block elements end a paragraph. Text that
    is not HTML comes back with its whitespace tidied.
    """
    if not html.strip():
        return ""
    if "<" not in html:
        return _tidy(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return _tidy(html)
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n\n" + (element.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    if "\n" not in text:  # most feed summaries: one line, nothing to keep apart
        return _BLANKS.sub(" ", text).strip()
    lines = (_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def cap_title(title: str) -> str:
    """``title`` stripped and, past :data:`MAX_TITLE_CHARS`, cut at a word with "…"."""
    title = title.strip()
    if len(title) <= MAX_TITLE_CHARS:
        return title
    cut = title[: MAX_TITLE_CHARS - 1]
    space = cut.rfind(" ", MAX_TITLE_CHARS // 2)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``"1 article"``, ``"2 articles"``; ``plural_form`` for nouns that do not take an s."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {plural_form or noun + 's'}"
