"""Extraction on the bundled sample news web, served on loopback ports.

Every outlet of the demo web is its own site (its own port on 127.0.0.1),
so an aggregator's "Source link" to another outlet is a source link, and
an outlet's links to itself are not.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from occasional.demo.server import NewsWeb, run_news_web
from occasional.extract import extract_page
from occasional.extract.evaluation import page_scores


@pytest.fixture(scope="module")
def web() -> Iterator[NewsWeb]:
    with run_news_web() as running:
        yield running


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
    return body


def test_demo_pages_extract_with_their_provenance(web: NewsWeb) -> None:
    checked = republished = 0
    for article in web.articles:
        if web.outlet(article.outlet).kind == "trouble" or (article.copy_of and article.wire):
            continue  # trouble sites fail on purpose; wire copies credit the wire in words
        page = extract_page(_get(article.url), article.url)
        precision, recall = page_scores("\n".join(article.body), page.text)
        assert precision > 0.95 and recall > 0.95, article.url
        assert page.title and page.published is not None
        if article.copy_of:
            republished += 1
            assert page.source_links == (article.copy_of,), article.url
            assert not page.text.lower().startswith(("sat.", "sun.", "mon.", "tue.", "wed."))
            assert "a story for you" not in page.text
            assert "Source link" not in page.text
        else:
            assert page.source_links == (), article.url
        checked += 1
    assert republished >= 3 and checked >= 20
