"""URL canonicalisation: the rules one by one, and properties over any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from occasional.stories.urls import canonicalize_url

CANONICAL = "https://example.com/news/story-1"


@pytest.mark.parametrize(
    "variant",
    [
        "https://example.com/news/story-1",
        "http://example.com/news/story-1",
        "https://www.example.com/news/story-1",
        "https://EXAMPLE.com/news/story-1/",
        "https://example.com:443/news/story-1",
        "http://example.com:80/news/story-1",
        "https://example.com/news/story-1#comments",
        "https://example.com/news/story-1?utm_source=rss&utm_medium=feed",
        "https://example.com/news/story-1?fbclid=XYZ&gclid=1&mc_cid=a&mc_eid=b",
        "https://example.com/news/story-1?ref=homepage&cmpid=abc",
        "https://example.com/news/story-1?amp=1",
        "https://example.com/news/story-1/amp",
        "https://example.com/amp/news/story-1",
        "https://amp.example.com/news/story-1",
        "https://m.example.com/news/story-1",
        "https://mobile.example.com/news/story-1",
        "  https://www.example.com/news/story-1/?utm_campaign=x#top  ",
    ],
)
def test_variants_collapse_to_one_url(variant: str) -> None:
    assert canonicalize_url(variant) == CANONICAL


def test_query_is_sorted_and_meaningful_parameters_stay() -> None:
    url = "https://example.com/search?q=rain&page=2&utm_source=x"
    assert canonicalize_url(url) == "https://example.com/search?page=2&q=rain"


def test_distinct_pages_stay_distinct() -> None:
    a = canonicalize_url("https://example.com/news/story-1?id=1")
    b = canonicalize_url("https://example.com/news/story-1?id=2")
    c = canonicalize_url("https://other.example/news/story-1")
    assert len({a, b, c}) == 3


def test_non_default_port_and_root_path_kept() -> None:
    assert canonicalize_url("http://example.com:8080/a/") == "https://example.com:8080/a"
    assert canonicalize_url("http://www.example.com") == "https://example.com/"


def test_host_prefix_alone_is_not_stripped_to_nothing() -> None:
    assert canonicalize_url("https://m.com/x") == "https://m.com/x"


@pytest.mark.parametrize("junk", ["", "not a url", "ftp://example.com/x", "http://[", "mailto:a@b"])
def test_junk_comes_back_stripped(junk: str) -> None:
    assert canonicalize_url(f" {junk} ") == junk


@given(st.text())
def test_never_raises_and_is_idempotent_on_any_text(text: str) -> None:
    once = canonicalize_url(text)
    assert canonicalize_url(once) == once


_segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~%", min_size=0, max_size=8)


@given(
    scheme=st.sampled_from(["http", "https", "HTTP"]),
    host=st.sampled_from(["example.com", "www.example.com", "m.news.example", "amp.x.example"]),
    path=st.lists(_segment, max_size=4),
    query=st.dictionaries(_segment, _segment, max_size=3),
    fragment=_segment,
)
def test_idempotent_on_url_shaped_input(
    scheme: str, host: str, path: list[str], query: dict[str, str], fragment: str
) -> None:
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    url = f"{scheme}://{host}/{'/'.join(path)}?{qs}#{fragment}"
    once = canonicalize_url(url)
    assert once.startswith("https://")
    assert "#" not in once
    assert canonicalize_url(once) == once
