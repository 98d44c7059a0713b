"""Assembling an ExtractedPage around whatever text an extractor found.

Every built-in extractor runs the same three steps::

    prepare(html, url)          parse once; metadata, dates, source links
      → text_of(root, url)      the extractor's own text (may prune the tree)
      → finish(context, text)   tidy the text, guess language, build the page

:func:`prepare` reads everything it needs before the text step, because
text extractors are allowed to prune or consume the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml.html import HtmlElement

from ..exceptions import ExtractionError
from ..types import ExtractedPage
from .cleanup import tidy_text
from .dates import guess_published
from .language import guess_language
from .metadata import PageMetadata, read_metadata
from .parse import parse_html
from .provenance import source_links_in_tree

__all__ = ["PageContext", "finish", "prepare"]


@dataclass(frozen=True, slots=True)
class PageContext:
    """A parsed page and what was read from it before text extraction."""

    root: HtmlElement
    url: str | None
    meta: PageMetadata
    published: datetime | None
    source_links: tuple[str, ...]


def prepare(html: str | bytes, url: str | None) -> PageContext:
    """Parse ``html`` and read its metadata and source links.

    Raises :class:`~occasional.exceptions.ExtractionError` when the page
    cannot be parsed (see :func:`~occasional.extract.parse.parse_html`).
    """
    root = parse_html(html)
    meta = read_metadata(root, url)
    links = source_links_in_tree(root, url, (meta.canonical_url, meta.og_url))
    published = meta.published or guess_published(root, url)
    return PageContext(root, url, meta, published, links)


def finish(context: PageContext, text: str) -> ExtractedPage:
    """The :class:`~occasional.types.ExtractedPage` for ``text`` found in ``context``.

    Raises :class:`~occasional.exceptions.ExtractionError` when no text is
    left once wrapper lines, the headline and promo lines are removed.
    """
    meta = context.meta
    body = tidy_text(text, meta.site_name, meta.title)
    if not body:
        where = f" at {context.url}" if context.url else ""
        raise ExtractionError(f"no article text found in the page{where}")
    return ExtractedPage(
        text=body,
        title=meta.title,
        authors=meta.authors,
        published=context.published,
        updated=meta.updated,
        canonical_url=meta.canonical_url or meta.og_url,
        site_name=meta.site_name,
        language=meta.language or guess_language(body),
        image=meta.image,
        description=meta.description,
        source_links=context.source_links,
    )
