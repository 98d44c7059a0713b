"""Values that used to escape the parsers as non-project exceptions.

Each case here once raised TypeError, OverflowError or RecursionError out of a
parser whose docstring promised it would not, and took a whole poll down.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from occasional.extract import dates as page_dates
from occasional.extract import extract_page
from occasional.extract.jsonld import find_article, names_of, url_of
from occasional.sources import parse_feed, parse_sitemap, sitemap_as_feed
from occasional.sources._values import parse_date

pytestmark = pytest.mark.faults

FEED_URL = "https://feeds.example/feed.json"
OUT_OF_RANGE = [
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "Fri, 31 Dec 9999 23:59:59 -0500",
    "0001-01-01T00:00:00+14:00",
]


def json_feed(*items: dict[str, object]) -> bytes:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": list(items)}
    return json.dumps(doc).encode()


@pytest.mark.parametrize("tags", [5, 1.5, True, {"a": 1}, "politics", [1, None, "ok", ["x"]]])
def test_json_feed_tags_of_any_type(tags: object) -> None:
    feed = parse_feed(json_feed({"id": "1", "url": "https://e.example/1", "tags": tags}), FEED_URL)
    (entry,) = feed.entries
    assert entry.link == "https://e.example/1"
    expected = {"politics": ("politics",), "[1, None, 'ok', ['x']]": ("ok",)}
    assert entry.categories == expected.get(str(tags) if not isinstance(tags, str) else tags, ())


def test_json_feed_fields_of_the_wrong_type_do_not_lose_the_item() -> None:
    weird = {
        "id": ["not", "a", "string"],
        "url": {"href": "https://e.example/x"},
        "title": 7,
        "summary": ["s"],
        "content_html": 3,
        "content_text": {"t": 1},
        "authors": "Jane",
        "author": 5,
        "date_published": 20240101,
        "date_modified": ["2024-01-01"],
        "attachments": [{"url": 5}, "x", {"url": "https://e.example/a.mp3", "size_in_bytes": "z"}],
    }
    good = {"id": "2", "url": "https://e.example/2", "title": "Kept"}
    feed = parse_feed(json_feed(weird, good), FEED_URL)
    assert [e.title for e in feed.entries] == [None, "Kept"]
    assert feed.entries[0].enclosures[0].url == "https://e.example/a.mp3"


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_feed_dates_out_of_range_are_unknown(value: str) -> None:
    assert parse_date(value) is None


def test_feed_dates_at_the_edges_that_fit_are_kept() -> None:
    assert parse_date("9999-12-31T23:00:00+00:00") == datetime(9999, 12, 31, 23, tzinfo=UTC)
    assert parse_date("0001-01-01T00:00:00-05:00") == datetime(1, 1, 1, 5, tzinfo=UTC)


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_json_feed_item_with_an_out_of_range_date_is_kept(value: str) -> None:
    item = {"id": "1", "url": "https://e.example/1", "date_published": value}
    (entry,) = parse_feed(json_feed(item), FEED_URL).entries
    assert entry.link == "https://e.example/1" and entry.published is None


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_rss_and_atom_items_with_out_of_range_dates_are_kept(value: str) -> None:
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><title>A</title><link>https://e.example/a</link><pubDate>{value}</pubDate></item>"
        "</channel></rss>"
    ).encode()
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
        '<entry><title>A</title><link href="https://e.example/a"/><id>a</id>'
        f"<updated>{value}</updated><published>{value}</published></entry></feed>"
    ).encode()
    for body in (rss, atom):
        (entry,) = parse_feed(body, "https://e.example/feed").entries
        assert entry.link == "https://e.example/a"
        assert entry.published is None or entry.published.tzinfo is UTC


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_sitemap_lastmod_out_of_range(value: str) -> None:
    body = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>https://e.example/a</loc><lastmod>{value}</lastmod>"
        f"<news:news><news:publication_date>{value}</news:publication_date></news:news></url>"
        "<url><loc>https://e.example/b</loc><lastmod>2024-03-12T10:00:00Z</lastmod></url>"
        "</urlset>"
    ).encode()
    sitemap = parse_sitemap(body, "https://e.example/sitemap.xml")
    assert [e.url for e in sitemap.entries] == ["https://e.example/a", "https://e.example/b"]
    assert sitemap.entries[0].lastmod is None and sitemap.entries[0].published is None
    now = datetime(2024, 3, 12, 12, tzinfo=UTC)
    assert [e.link for e in sitemap_as_feed(sitemap, "https://e.example/", now).entries] == [
        "https://e.example/b"
    ]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_page_dates_out_of_range_are_unknown(value: str) -> None:
    assert page_dates.parse_date(value) is None
    assert page_dates.parse_date(value, datetime(2024, 1, 1, tzinfo=UTC)) is None


ARTICLE_BODY = "".join(
    f"<p>Paragraph {i} of an article about the harbour strike, long enough to be running "
    "text for any extractor that reads it.</p>"
    for i in range(6)
)


def page(head: str, body_extra: str = "") -> bytes:
    return (
        f"<html><head><title>Harbour strike</title>{head}</head><body>{body_extra}"
        f"<article><h1>Harbour strike</h1>{ARTICLE_BODY}</article></body></html>"
    ).encode()


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize(
    "where",
    [
        '<meta property="article:published_time" content="{v}">',
        '<meta property="article:modified_time" content="{v}">',
        '<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{v}",'
        ' "dateModified": "{v}"}}</script>',
        "<body-time>",
    ],
    ids=["meta", "modified", "json-ld", "time"],
)
def test_extraction_survives_out_of_range_page_dates(value: str, where: str) -> None:
    if where == "<body-time>":
        html = page("", f'<time datetime="{value}">then</time>')
    else:
        html = page(where.format(v=value))
    extracted = extract_page(html, "https://e.example/a")
    assert "Paragraph 5" in extracted.text
    assert extracted.published is None or extracted.published.year > 1995


@pytest.mark.parametrize("opener,closer", [("[", "]"), ('{"a":', "}")])
def test_json_ld_nested_100k_deep(opener: str, closer: str) -> None:
    block = opener * 100_000 + ("1" if opener != "[" else "") + closer * 100_000
    html = page(f'<script type="application/ld+json">{block}</script>')
    assert "Paragraph 5" in extract_page(html, "https://e.example/a").text
    assert find_article([block]) is None


def test_json_ld_value_readers_walk_without_recursion() -> None:
    deep: object = {"name": "Jane Roe", "url": "https://e.example/jane.jpg"}
    for _ in range(1_500):  # past the interpreter's recursion limit
        deep = [deep]
    assert names_of(deep) == ["Jane Roe"]
    assert url_of(deep) is None  # too deep to be an image anyone meant


def test_json_ld_nested_as_deep_as_json_allows() -> None:
    deep: object = {"name": "Jane Roe"}
    for _ in range(950):
        deep = [deep]
    block = json.dumps({"@type": "NewsArticle", "author": deep, "headline": "H"})
    found = find_article([block])  # parsed or refused as too deep, never raised
    assert found is None or found["headline"] == "H"
    extracted = extract_page(page(f'<script type="application/ld+json">{block}</script>'))
    assert "Paragraph 5" in extracted.text


def test_jsonl_published_out_of_range_is_that_lines_error() -> None:
    # Found by fuzzing (test_fuzz.py): OverflowError escaped read_docs, "nothing raises".
    from occasional.stories import read_docs

    lines = [
        '{"id": 1, "title": "t", "text": "x", "published": "9999-12-31T23:59:59-05:00"}',
        '{"id": 2, "title": "t", "text": "x", "published": "2026-03-01T12:00:00+01:00"}',
    ]
    docs, errors = read_docs(lines)
    assert [d.id for d in docs] == ["2"]
    assert errors == ["line 1: 'published' is out of range in UTC: '9999-12-31T23:59:59-05:00'"]
