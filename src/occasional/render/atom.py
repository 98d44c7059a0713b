"""Atom 1.0: the ``atom`` format, one entry per story.

Entry ids are ``urn:occasional:story:<story id>``, so a feed reader sees a
story that returns with news as the same entry, updated (``updated`` is the
story's last_seen). The feed id is per profile. Entry content is the card's
HTML, sanitised like the e-mail. lxml builds the tree, so text is escaped
by construction; characters XML cannot carry are dropped first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lxml import etree

from ..types import Digest
from .base import RenderOptions
from .html import html_fragment
from .view import CardView, DigestView, digest_view, safe_url

__all__ = ["ATOM_NS", "AtomRenderer", "story_entry_id"]

ATOM_NS = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def story_entry_id(story_id: str) -> str:
    """The stable Atom entry id of a story."""
    return f"urn:occasional:story:{story_id}"


def _rfc3339(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> None:
    child = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        child.text = _NOT_XML.sub("", text)


def _entry(feed: etree._Element, card: CardView) -> None:
    entry = etree.SubElement(feed, f"{{{ATOM_NS}}}entry")
    _add(entry, "id", story_entry_id(card.id))
    _add(entry, "title", card.headline, type="text")
    _add(entry, "updated", _rfc3339(card.updated))
    if card.url:
        _add(entry, "link", rel="alternate", type="text/html", href=card.url)
    _add(entry, "category", term=card.status)
    if card.summary:
        _add(entry, "summary", card.summary[0].text, type="text")
    _add(entry, "content", html_fragment("entry.html.j2", c=card), type="html")


def _feed(view: DigestView, digest: Digest, options: RenderOptions) -> etree._Element:
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _add(feed, "id", f"urn:occasional:digest:{digest.profile}")
    _add(feed, "title", view.title, type="text")
    _add(feed, "updated", _rfc3339(digest.generated))
    author = etree.SubElement(feed, f"{{{ATOM_NS}}}author")
    _add(author, "name", "occasional")
    _add(feed, "generator", "occasional")
    if self_url := safe_url(options.base_url):
        _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    if view.archive_url:
        _add(feed, "link", rel="alternate", type="text/html", href=view.archive_url)
    if view.quiet:
        _add(feed, "subtitle", view.quiet, type="text")
    for card in (*view.cards, *view.top):
        _entry(feed, card)
    return feed


class AtomRenderer:
    """``atom``: the digest as an Atom 1.0 feed document."""

    name = "atom"
    media_type = "application/atom+xml"
    extension = "atom"

    def render(self, digest: Digest, *, options: RenderOptions) -> str:
        """The feed document with its XML declaration; never raises on odd text."""
        feed = _feed(digest_view(digest, options), digest, options)
        body: str = etree.tostring(feed, encoding="unicode", pretty_print=True)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + body
