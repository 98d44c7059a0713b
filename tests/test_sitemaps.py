"""Sitemaps: news tags, indexes, gzip, plain text, and sitemaps as feeds."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from occasional.exceptions import FeedParseError, ResponseTooLargeError
from occasional.sources import MAX_UNCOMPRESSED, Sitemap, parse_sitemap, sitemap_as_feed
from occasional.types import SitemapEntry

FIXTURES = Path(__file__).parent / "fixtures" / "sitemaps"
URL = "https://tribune.example/news-sitemap.xml"
NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)


def _news() -> Sitemap:
    return parse_sitemap((FIXTURES / "news_sitemap.xml").read_bytes(), URL)


def test_news_sitemap_entries() -> None:
    sitemap = _news()
    first = sitemap.entries[0]
    assert first.url == "https://tribune.example/world/2024/03/12/summit-ends"
    assert first.title == "Summit ends without a deal"
    assert first.language == "en"
    assert first.published == datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
    assert first.lastmod == datetime(2024, 3, 12, 11, 5, tzinfo=UTC)
    assert sitemap.children == ()


def test_relative_locs_resolve_and_bad_ones_are_counted() -> None:
    sitemap = _news()
    urls = [e.url for e in sitemap.entries]
    assert "https://tribune.example/archive/2023/01/old-story" in urls
    assert not any(u.startswith("ftp:") for u in urls)
    assert sitemap.errors == ("1 <url> elements without an http(s) <loc>; skipped",)


def test_index_lists_children_once() -> None:
    index = parse_sitemap((FIXTURES / "sitemap_index.xml").read_bytes(), URL)
    assert index.children == (
        "https://tribune.example/sitemaps/news.xml",
        "https://tribune.example/sitemaps/pages-1.xml.gz",
    )
    assert index.entries == ()


def test_gzip_sitemap_reads_like_the_plain_one() -> None:
    body = (FIXTURES / "news_sitemap.xml").read_bytes()
    assert parse_sitemap(gzip.compress(body), URL) == parse_sitemap(body, URL)


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (MAX_UNCOMPRESSED + 10), compresslevel=1)
    with pytest.raises(ResponseTooLargeError, match="refused"):
        parse_sitemap(bomb, URL)


def test_plain_text_sitemap() -> None:
    sitemap = parse_sitemap((FIXTURES / "plain.txt").read_bytes(), URL)
    assert [e.url for e in sitemap.entries] == [
        "https://plain.example/one",
        "https://plain.example/two",
    ]
    assert sitemap.errors and "skipped" in sitemap.errors[0]


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b"", "empty"),
        (b"<html><body>404</body></html>", "HTML page"),
        (b"<rss version='2.0'/>", "<rss>"),
        (b"not a url at all", "plain text"),
        (b'<!DOCTYPE urlset [<!ENTITY x "y">]><urlset/>', "entities"),
    ],
)
def test_not_a_sitemap(body: bytes, found: str) -> None:
    with pytest.raises(FeedParseError, match=found):
        parse_sitemap(body, URL)


def test_sitemap_as_feed_keeps_recent_newest_first() -> None:
    feed = sitemap_as_feed(_news(), "https://tribune.example/", NOW, max_age_days=3)
    assert [e.guid for e in feed.entries] == [
        "https://tribune.example/world/2024/03/12/summit-ends",
        "https://tribune.example/sport/2024/03/11/cup-final",
    ]
    assert feed.entries[0].link == feed.entries[0].guid
    assert feed.entries[0].title == "Summit ends without a deal"
    assert (feed.format, feed.link, feed.language) == ("sitemap", "https://tribune.example/", "en")


def test_sitemap_as_feed_window_moves_with_now() -> None:
    later = datetime(2024, 3, 15, 9, 0, tzinfo=UTC)
    feed = sitemap_as_feed(_news(), "https://tribune.example/", later, max_age_days=3)
    assert [e.guid for e in feed.entries] == [
        "https://tribune.example/world/2024/03/12/summit-ends"
    ]


def test_undated_list_is_taken_whole_up_to_the_limit() -> None:
    sitemap = Sitemap(entries=tuple(SitemapEntry(f"https://p.example/{i}") for i in range(5)))
    feed = sitemap_as_feed(sitemap, "https://p.example/", NOW, limit=3)
    assert [e.guid for e in feed.entries] == [f"https://p.example/{i}" for i in range(3)]
