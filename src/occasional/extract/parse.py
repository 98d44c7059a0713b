"""Decoding and parsing a page, once, for every later step.

Called by the extractors in :mod:`occasional.extract.engines`; the tree it
returns is read by the metadata and provenance passes and then handed to
trafilatura (which copies it before cleaning) and, last, to readability
(which consumes it).
"""

from __future__ import annotations

import threading

from lxml import etree
from lxml import html as lxml_html

from ..exceptions import ExtractionError
from ..fetch.charset import detect_encoding

__all__ = ["MAX_HTML_BYTES", "parse_html"]

# The fetcher caps bodies at 10 MB by default; a page above this is not an
# article, and parsing it would cost more than every other page of a poll.
MAX_HTML_BYTES = 10_000_000


class _FastHTMLParser(lxml_html.HTMLParser):  # type: ignore[misc]  # lxml ships no stubs
    """lxml.html's parser with its element classes picked in C.

    lxml.html normally chooses an element class through a Python callback per
    element, which costs about a tenth of trafilatura's run time; every
    element is an ``HtmlElement`` here anyway, so a fixed lookup is the same
    tree, faster.
    """

    def __init__(self, encoding: str) -> None:
        # No comments or processing instructions: they are never article text
        # and trafilatura would only strip them again.
        super().__init__(
            encoding=encoding,
            collect_ids=False,
            default_doctype=False,
            remove_comments=True,
            remove_pis=True,
        )
        self.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=lxml_html.HtmlElement,
                comment=lxml_html.HtmlComment,
                pi=lxml_html.HtmlProcessingInstruction,
                entity=lxml_html.HtmlEntity,
            )
        )


# An lxml parser may be used by one thread at a time: one set per thread.
_LOCAL = threading.local()


def _parser(encoding: str) -> _FastHTMLParser:
    parsers: dict[str, _FastHTMLParser] = _LOCAL.__dict__.setdefault("parsers", {})
    parser = parsers.get(encoding)
    if parser is None:
        parser = parsers[encoding] = _FastHTMLParser(encoding)
    return parser


def _to_bytes(html: str | bytes) -> tuple[bytes, str]:
    """The body as bytes and the codec libxml2 should read it with."""
    if isinstance(html, str):
        # Encoding a str back is cheaper than lxml's str path, and a str
        # carrying an XML encoding declaration is refused by lxml outright.
        return html.encode("utf-8", "surrogatepass"), "utf-8"
    encoding = detect_encoding(html, "text/html") or "utf-8"
    if encoding.startswith(("utf-16", "utf-32")) or encoding == "utf-8-sig":
        return html.decode(encoding, "replace").encode("utf-8"), "utf-8"
    return html, encoding


def parse_html(html: str | bytes) -> lxml_html.HtmlElement:
    """Parse a page into an lxml tree rooted at ``<html>``.

    Bytes are decoded as the page declares (BOM, ``<meta charset>``) or as a
    statistical guess finds. Raises
    :class:`~occasional.exceptions.ExtractionError` for an empty page, one
    over :data:`MAX_HTML_BYTES`, or one libxml2 cannot read at all.
    """
    if len(html) > MAX_HTML_BYTES:
        raise ExtractionError(
            f"page is {len(html):,} bytes, over the {MAX_HTML_BYTES:,}-byte extraction limit"
        )
    if not html or not html.strip():
        raise ExtractionError("page is empty")
    data, encoding = _to_bytes(html)
    try:
        root = lxml_html.document_fromstring(data, parser=_parser(encoding))
    except (etree.ParserError, ValueError, LookupError) as exc:
        raise ExtractionError(f"page could not be parsed as HTML: {exc}") from exc
    if root is None:
        raise ExtractionError("page could not be parsed as HTML")
    return root
