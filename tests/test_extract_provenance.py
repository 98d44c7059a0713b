"""Provenance links and the site rule they rest on."""

from __future__ import annotations

import pytest

from occasional.exceptions import ExtractionError
from occasional.extract import find_source_links, site_of

HERE = "https://digest.example.com/2024/11/02/story/"


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.bbc.co.uk/news/x", "bbc.co.uk"),
        ("https://news.example.com:8443/a", "example.com"),
        ("https://blog.github.io/x", "blog.github.io"),
        ("http://127.0.0.1:8001/a", "127.0.0.1:8001"),
        ("http://127.0.0.1/a", "127.0.0.1:80"),
        ("http://localhost:9000/x", "localhost:9000"),
        ("mailto:someone@example.com", None),
        ("not a url", None),
    ],
)
def test_site_of(url: str, site: str | None) -> None:
    assert site_of(url) == site


@pytest.mark.parametrize(
    "body",
    [
        '<p><a href="https://wire.example.org/a">Source link</a></p>',
        '<p><a href="https://wire.example.org/a">SOURCE</a></p>',
        '<p>Source: <a href="https://wire.example.org/a">Metro Wire</a></p>',
        '<p><strong>Source:</strong> <a href="https://wire.example.org/a">Metro Wire</a></p>',
        '<p>This story originally appeared on <a href="https://wire.example.org/a">Wire</a>.</p>',
        '<p>Originally published at <a href="https://wire.example.org/a">wire.example.org</a></p>',
        '<p>Story via <a href="https://wire.example.org/a">Metro Wire</a></p>',
        '<p><a href="https://wire.example.org/a">Read the original article</a></p>',
        '<p>Read more at <a href="https://wire.example.org/a">Metro Wire</a></p>',
        '<p>Quelle: <a href="https://wire.example.org/a">Metro Wire</a></p>',
        '<p><a href="//wire.example.org/a">Source link</a></p>',
    ],
)
def test_labelled_anchor_to_another_site_is_a_source(body: str) -> None:
    links = find_source_links(_page(body), HERE)
    assert links in {("https://wire.example.org/a",), ("http://wire.example.org/a",)}


@pytest.mark.parametrize(
    "body",
    [
        '<p><a href="/2024/11/01/other/">Source link</a></p>',
        '<p><a href="https://www.example.com/about">Source link</a></p>',
        '<p>The minister said <a href="https://wire.example.org/a">in a statement</a>.</p>',
        '<p><a href="https://wire.example.org/a">Metro Wire</a></p>',
        '<p>Source: <a href="https://www.facebook.com/sharer/sharer.php?u=x">Facebook</a></p>',
        '<p>via <a href="https://twitter.com/intent/tweet?text=x">Twitter</a></p>',
        '<p>Source: <a href="https://wire.example.org/tag/strikes/">strikes</a></p>',
        '<p>Source: <a rel="tag" href="https://wire.example.org/strikes">strikes</a></p>',
        '<figure><figcaption>Photo via <a href="https://pics.example.net/1">Pics</a>'
        "</figcaption></figure>",
        '<p>Source: <a href="mailto:desk@wire.example.org">desk</a></p>',
    ],
)
def test_other_links_are_not_sources(body: str) -> None:
    assert find_source_links(_page(body), HERE) == ()


def test_loopback_ports_are_different_sites() -> None:
    here = "http://127.0.0.1:8107/2024/11/02/copy/"
    body = (
        '<p><a href="http://127.0.0.1:8101/news/original.html">Source link</a></p>'
        '<p><a href="http://127.0.0.1:8107/2024/11/01/other/">Source link</a></p>'
    )
    assert find_source_links(_page(body), here) == ("http://127.0.0.1:8101/news/original.html",)


def test_canonical_and_og_url_on_another_site_come_first_and_once() -> None:
    head = (
        '<link rel="canonical" href="https://wire.example.org/a">'
        '<meta property="og:url" content="https://wire.example.org/a">'
    )
    body = '<p>Source: <a href="https://wire.example.org/a">Metro Wire</a></p>'
    body += '<p>Via <a href="https://other.example.net/b">Other</a></p>'
    links = find_source_links(_page(body, head), HERE)
    assert links == ("https://wire.example.org/a", "https://other.example.net/b")


def test_same_site_canonical_is_not_a_source() -> None:
    head = '<link rel="canonical" href="/2024/11/02/story/"><meta property="og:url" content="https://www.example.com/s">'
    assert find_source_links(_page("<p>Text.</p>", head), HERE) == ()


def test_without_url_canonicals_are_ignored_but_absolute_labelled_links_kept() -> None:
    head = '<link rel="canonical" href="https://wire.example.org/a">'
    body = '<p><a href="https://wire.example.org/b">Source link</a><a href="/c">Source</a></p>'
    assert find_source_links(_page(body, head), None) == ("https://wire.example.org/b",)


def test_unparseable_page_raises() -> None:
    with pytest.raises(ExtractionError):
        find_source_links(b"", HERE)


@pytest.mark.parametrize("url", [None, HERE])
def test_malformed_links_are_skipped(url: str | None) -> None:
    body = '<p><a href="http://[">Source link</a><a href="http://a.example:99999/">Source</a></p>'
    assert find_source_links(_page(body), url) == ()
