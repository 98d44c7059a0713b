"""Autodiscovery of feeds in pages and of sitemaps in robots.txt."""

from __future__ import annotations

import pytest

from occasional.resolve import site_name
from occasional.sources import (
    COMMON_FEED_PATHS,
    DEFAULT_SITEMAP_PATHS,
    common_feed_urls,
    discover_feed_links,
    sitemap_urls_from_robots,
)

PAGE = """<!DOCTYPE html>
<html><head>
  <title>Tribune</title>
  <link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/feed/">
  <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="/atom.xml">
  <link rel="alternate" type="application/rss+xml" href="https://tribune.example/rss">
  <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
  <link rel="alternate" type="application/feed+json" href="feed.json">
  <link rel="stylesheet" href="/style.css">
  <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body>
  <a href="/about">About</a>
  <a href="/rss">RSS</a>
  <a href="https://feeds.feedburner.example/tribune.rss">Feedburner</a>
  <a href="/atom.xml">again</a>
  <a href="/blog/?feed=rss2">WordPress feed</a>
  <a href="/feedback">Feedback</a>
</body></html>"""


def test_declared_feeds_first_comments_last_then_anchors() -> None:
    links = discover_feed_links(PAGE, "https://tribune.example/section/page.html")
    assert links == [
        "https://tribune.example/atom.xml",
        "https://tribune.example/rss",
        "https://tribune.example/section/feed.json",
        "https://tribune.example/comments/feed/",
        "https://feeds.feedburner.example/tribune.rss",
        "https://tribune.example/blog/?feed=rss2",
    ]


def test_bytes_and_base_href() -> None:
    page = (
        b'<html><head><base href="https://cdn.example/site/">'
        b'<link rel="alternate" type="application/rss+xml" href="news.xml"></head></html>'
    )
    assert discover_feed_links(page, "https://www.example/") == [
        "https://cdn.example/site/news.xml"
    ]


def test_no_feeds_and_garbage_give_nothing() -> None:
    assert (
        discover_feed_links(
            "<html><body><a href='/about'>x</a></body></html>", "https://a.example/"
        )
        == []
    )
    assert discover_feed_links("", "https://a.example/") == []
    assert discover_feed_links(b"\x00\xff\xfe", "https://a.example/") == []


def test_common_feed_urls_are_on_the_origin() -> None:
    urls = common_feed_urls("https://blog.example/2024/post")
    assert urls[0] == "https://blog.example/feed"
    assert len(urls) == len(COMMON_FEED_PATHS)
    assert {"/rss.xml", "/atom.xml", "/feed.json", "/index.xml"} <= set(COMMON_FEED_PATHS)


def test_sitemaps_from_robots_then_defaults() -> None:
    robots = """User-agent: *
Disallow: /private
Sitemap: https://tribune.example/sitemap-news.xml
sitemap:/sitemaps/index.xml   # relative, lower case
Sitemap: ftp://tribune.example/nope.xml
Sitemap: https://tribune.example/sitemap.xml
"""
    urls = sitemap_urls_from_robots(robots, "https://tribune.example/robots.txt")
    assert urls == [
        "https://tribune.example/sitemap-news.xml",
        "https://tribune.example/sitemaps/index.xml",
        "https://tribune.example/sitemap.xml",
        "https://tribune.example/sitemap_index.xml",
        "https://tribune.example/news-sitemap.xml",
    ]
    assert len(DEFAULT_SITEMAP_PATHS) == 3


def test_sitemaps_without_defaults() -> None:
    assert sitemap_urls_from_robots("User-agent: *\n", "https://a.example/", defaults=False) == []


@pytest.mark.parametrize(
    ("title", "url", "name"),
    [
        ("Latest news | Pressline Business", "http://127.0.0.1:8001/", "Pressline Business"),
        ("BBC News - Home", "https://www.bbc.co.uk/news", "BBC News"),
        ("Welcome to the Hillcrest Herald", None, "the Hillcrest Herald"),
        ("Markets | Tribune | Daily Tribune", "https://dailytribune.example/", "Daily Tribune"),
        ("Top Stories", None, "Top Stories"),  # nothing but section words: kept as it is
        ("Carrow Valley Gazette", None, "Carrow Valley Gazette"),
    ],
)
def test_a_sites_name_is_its_page_title_less_the_section(
    title: str, url: str | None, name: str
) -> None:
    assert site_name(title, url) == name
