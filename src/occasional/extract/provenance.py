"""Provenance: the URLs a page names as where it was copied from.

Called by :mod:`occasional.extract.page` for every extracted page (and
usable on its own); the copies-and-stories stage reads the result from
``ExtractedPage.source_links`` to tell originals from copies.

Two kinds of evidence, in this order:

1. ``<link rel=canonical>`` or ``og:url`` pointing to another site;
2. anchors labelled as the source, by their own text ("Source link",
   "Source", "Read the original") or by the words just before them
   ("Source:", "via", "Originally published at", "Read more at"), in
   English and a few other languages, ignoring case and punctuation.

Same-site links, share buttons and tag/category/author links are never
sources. "Another site" is decided by :func:`occasional.extract.sites.site_of`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from .metadata import read_raw_meta
from .parse import parse_html
from .sites import site_of, site_of_host

__all__ = ["find_source_links", "source_links_in_tree"]

# An anchor whose whole text is one of these names the source.
_ANCHOR_LABEL = re.compile(
    r"^\W*(?:source(?: link| article| url)?|original(?: source| article| story| post)?"
    r"|(?:read|view|see) (?:the )?original(?: article| story| post)?"
    r"|originally published|quelle|fuente|fonte|bron|źródło|источник|lien source)\W*$",
    re.IGNORECASE,
)
# Words that, ending the text just before an anchor, name it as the source.
_PRECEDING_LABEL = re.compile(
    r"(?:^|[^\w])(?:sources?|via|credit|quelle|fuente|fonte|bron|źródło|источник"
    r"|(?:originally|first) (?:published|appeared|posted|ran)(?: (?:at|on|in|by))?"
    r"|read (?:more|the original|the full (?:story|article)|it) (?:at|on)"
    r"|(?:publié|paru) (?:initialement |à l'origine )?(?:sur|dans)"
    r"|publicado originalmente en|ursprünglich erschienen (?:bei|auf))\W*$",
    re.IGNORECASE,
)
# Labels are short; more text than this before an anchor is a sentence.
_PRECEDING_CHARS = 60
_SHARE_PATH = re.compile(r"/(?:share|sharer|sharearticle|intent|submit|send|pin/create)\b", re.I)
_SHARE_HOSTS = frozenset(
    {"wa.me", "api.whatsapp.com", "t.me", "telegram.me", "getpocket.com", "flipboard.com"}
)
_TAXONOMY_PATH = re.compile(
    r"/(?:tags?|category|categories|topics?|author|authors|section|label|search)(?:/|$)", re.I
)
_TAXONOMY_RELS = frozenset({"tag", "category", "author", "nofollow tag"})
_ABSOLUTE = re.compile(r"^(?:(https?):)?//([^/:?#@\s]+)(?::(\d{1,5}))?", re.IGNORECASE)
_CREDIT_CONTAINERS = frozenset({"figure", "figcaption", "nav", "header"})


def _resolve(href: str | None, base: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    try:
        absolute = urljoin(base, href) if base else href
    except ValueError:
        return None
    return absolute if absolute.startswith(("http://", "https://")) else None


def _is_excluded(link: str, anchor: HtmlElement | None) -> bool:
    parts = urlsplit(link)
    if (parts.hostname or "") in _SHARE_HOSTS or _SHARE_PATH.search(parts.path):
        return True
    if _TAXONOMY_PATH.search(parts.path):
        return True
    return anchor is not None and (anchor.get("rel") or "").lower() in _TAXONOMY_RELS


def _short_text(element: HtmlElement) -> str:
    # A label is a word or two in a small element; a big sibling is content.
    return element.text_content() if len(element) <= 2 else ""


def _text_before(anchor: HtmlElement) -> str:
    """The last words before ``anchor`` in its block, climbing past empty wrappers.

    Only tails, parents' leading text and small siblings are read, so pages
    with hundreds of links stay cheap.
    """
    node: HtmlElement | None = anchor
    for _ in range(3):  # <p><strong>Source:</strong> <span><a>…</a></span></p>
        if node is None:
            break
        previous = node.getprevious()
        if previous is not None:
            text = (previous.tail or "").strip() or _short_text(previous)
        else:
            parent = node.getparent()
            text = (parent.text or "").strip() if parent is not None else ""
        if text.strip():
            return str(text[-_PRECEDING_CHARS:])
        node = previous if previous is not None else node.getparent()
    return ""


def _is_labelled(anchor: HtmlElement) -> bool:
    text = anchor.text_content()
    if len(text) <= _PRECEDING_CHARS and _ANCHOR_LABEL.match(text):
        return True
    return bool(_PRECEDING_LABEL.search(_text_before(anchor)))


def _in_credit(anchor: HtmlElement) -> bool:
    # "Photo via Reuters" in a caption, "via" in a menu: credits, not sources.
    return any(el.tag in _CREDIT_CONTAINERS for el in anchor.iterancestors())


def _is_elsewhere(href: str, here: str | None) -> bool:
    """Whether ``href`` may point to another site than ``here``, cheaply.

    Relative links are this site's by definition, and most of a page's
    absolute links share a handful of hosts, so this is a cached look-up.
    """
    if here is None:
        return True
    match = _ABSOLUTE.match(href)
    if match is None:
        return False
    scheme = (match.group(1) or "https").lower()
    port = int(match.group(3)) if match.group(3) else None
    return site_of_host(scheme, match.group(2).lower().rstrip("."), port) != here


def _labelled_links(root: HtmlElement, url: str | None, here: str | None) -> Iterator[str]:
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or not _is_elsewhere(href, here):
            continue
        if not _is_labelled(anchor) or _in_credit(anchor):
            continue
        link = _resolve(href, url)
        # site_of first: it is None for a malformed URL urlsplit would raise on.
        if link and site_of(link) not in (None, here) and not _is_excluded(link, anchor):
            yield link


def source_links_in_tree(
    root: HtmlElement, url: str | None, declared: tuple[str | None, ...] | None = None
) -> tuple[str, ...]:
    """Source links of a parsed page; see :func:`find_source_links`.

    ``declared`` are the page's canonical and og:url values when the caller
    has read them already (saving a walk of the tree); relative values are
    resolved against ``url``. Read-only.
    """
    here = site_of(url)
    found: dict[str, None] = {}
    if declared is None:
        raw = read_raw_meta(root)
        declared = (raw.canonical, raw.meta.get("og:url"))
    # A canonical elsewhere only means something when we know where "here" is.
    for link in (_resolve(value, url) for value in declared) if here else ():
        if link and site_of(link) not in (None, here):
            found.setdefault(link, None)
    for link in _labelled_links(root, url, here):
        found.setdefault(link, None)
    return tuple(found)


def find_source_links(html: str | bytes | HtmlElement, url: str | None) -> tuple[str, ...]:
    """Absolute URLs the page names as where it was copied from, in page order.

    ``html`` is the page (or an already parsed tree), ``url`` its address:
    relative links resolve against it and links to its own site are dropped.
    Without ``url`` a canonical cannot be judged and is ignored; labelled
    absolute links are still returned. Raises
    :class:`~occasional.exceptions.ExtractionError` when ``html`` cannot be
    parsed at all.
    """
    root = html if isinstance(html, HtmlElement) else parse_html(html)
    return source_links_in_tree(root, url)
