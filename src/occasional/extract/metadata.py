"""Page metadata from one pass over ``<meta>``, ``<link>``, ``<title>`` and JSON-LD.

Called by :mod:`occasional.extract.page` on the parsed tree, before any
extractor prunes it. trafilatura's own metadata extraction runs dozens of
XPath searches and htmldate's full date search per page, which costs more
than extracting the text; reading the declared values in a single walk of
the tree gives the same fields for news pages at a fraction of that cost,
and htmldate is asked only when a page declares no date at all.

Precedence per field is a table below, first match wins: JSON-LD (what the
publisher tells search engines), then OpenGraph, then other ``<meta>``
conventions, then ``<title>`` / ``<time>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from ..urls import page_url
from .dates import parse_date
from .jsonld import find_article, names_of, url_of
from .language import normalise_language

__all__ = ["PageMetadata", "RawMeta", "read_metadata", "read_raw_meta"]

_TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "headline")
_PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "published_time",
    "pubdate", "publishdate", "publish-date", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.issued", "dcterms.created", "dc.date", "date",
)  # fmt: skip
_UPDATED_KEYS = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
    "dc.date.modified", "dcterms.modified", "last-modified",
)  # fmt: skip
_AUTHOR_KEYS = (
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
    "dcterms.creator", "citation_author", "byl",
)  # fmt: skip
_SITE_KEYS = ("og:site_name", "application-name", "publisher", "dc.publisher")
_DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "dc.description")
_IMAGE_KEYS = (
    "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src",
    "thumbnailurl", "image",
)  # fmt: skip
_LANGUAGE_KEYS = ("content-language", "og:locale", "language", "dc.language", "inlanguage")

_BYLINE = re.compile(r"^\s*(?:by|von|par|por|di|door)\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s+(?:and|&|und|et|y|e)\s+|\s*[;|/]\s*", re.IGNORECASE)
_TITLE_SPLIT = re.compile(r"\s+[|–—:-]\s+|\s+::\s+|\s+·\s+")
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class RawMeta:
    """What one walk of the tree collected, before any field is decided.

    ``meta`` maps lower-cased ``name``/``property``/``itemprop``/``http-equiv``
    to the first non-empty ``content`` seen; ``times`` are ``<time datetime>``
    values in document order.
    """

    meta: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    canonical: str | None = None
    lang: str | None = None
    ld_blocks: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """The decided metadata fields of one page (see ExtractedPage)."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    canonical_url: str | None = None
    og_url: str | None = None
    site_name: str | None = None
    language: str | None = None
    image: str | None = None
    description: str | None = None


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = _SPACES.sub(" ", value).strip()
    return value or None


def _read_meta_tag(el: HtmlElement, raw: RawMeta) -> None:
    content = _clean(el.get("content"))
    if el.get("charset") is not None or content is None:
        return
    for attr in ("property", "name", "itemprop", "http-equiv"):
        key = el.get(attr)
        if key:
            raw.meta.setdefault(key.strip().lower(), content)


def _read_link(el: HtmlElement, raw: RawMeta) -> None:
    rel = (el.get("rel") or "").lower().split()
    if "canonical" in rel and raw.canonical is None:
        raw.canonical = _clean(el.get("href"))


def _read_script(el: HtmlElement, raw: RawMeta) -> None:
    if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
        raw.ld_blocks.append(el.text)


def _read_title(el: HtmlElement, raw: RawMeta) -> None:
    if raw.title is None and el.getparent() is not None and el.getparent().tag == "head":
        raw.title = _clean(el.text_content())


def _read_time(el: HtmlElement, raw: RawMeta) -> None:
    value = _clean(el.get("datetime"))
    if value:
        raw.times.append(value)


_READERS = {
    "meta": _read_meta_tag,
    "link": _read_link,
    "script": _read_script,
    "title": _read_title,
    "time": _read_time,
}


def read_raw_meta(root: HtmlElement) -> RawMeta:
    """Walk the tree once, collecting every tag metadata is read from."""
    raw = RawMeta(lang=_clean(root.get("lang") or root.get("xml:lang")))
    for el in root.iter(*_READERS):
        _READERS[el.tag](el, raw)
    return raw


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((meta[key] for key in keys if key in meta), None)


def _ld_str(article: dict[str, Any] | None, key: str) -> str | None:
    value = article.get(key) if article else None
    return _clean(value) if isinstance(value, str) else None


def _split_authors(values: list[str]) -> tuple[str, ...]:
    names: dict[str, str] = {}
    for value in values:
        value = _BYLINE.sub("", value)
        parts = _AUTHOR_SPLIT.split(value)
        # "Doe, Jane" is one name; "Jane Doe, John Roe" is two.
        if all(" " in part.strip() for part in value.split(",")):
            parts = [p for part in parts for p in part.split(",")]
        for part in parts:
            name = _clean(part)
            if name and len(name) <= 80 and "://" not in name and not name.startswith("@"):
                names.setdefault(name.casefold(), name)
    return tuple(names.values())


def _authors(raw: RawMeta, article: dict[str, Any] | None) -> tuple[str, ...]:
    from_ld = names_of(article.get("author")) if article else []
    if from_ld:
        return _split_authors(from_ld)
    return _split_authors([raw.meta[key] for key in _AUTHOR_KEYS if key in raw.meta][:1])


def _strip_site(title: str | None, site: str | None) -> str | None:
    """ "Headline | Site" → "Headline" when the last part names the site."""
    if not title:
        return None
    parts = _TITLE_SPLIT.split(title)
    if len(parts) > 1 and site and parts[-1].casefold() == site.casefold():
        return _clean(title[: title.rfind(parts[-1])].rstrip(" |–—:-·"))
    return title


def _absolute(value: str | None, url: str | None) -> str | None:
    # Only http(s): a canonical "javascript:" or an image "data:" URI is no link to keep or show.
    if not value:
        return None
    try:
        joined = urljoin(url, value) if url else value
    except ValueError:  # a malformed URL, such as an unclosed IPv6 bracket
        return None
    return page_url(joined)


def _site_name(raw: RawMeta, article: dict[str, Any] | None) -> str | None:
    publisher = names_of(article.get("publisher")) if article else []
    return (
        _first(raw.meta, _SITE_KEYS[:2])
        or (publisher[0] if publisher else None)
        or _first(raw.meta, _SITE_KEYS[2:])
    )


def _published(
    raw: RawMeta, article: dict[str, Any] | None, now: datetime | None
) -> datetime | None:
    candidates = [_ld_str(article, "datePublished"), _ld_str(article, "dateCreated")]
    candidates += [raw.meta[key] for key in _PUBLISHED_KEYS if key in raw.meta]
    candidates += raw.times[:1]
    return next(filter(None, (parse_date(c, now) for c in candidates)), None)


def _updated(raw: RawMeta, article: dict[str, Any] | None, now: datetime | None) -> datetime | None:
    candidates = [_ld_str(article, "dateModified")]
    candidates += [raw.meta[key] for key in _UPDATED_KEYS if key in raw.meta]
    return next(filter(None, (parse_date(c, now) for c in candidates)), None)


def _image(raw: RawMeta, article: dict[str, Any] | None) -> str | None:
    return _first(raw.meta, _IMAGE_KEYS) or (url_of(article.get("image")) if article else None)


def _language(raw: RawMeta, article: dict[str, Any] | None) -> str | None:
    declared = [raw.lang, _ld_str(article, "inLanguage")]
    declared += [raw.meta.get(key) for key in _LANGUAGE_KEYS]
    return next(filter(None, map(normalise_language, declared)), None)


def read_metadata(root: HtmlElement, url: str | None, now: datetime | None = None) -> PageMetadata:
    """Decide every metadata field of the page rooted at ``root``.

    ``url`` resolves relative canonical and image links, and only http(s)
    ones are kept; ``now`` (optional) rejects dates in the future. Pure and
    read-only: the tree is unchanged. Never raises for odd markup; a field it
    cannot read is None.
    """
    raw = read_raw_meta(root)
    article = find_article(raw.ld_blocks)
    site = _site_name(raw, article)
    title = _first(raw.meta, _TITLE_KEYS[:2]) or _ld_str(article, "headline")
    return PageMetadata(
        title=title or _strip_site(_first(raw.meta, _TITLE_KEYS[2:]) or raw.title, site),
        authors=_authors(raw, article),
        published=_published(raw, article, now),
        updated=_updated(raw, article, now),
        canonical_url=_absolute(raw.canonical, url),
        og_url=_absolute(raw.meta.get("og:url"), url),
        site_name=site,
        language=_language(raw, article),
        image=_absolute(_image(raw, article), url),
        description=_first(raw.meta, _DESCRIPTION_KEYS) or _ld_str(article, "description"),
    )
