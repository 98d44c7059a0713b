"""Article extraction: page → text, metadata and provenance links.

Public surface::

    extract_page(html, url=None, *, extractor="auto") -> ExtractedPage
    find_source_links(html, url) -> tuple[str, ...]
    get_extractor(name) / register_extractor(extractor) / extractor_names()
    Extractor                       the protocol every extractor follows

Built-in extractors: ``auto`` (trafilatura, with readability's second
opinion on short results; the best trade-off measured), ``trafilatura``
(the default of :func:`get_extractor`) and ``readability``.
"""

from __future__ import annotations

from ..types import ExtractedPage
from .base import (
    DEFAULT_EXTRACTOR,
    Extractor,
    extractor_names,
    get_extractor,
    register_extractor,
)
from .engines import builtin_extractors
from .provenance import find_source_links
from .sites import site_of

__all__ = [
    "DEFAULT_EXTRACTOR",
    "Extractor",
    "extract_page",
    "extractor_names",
    "find_source_links",
    "get_extractor",
    "register_extractor",
    "site_of",
]

for _builtin in builtin_extractors():
    register_extractor(_builtin, replace=True)


def extract_page(
    html: str | bytes, url: str | None = None, *, extractor: str = "auto"
) -> ExtractedPage:
    """Extract the article of one page with the extractor registered as ``extractor``.

    Raises :class:`~occasional.exceptions.ExtractionError` when the page has
    no article text, and :class:`~occasional.exceptions.ConfigError` for an
    unknown extractor name.
    """
    return get_extractor(extractor).extract(html, url)
