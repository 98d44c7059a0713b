"""The built-in extractors: trafilatura, readability, and "auto" combining them.

Each is a :class:`TreeExtractor`: the shared steps of
:mod:`occasional.extract.page` around one text function. They are
registered by :mod:`occasional.extract` on import.

Why "auto" is what it is (measured on the shared 103-page news set, see
docs/extraction.md): trafilatura in fast, precision-favouring mode is the
quickest configuration and the most precise, but on a few layouts it finds
little or nothing; there, readability's second opinion usually finds the
article. Asking readability only when trafilatura's text is short keeps
nearly all of the speed.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from readability import Document
from readability.readability import Unparseable

from ..exceptions import ExtractionError
from ..types import ExtractedPage
from .page import finish, prepare
from .parse import parse_html

__all__ = [
    "AUTO_SHORT_CHARS",
    "TreeExtractor",
    "auto_text",
    "builtin_extractors",
    "readability_text",
    "trafilatura_text",
]

TextFunction = Callable[[lxml_html.HtmlElement, str | None], str]

# Below this many characters trafilatura's text may be a miss, so readability
# is asked too. On the shared set every trafilatura miss is under 350 chars and
# every short page it gets right is also found by readability.
AUTO_SHORT_CHARS = 500
# A second opinion shorter than this is a caption or a cookie notice.
_MIN_SECOND_OPINION = 250
# Elements trafilatura deletes anyway, removed first in one C-level pass: its
# XPath pruning then walks a much smaller tree (about a quarter faster overall,
# same output on the shared set). <form> stays: trafilatura keeps a form that
# wraps the whole page, as ASP.NET sites do, and dropping it costs 0.02 F1;
# so does <header>, which holds the whole article on some sites.
_PRESTRIP = (
    "head", "script", "style", "noscript", "template", "svg", "iframe", "embed", "object",
    "canvas", "video", "audio", "picture", "map", "aside", "footer", "nav", "menu",
    "figure", "dialog", "fieldset", "label", "button", "select", "textarea", "input", "link",
    "meta", "source", "time",
)  # fmt: skip
# Share of the page's paragraph text a lone <article> must hold to be trusted.
_ARTICLE_SHARE = 0.8
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "tr", "br")

for _noisy in ("trafilatura", "readability", "htmldate"):
    # Their "empty tree"/"not enough text" errors are our ExtractionError, and
    # would otherwise reach stderr on every short page; a level the
    # application set itself is left alone.
    if logging.getLogger(_noisy).level == logging.NOTSET:
        logging.getLogger(_noisy).setLevel(logging.CRITICAL)


def _paragraph_chars(element: lxml_html.HtmlElement) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def _focus_on_article(root: lxml_html.HtmlElement) -> None:
    """Leave only the page's one ``<article>`` in ``<body>`` when it holds the text.

    When a single ``<article>`` holds nearly all paragraph text, the rest of
    the page is boilerplate trafilatura would spend most of its time pruning
    (40 of the 103 shared pages; their trees shrink three to seven times).
    """
    articles = list(itertools.islice(root.iter("article"), 2))
    body = root.find("body")
    if len(articles) != 1 or body is None:
        return
    article = articles[0]
    total = _paragraph_chars(root)
    if not total or _paragraph_chars(article) < _ARTICLE_SHARE * total:
        return
    for child in list(body):
        if child is not article:
            body.remove(child)
    if article.getparent() is not body:
        body.append(article)


def trafilatura_text(root: lxml_html.HtmlElement, url: str | None) -> str:
    """trafilatura's main text (fast, favouring precision, no comments), or ''.

    Prunes ``root`` of scripts, styles, navigation, asides and footers, and
    of everything around a lone ``<article>`` holding the text.
    """
    etree.strip_elements(root, *_PRESTRIP, with_tail=False)
    _focus_on_article(root)
    try:
        document = trafilatura.bare_extraction(
            root, url=url, fast=True, favor_precision=True, include_comments=False
        )
    except (ValueError, etree.LxmlError) as exc:
        raise ExtractionError(f"trafilatura failed on {url or 'the page'}: {exc}") from exc
    text = getattr(document, "text", None)
    return text if isinstance(text, str) else ""


def _block_text(fragment: lxml_html.HtmlElement) -> str:
    for element in fragment.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in fragment.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def readability_text(root: lxml_html.HtmlElement, url: str | None) -> str:
    """readability-lxml's article text, one line per block, or ''.

    readability cleans the tree it is given in place: ``root`` is consumed.
    """
    try:
        # No url: readability would rewrite every link absolute, a third of
        # its time, and only the text is kept.
        summary = Document(root).summary(html_partial=True)
    except (Unparseable, ValueError, etree.LxmlError) as exc:
        raise ExtractionError(f"readability failed on {url or 'the page'}: {exc}") from exc
    if not summary or not summary.strip():
        return ""
    # Our parser, not lxml's fragment helpers: those refuse control
    # characters and assert on the bare "<html></html>" readability may return.
    return _block_text(parse_html(summary))


def auto_text(root: lxml_html.HtmlElement, url: str | None) -> str:
    """trafilatura's text, or readability's when trafilatura's is short and readability's longer."""
    text = trafilatura_text(root, url)
    if len(text) >= AUTO_SHORT_CHARS:
        return text
    try:
        second = readability_text(root, url)
    except ExtractionError:
        return text
    return second if len(second) >= _MIN_SECOND_OPINION and len(second) > len(text) else text


@dataclass(frozen=True, slots=True)
class TreeExtractor:
    """An :class:`~occasional.extract.base.Extractor` made of one text function.

    Parsing, metadata and provenance are shared (:mod:`occasional.extract.page`);
    ``text_of`` receives the parsed tree after they are read and may prune it.
    """

    name: str
    text_of: TextFunction

    def extract(self, html: str | bytes, url: str | None = None) -> ExtractedPage:
        """See :class:`~occasional.extract.base.Extractor`; raises ExtractionError."""
        context = prepare(html, url)
        return finish(context, self.text_of(context.root, url))


def builtin_extractors() -> tuple[TreeExtractor, ...]:
    """The extractors occasional ships, for registration."""
    return (
        TreeExtractor("trafilatura", trafilatura_text),
        TreeExtractor("readability", readability_text),
        TreeExtractor("auto", auto_text),
    )
