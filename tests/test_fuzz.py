"""Fuzzing the readers of untrusted input: feeds, sitemaps, OPML, pages, JSONL.

Each reader may raise only the error its docstring names, and what it returns
keeps its promises (aware UTC times, http(s) links, capped titles). CI runs a
short round of each (``OCCASIONAL_FUZZ_EXAMPLES``, default 40); ``make fuzz``
runs every target again and again for ``OCCASIONAL_FUZZ_SECONDS`` each. A crash
found here becomes a regression test (see test_hostile_values.py).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from occasional.exceptions import ExtractionError, FeedParseError, OPMLError, ResponseTooLargeError
from occasional.extract import extract_page
from occasional.pipeline import entries_to_intents
from occasional.sources import parse_feed, parse_opml, parse_sitemap, sitemap_as_feed, write_opml
from occasional.stories import read_docs
from occasional.stories.cluster import cluster_stories
from occasional.stories.copies import copy_groups
from occasional.text import MAX_TITLE_CHARS
from occasional.types import Source, SourceSettings

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("OCCASIONAL_FUZZ_EXAMPLES", "40"))
BUDGET = float(os.environ.get("OCCASIONAL_FUZZ_SECONDS", "0"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
URL = "https://feeds.example/feed"


def fuzz(target: Callable[[], None]) -> Callable[[], None]:
    """Run a hypothesis target once, then again with fresh examples until the budget is spent."""

    @wraps(target)
    def run() -> None:
        target()
        end = time.monotonic() + BUDGET
        while time.monotonic() < end:
            target()

    return run


# --- strategies ------------------------------------------------------------------------

# Text with what breaks parsers: markup, entities, control characters, odd dates.
WEIRD = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("<>&;\"'\x00\x0b"),
    max_size=40,
)
DATES = st.sampled_from(
    [
        "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "Fri, 31 Dec 9999 23:59:59 -0500",
        "2026-02-30T10:00:00Z", "2026-03-01T10:00:00+24:00", "Mon, 01 Jan 0001 00:00:00 +1400",
        "1995-01-01", "yesterday", "", "2026-03-01T12:00:00.123456789Z", "20260301T120000",
    ]
) | WEIRD  # fmt: skip
LINKS = st.sampled_from(
    [
        "https://e.example/a", "/relative", "javascript:alert(1)", "data:text/html,x",
        "mailto:a@e.example", "http://127.1/", "http://[::1", "https://" + "x" * 3000, "",
        "ftp://e.example/f", "some-guid-123",
    ]
) | WEIRD  # fmt: skip
FEED_TAGS = [
    "rss", "channel", "item", "title", "link", "guid", "pubDate", "description", "author",
    "category", "enclosure", "content:encoded", "dc:date", "feed", "entry", "id", "updated",
    "published", "summary", "content", "name", "ttl", "language",
]  # fmt: skip


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def xml_elements(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(FEED_TAGS))
    names = st.sampled_from(["href", "url", "rel", "type", "isPermaLink"])
    attrs = draw(st.dictionaries(names, LINKS, max_size=2))
    rendered = "".join(f' {k}="{_escape(v).replace(chr(34), "")}"' for k, v in attrs.items())
    if depth >= 3 or draw(st.booleans()):
        value = draw(DATES if tag in ("pubDate", "updated", "published") else LINKS | WEIRD)
        inner = value if draw(st.integers(0, 9)) == 0 else _escape(value)  # now and then raw
    else:
        inner = "".join(draw(st.lists(xml_elements(depth + 1), max_size=4)))
    return f"<{tag}{rendered}>{inner}</{tag}>"


ROOTS = [
    ('<rss version="2.0"><channel>', "</channel></rss>"),
    ('<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>"),
    ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', "</rdf:RDF>"),
]


@st.composite
def xml_feeds(draw: st.DrawFn) -> bytes:
    root, end = draw(st.sampled_from(ROOTS))
    body = "".join(draw(st.lists(xml_elements(), max_size=6)))
    encoding = draw(st.sampled_from(["utf-8", "windows-1252", "utf-16", "shift_jis", "bogus"]))
    end = end if draw(st.booleans()) else ""  # now and then cut short
    text = f'<?xml version="1.0" encoding="{encoding}"?>{root}{body}{end}'
    return text.encode("utf-8", "surrogatepass")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | WEIRD | DATES | LINKS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WEIRD, inner, max_size=3),
    max_leaves=8,
)
ITEM_KEYS = [
    "id", "url", "external_url", "title", "summary", "content_html", "content_text",
    "date_published", "date_modified", "tags", "authors", "author", "attachments", "image",
]  # fmt: skip


@st.composite
def json_feeds(draw: st.DrawFn) -> bytes:
    item = st.dictionaries(st.sampled_from(ITEM_KEYS), JSON_VALUES, max_size=8)
    items = draw(st.lists(item, max_size=4) | JSON_VALUES)
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": draw(JSON_VALUES),
        "items": items,
    }
    return json.dumps(doc).encode()


def feed_source() -> Source:
    return Source(
        id="s1",
        url=URL,
        kind="feed",
        settings=SourceSettings(),
        added=NOW,
        site_url="https://feeds.example/",
    )


# --- feeds -------------------------------------------------------------------------------


@fuzz
@FUZZ
@given(
    st.one_of(st.binary(max_size=600), xml_feeds(), json_feeds()),
    st.none() | st.sampled_from(["text/xml; charset=utf-16", "application/json", "text/html"]),
)
@example(b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"tags": 5}]}', None)
def test_feeds_raise_only_feed_parse_errors(body: bytes, content_type: str | None) -> None:
    try:
        feed = parse_feed(body, URL, content_type)
    except FeedParseError:
        return
    for entry in feed.entries:
        for when in (entry.published, entry.updated):
            assert when is None or when.tzinfo is UTC
    for intent in entries_to_intents(feed_source(), feed, NOW):
        assert intent.url.startswith(("http://", "https://")) and len(intent.url) <= 2048
        assert len(intent.title) <= MAX_TITLE_CHARS and len(intent.entry_key) <= 600
        assert intent.published is None or intent.published <= NOW.replace(year=2026, day=2)


# --- sitemaps and OPML ----------------------------------------------------------------------


@st.composite
def sitemaps(draw: st.DrawFn) -> bytes:
    root = draw(st.sampled_from(["urlset", "sitemapindex", "html", "news:news"]))
    urls = draw(
        st.lists(
            st.tuples(LINKS, DATES, st.booleans()).map(
                lambda t: f"<url><loc>{_escape(t[0])}</loc><lastmod>{_escape(t[1])}</lastmod>"
                + (f"<news:news><news:publication_date>{_escape(t[1])}</news:publication_date>"
                   f"<news:title>{_escape(t[0])}</news:title></news:news>" if t[2] else "")
                + "</url>"
            ),
            max_size=5,
        )
    )  # fmt: skip
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    return f'<?xml version="1.0"?><{root} {ns}>{"".join(urls)}</{root}>'.encode()  # fmt: skip


@fuzz
@FUZZ
@given(st.one_of(st.binary(max_size=400), sitemaps(), st.text(max_size=200).map(str.encode)))
def test_sitemaps_raise_only_their_errors(body: bytes) -> None:
    try:
        sitemap = parse_sitemap(body, "https://e.example/sitemap.xml")
    except (FeedParseError, ResponseTooLargeError):
        return
    feed = sitemap_as_feed(sitemap, "https://e.example/", NOW)
    assert all(e.link and e.link.startswith(("http://", "https://")) for e in feed.entries)


def as_opml(outlines: str) -> bytes:
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'.encode()


@st.composite
def opml_documents(draw: st.DrawFn, depth: int = 0) -> str:
    outlines = []
    for _ in range(draw(st.integers(0, 3))):
        names = st.sampled_from(
            ["text", "title", "xmlUrl", "xmlurl", "htmlUrl", "type", "category"]
        )
        attrs = draw(st.dictionaries(names, LINKS, max_size=4))
        rendered = "".join(f' {k}="{_escape(v).replace(chr(34), "")}"' for k, v in attrs.items())
        inner = draw(opml_documents(depth + 1)) if depth < 2 and draw(st.booleans()) else ""
        outlines.append(f"<outline{rendered}>{inner}</outline>")
    return "".join(outlines)


@fuzz
@FUZZ
@given(st.one_of(st.binary(max_size=400), opml_documents().map(as_opml)))
@example(
    b'<opml><body><outline text="\x00"><outline xmlUrl="http://\x00"/></outline>'
    b'<outline xmlUrl="http://$"/></body></opml>'
)
def test_opml_raises_only_opml_errors_and_round_trips(data: bytes) -> None:
    try:
        document = parse_opml(data)
    except OPMLError:
        return
    sources = [
        Source(id=str(n), url=o.url, settings=SourceSettings(tags=o.tags), title=o.title)
        for n, o in enumerate(document.outlines)
    ]
    again = parse_opml(write_opml(sources).encode())
    # Sources come back grouped by folder, so in another order; every one comes back.
    assert sorted(o.url for o in again.outlines) == sorted(o.url for o in document.outlines)


# --- pages ---------------------------------------------------------------------------------


META_NAMES = ["article:published_time", "og:url", "og:image", "og:title", "author", "date"]
META = st.tuples(st.sampled_from(META_NAMES), DATES | LINKS).map(
    lambda t: f'<meta property="{t[0]}" content="{_escape(t[1])}">'
)
JSON_LD = JSON_VALUES.map(
    lambda v: (
        '<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "datePublished": v, "author": v, "image": v})
        + "</script>"
    )
)
LD_TEXT = st.text(max_size=30).map(lambda t: f'<script type="application/ld+json">{t}</script>')
CANONICAL = LINKS.map(lambda link: f'<link rel="canonical" href="{_escape(link)}">')


@st.composite
def pages(draw: st.DrawFn) -> str:
    head = draw(st.lists(st.one_of(META, JSON_LD, LD_TEXT, CANONICAL), max_size=5))
    paragraphs = draw(st.lists(WEIRD, max_size=6))
    times = draw(st.lists(DATES, max_size=2))
    body = "".join(f"<p>{p} and some ordinary words to read.</p>" for p in paragraphs)
    body += "".join(f'<time datetime="{_escape(t)}">t</time>' for t in times)
    return f"<html><head>{''.join(head)}</head><body><article>{body}</article></body></html>"


@fuzz
@FUZZ
@given(st.one_of(pages(), st.binary(max_size=400), st.text(max_size=300)))
def test_extraction_raises_only_extraction_errors(html: str | bytes) -> None:
    try:
        page = extract_page(html, "https://e.example/a")
    except ExtractionError:
        return
    assert page.published is None or (page.published.tzinfo is UTC and page.published.year >= 1995)
    for link in (page.canonical_url, page.image):
        assert link is None or link.startswith(("http://", "https://"))


# --- JSONL inputs of cluster and copies ------------------------------------------------------

DOC_KEYS = ["id", "title", "text", "published", "url", "source", "source_links", "canonical_url"]


@fuzz
@FUZZ
@given(
    st.lists(
        st.one_of(
            st.dictionaries(st.sampled_from(DOC_KEYS), JSON_VALUES, max_size=8).map(json.dumps),
            JSON_VALUES.map(json.dumps),
            WEIRD,
        ),
        max_size=8,
    )
)
@example(['{"id": 1, "title": "t", "text": "x", "published": "9999-12-31T23:59:59-05:00"}'])
@example(['{"id": 0}'])
def test_jsonl_inputs_never_raise(lines: list[str]) -> None:
    docs, errors = read_docs(lines)
    assert len(docs) + len(errors) <= len(lines)
    assert all(
        isinstance(d.id, str) and (d.published is None or d.published.tzinfo is UTC) for d in docs
    )
    if len({d.id for d in docs}) == len(docs):
        copy_groups(docs)
        assigned = cluster_stories(docs)
        assert {a.id for a in assigned} == {d.id for d in docs}
