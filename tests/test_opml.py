"""OPML import and export."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.exceptions import OPMLError
from occasional.sources import OPMLOutline, parse_opml, write_opml
from occasional.types import Source, SourceSettings

FIXTURES = Path(__file__).parent / "fixtures" / "opml"


def test_folders_become_tags_and_bad_outlines_are_listed() -> None:
    doc = parse_opml((FIXTURES / "subscriptions.opml").read_bytes())
    assert doc.title == "My feeds"
    assert doc.outlines == (
        OPMLOutline("https://loose.example/feed", "Loose feed", "https://loose.example/", ()),
        OPMLOutline(
            "https://tribune.example/rss", "The Tribune", "https://tribune.example/", ("News",)
        ),
        OPMLOutline(
            "https://gazette.example/feed/",
            "Gazette",
            None,
            ("News", "Local", "harbour", "weekly"),
        ),
        OPMLOutline("https://notitle.example/atom.xml", None, None, ("Tech",)),
    )
    assert len(doc.errors) == 3
    assert "duplicate" in doc.errors[0] and "Dup Tribune" in doc.errors[0]
    assert "no xmlUrl" in doc.errors[1] and "Bookmarks only" in doc.errors[1]
    assert "invalid URL" in doc.errors[2] and "gopher://" in doc.errors[2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        ((FIXTURES / "not_opml.xml").read_bytes(), "<rss>"),
        (b"name,url\nfoo,https://x.example/", "not OPML"),
        (b'<!DOCTYPE opml [<!ENTITY a "b">]><opml/>', "entities"),
    ],
)
def test_not_opml(data: bytes, message: str) -> None:
    with pytest.raises(OPMLError, match=message):
        parse_opml(data)


def test_opml_without_body_is_empty_with_an_error() -> None:
    doc = parse_opml(b"<opml version='1.0'><head><title>t</title></head></opml>")
    assert doc.outlines == () and doc.errors


def test_write_opml_groups_by_first_tag() -> None:
    sources = [
        Source(id="1", url="https://a.example/feed", title="A & B"),
        Source(
            id="2",
            url="https://c.example/rss",
            site_url="https://c.example/",
            settings=SourceSettings(tags=("news", "daily")),
        ),
    ]
    text = write_opml(sources, title="Mine")
    doc = parse_opml(text.encode())
    assert doc.title == "Mine"
    assert doc.outlines == (
        OPMLOutline("https://a.example/feed", "A & B", None, ()),
        OPMLOutline("https://c.example/rss", None, "https://c.example/", ("news", "daily")),
    )
    assert "A &amp; B" in text


_words = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)
_tags = st.lists(_words.filter(lambda t: "," not in t and "/" not in t), max_size=3, unique=True)
_paths = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-/", min_size=1, max_size=15)


@st.composite
def _sources(draw: st.DrawFn) -> list[Source]:
    paths = draw(st.lists(_paths, max_size=6, unique=True))
    result = []
    for number, path in enumerate(paths):
        result.append(
            Source(
                id=str(number),
                url=f"https://feeds.example/{path}",
                title=draw(st.none() | _words),  # at most 12 characters: never the URL
                site_url=draw(st.none() | st.just(f"https://site.example/{number}")),
                kind=draw(st.sampled_from(["feed", "sitemap"])),
                settings=SourceSettings(tags=tuple(draw(_tags))),
            )
        )
    return result


@settings(max_examples=60, deadline=None)
@given(_sources(), _words)
def test_write_then_parse_round_trips(sources: list[Source], title: str) -> None:
    doc = parse_opml(write_opml(sources, title=title).encode("utf-8"))
    assert doc.title == title
    assert doc.errors == ()
    got = {o.url: o for o in doc.outlines}
    assert set(got) == {s.url for s in sources}
    for source in sources:
        outline = got[source.url]
        assert outline.title == source.title
        assert outline.site_url == source.site_url
        assert outline.tags == source.settings.tags
        assert outline.kind == source.kind


def test_sitemap_sources_round_trip_as_sitemaps() -> None:
    sources = [
        Source(id="1", url="https://a.example/feed", title="A"),
        Source(id="2", url="https://b.example/sitemap.xml", kind="sitemap", title="B"),
    ]
    doc = parse_opml(write_opml(sources).encode())
    assert [(o.url, o.kind) for o in doc.outlines] == [
        ("https://a.example/feed", "feed"),
        ("https://b.example/sitemap.xml", "sitemap"),
    ]


def test_a_cut_short_file_says_it_is_damaged() -> None:
    text = write_opml(
        [Source(id=str(n), url=f"https://{n}.example/feed", title=f"F{n}") for n in range(5)]
    )
    doc = parse_opml(text[: text.index("https://3.example")].encode())
    assert doc.damaged and "cut short" in doc.damaged
    assert [o.url for o in doc.outlines][:3] == [f"https://{n}.example/feed" for n in range(3)]
    assert parse_opml(text.encode()).damaged is None
