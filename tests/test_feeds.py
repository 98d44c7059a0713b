"""Feed parsing: golden pairs, refusals, security, and the shared corpus."""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.exceptions import FeedParseError
from occasional.sources import PARSERS, looks_like_html, parse_feed

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
FEED_URL = "https://feeds.example/path/feed"
GOLDEN = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".xml", ".json"))
GOLDEN = [p for p in GOLDEN if (FIXTURES / f"{p.stem}.expected.json").exists()]


def _shared_feeds() -> Path:
    shared = os.environ.get("OCCASIONAL_SHARED_DATA")
    base = (
        Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
    return base / "feeds"


def _jsonable(value: Any) -> Any:
    """The same shape the .expected.json files hold."""
    encoded = json.dumps(
        dataclasses.asdict(value),
        default=lambda o: o.isoformat() if isinstance(o, datetime) else str(o),
    )
    return json.loads(encoded)


# --- golden pairs ---------------------------------------------------------------


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_pair(path: Path) -> None:
    expected = json.loads((FIXTURES / f"{path.stem}.expected.json").read_text("utf-8"))
    assert _jsonable(parse_feed(path.read_bytes(), FEED_URL)) == expected


def test_golden_set_covers_every_format() -> None:
    formats = {parse_feed(p.read_bytes(), FEED_URL).format for p in GOLDEN}
    wanted = {"rss0.90", "rss0.91", "rss0.92", "rss1.0", "rss2.0", "atom0.3", "atom1.0"}
    assert wanted | {"json1.0", "json1.1"} <= formats


def test_times_are_aware_utc() -> None:
    feed = parse_feed((FIXTURES / "rss20.xml").read_bytes(), FEED_URL)
    published = feed.entries[0].published
    assert published is not None and published.utcoffset() is not None
    assert published.isoformat() == "2024-03-12T08:30:00+00:00"  # 09:30 at +01:00


def test_relative_links_resolve_against_the_feed_url() -> None:
    feed = parse_feed((FIXTURES / "rss20.xml").read_bytes(), "https://other.example/a/b")
    assert feed.entries[0].link == "https://other.example/news/2024/03/ferry-timetable"


def test_polling_hints() -> None:
    rss = parse_feed((FIXTURES / "rss20.xml").read_bytes(), FEED_URL)
    rdf = parse_feed((FIXTURES / "rss10.xml").read_bytes(), FEED_URL)
    assert (rss.ttl_minutes, rss.update_period_minutes) == (45, 60)
    assert rdf.update_period_minutes == 30  # hourly, twice


def test_windows_1252_and_utf16_decode() -> None:
    cafe = parse_feed((FIXTURES / "windows1252.xml").read_bytes(), FEED_URL)
    greek = parse_feed((FIXTURES / "utf16_bom.xml").read_bytes(), FEED_URL)
    assert cafe.entries[0].title == "“Smart” quotes — and a dash"
    assert greek.entries[1].title == "日本語のタイトル"


def test_content_type_charset_used_when_document_declares_none() -> None:
    body = "<rss version='2.0'><channel><title>Çà</title></channel></rss>".encode("latin-1")
    feed = parse_feed(body, FEED_URL, "application/rss+xml; charset=ISO-8859-1")
    assert feed.title == "Çà"


def test_bare_ampersands_are_repaired_and_reported() -> None:
    feed = parse_feed((FIXTURES / "illformed_entities.xml").read_bytes(), FEED_URL)
    assert feed.title == "Fish & Chips Weekly"
    assert feed.entries[0].link == "https://fishchips.example/best?year=2024&page=1"
    assert any("repaired" in error for error in feed.errors)


def test_ampersands_inside_cdata_are_left_alone() -> None:
    body = (
        b"<rss version='2.0'><channel><title>T</title><item><title>x</title>"
        b"<description><![CDATA[a & b&nbsp;c]]></description></item></channel></rss>"
    )
    feed = parse_feed(body, FEED_URL)
    assert feed.entries[0].summary == "a & b&nbsp;c"
    assert feed.errors == ()


def test_truncated_feed_keeps_what_parsed() -> None:
    feed = parse_feed((FIXTURES / "illformed_truncated.xml").read_bytes(), FEED_URL)
    assert [e.title for e in feed.entries][:2] == ["First story survives", "Second story survives"]
    assert feed.errors


def test_parsers_are_registered_by_kind() -> None:
    assert set(PARSERS) == {"xml", "json"}


# --- refusals --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        ((FIXTURES / "not_a_feed.html").read_bytes(), "HTML page"),
        (gzip.compress(b"<rss/>"), "gzip"),
        (b"%PDF-1.7 ...", "PDF"),
        (b"just some words", "plain text"),
        (b'{"error": "rate limited"}', "not a JSON Feed"),
        (b"<catalog><book>x</book></catalog>", "not a feed"),
    ],
)
def test_not_a_feed_says_what_it_got(body: bytes, found: str) -> None:
    with pytest.raises(FeedParseError, match=found) as caught:
        parse_feed(body, FEED_URL)
    assert caught.value.url == FEED_URL


def test_looks_like_html() -> None:
    assert looks_like_html((FIXTURES / "not_a_feed.html").read_bytes())
    assert looks_like_html("<!-- hi --><html><body>x</body></html>")
    assert not looks_like_html((FIXTURES / "rss20.xml").read_bytes())
    stray_doctype = b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><rss version="2.0"/>'
    assert not looks_like_html(stray_doctype)


def test_external_dtd_without_entities_is_stripped_not_fetched() -> None:
    feed = parse_feed((FIXTURES / "rss091.xml").read_bytes(), FEED_URL)
    assert feed.format == "rss0.91" and len(feed.entries) == 2


# --- security --------------------------------------------------------------------


def test_billion_laughs_is_refused_quickly() -> None:
    start = time.perf_counter()
    with pytest.raises(FeedParseError, match="feed declares XML entities; refused"):
        parse_feed((FIXTURES / "billion_laughs.xml").read_bytes(), FEED_URL)
    assert time.perf_counter() - start < 1.0


def test_xxe_is_refused_without_reading_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
        '<rss version="2.0"><channel><title>&s;</title><item><title>&s;</title></item>'
        "</channel></rss>"
    ).encode()
    with pytest.raises(FeedParseError, match="entities") as caught:
        parse_feed(body, FEED_URL)
    assert "TOP-SECRET" not in str(caught.value)
    with pytest.raises(FeedParseError, match="entities"):
        parse_feed((FIXTURES / "xxe.xml").read_bytes(), FEED_URL)


def test_parameter_entities_and_lowercase_declarations_are_refused() -> None:
    body = b'<!DOCTYPE rss [<!entity % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><rss/>'
    with pytest.raises(FeedParseError, match="entities"):
        parse_feed(body, FEED_URL)


def test_a_body_that_names_a_file_is_not_opened(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    target.write_bytes((FIXTURES / "rss20.xml").read_bytes())
    with pytest.raises(FeedParseError, match="plain text"):
        parse_feed(str(target).encode(), FEED_URL)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=300).map(lambda t: f"<rss>{t}".encode()))
def test_arbitrary_bytes_raise_only_feed_parse_error(body: bytes) -> None:
    try:
        feed = parse_feed(body, FEED_URL)
    except FeedParseError as exc:
        assert str(exc)
    else:
        assert isinstance(feed.entries, tuple)


# --- the shared corpus -------------------------------------------------------------


def _corpus() -> Path:
    root = _shared_feeds()
    if not root.is_dir():
        pytest.skip(f"shared feed corpus not found at {root} (set OCCASIONAL_SHARED_DATA)")
    return root


@pytest.mark.eval
def test_every_corpus_file_parses_or_raises_feed_parse_error() -> None:
    root = _corpus()
    parsed = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE"):
        try:
            parse_feed(path.read_bytes(), "https://example.com/feed")
            parsed += 1
        except FeedParseError:
            pass
    assert parsed > 1500


@pytest.mark.eval
@pytest.mark.slow
def test_wellformed_suite_never_finds_fewer_entries_than_feedparser() -> None:
    suite = _corpus() / "feedparser-wellformed"
    fewer: list[str] = []
    for path in sorted(suite.glob("*.xml")):
        body = path.read_bytes()
        if b"<!ENTITY" in body:
            with pytest.raises(FeedParseError, match="entities"):
                parse_feed(body, "https://example.com/feed")
            continue
        expected = len(feedparser.parse(body).entries)
        try:
            found = len(parse_feed(body, "https://example.com/feed").entries)
        except FeedParseError:
            found = 0
        if found < expected:
            fewer.append(f"{path.name}: {found} < {expected}")
    assert fewer == []


def test_text_before_the_xml_is_skipped_and_reported() -> None:
    body = (
        b"Warning: mysql_connect() failed in /var/www/feed.php on line 3\n"
        + (FIXTURES / "rss20.xml").read_bytes()
    )
    feed = parse_feed(body, FEED_URL)
    assert len(feed.entries) == 2
    assert any("before the XML" in error for error in feed.errors)


def test_long_leading_whitespace_is_not_an_empty_response() -> None:
    body = b"\n" * 500 + (FIXTURES / "rss20.xml").read_bytes()
    assert parse_feed(body, FEED_URL).title == "Harbour Town Gazette"


def test_undeclared_latin1_is_read_as_windows_1252() -> None:
    body = "<rss version='2.0'><channel><title>Très “bien”</title></channel></rss>"
    feed = parse_feed(body.encode("cp1252"), FEED_URL)
    assert feed.title == "Très “bien”"
    assert any("windows-1252" in error for error in feed.errors)


# --- the native fast path and its fallbacks ----------------------------------------


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_pair_without_the_native_extractor(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fastfeedparser build without its compiled extractor must give the same answers.
    from occasional.sources import _native

    monkeypatch.setattr(_native, "_CORE", None)
    expected = json.loads((FIXTURES / f"{path.stem}.expected.json").read_text("utf-8"))
    assert _jsonable(parse_feed(path.read_bytes(), FEED_URL)) == expected


def test_entries_outside_the_channel_are_not_lost() -> None:
    body = (
        b"<rss version='0.91'><channel><title>T</title><item><title>a</title></item>"
        b"</channel><item><title>b</title></item></rss>"
    )
    assert [e.title for e in parse_feed(body, FEED_URL).entries] == ["a", "b"]


def test_escaped_entry_markup_in_text_is_not_an_entry() -> None:
    body = (
        b"<rss version='2.0'><channel><title>T</title><item><title>a</title>"
        b"<description>&lt;item&gt; and &lt;entry/&gt;</description></item></channel></rss>"
    )
    feed = parse_feed(body, FEED_URL)
    assert [e.summary for e in feed.entries] == ["<item> and <entry/>"]
    assert feed.errors == ()


def test_ampersand_in_a_comment_is_not_reported_as_repaired() -> None:
    body = (
        b"<!-- Fish & Chips --><rss version='2.0'><channel><title>T &amp; U</title>"
        b"<item><title>a</title></item></channel></rss>"
    )
    feed = parse_feed(body, FEED_URL)
    assert (feed.title, feed.errors) == ("T & U", ())


def test_whitespace_before_the_xml_declaration_is_tolerated() -> None:
    body = b"\n  " + (FIXTURES / "rss20.xml").read_bytes()
    feed = parse_feed(body, FEED_URL)
    assert feed.title == "Harbour Town Gazette" and len(feed.entries) == 2


def test_channel_hints_after_the_entries_are_read() -> None:
    body = (
        b"<rss version='2.0'><channel><title>T</title><item><title>a</title></item>"
        b"<language>nl-BE</language><ttl>90</ttl></channel></rss>"
    )
    feed = parse_feed(body, FEED_URL)
    assert (feed.language, feed.ttl_minutes) == ("nl-BE", 90)


def test_atom_alternate_link_wins_over_self() -> None:
    body = (
        b"<feed xmlns='http://www.w3.org/2005/Atom' xml:lang='de'><title> T </title>"
        b"<link rel='self' href='https://a.example/feed'/><link href='/home'/>"
        b"<subtitle>S</subtitle><entry><id>1</id><title>a</title>"
        b"<updated>2024-03-12T10:00:00+02:00</updated></entry></feed>"
    )
    feed = parse_feed(body, FEED_URL)
    assert (feed.title, feed.link, feed.description, feed.language) == (
        "T",
        "https://feeds.example/home",
        "S",
        "de",
    )
    assert feed.entries[0].updated is not None
    assert feed.entries[0].updated.isoformat() == "2024-03-12T08:00:00+00:00"


def test_feed_elements_under_an_unknown_root_still_get_the_second_parser() -> None:
    body = b"<wrapper><channel><title>T</title><item><title>a</title></item></channel></wrapper>"
    feed = parse_feed(body, FEED_URL)
    assert (feed.title, [e.title for e in feed.entries]) == ("T", ["a"])


def test_rss10_finds_every_item_and_not_the_items_list() -> None:
    feed = parse_feed((FIXTURES / "rss10.xml").read_bytes(), FEED_URL)
    assert len(feed.entries) == (FIXTURES / "rss10.xml").read_bytes().count(b"<item ")


@pytest.mark.parametrize("name", ["rss20.xml", "atom10.xml", "rss092.xml"])
def test_well_formed_feeds_take_the_native_path(name: str) -> None:
    # The fast path swallows its own failures, so check it is really taken.
    from occasional.sources._native import _CORE, native_feed
    from occasional.sources._prolog import prepare_xml

    if _CORE is None:
        pytest.skip("this fastfeedparser build has no compiled extractor")
    head = prepare_xml((FIXTURES / name).read_bytes(), FEED_URL)
    taken = native_feed(head, FEED_URL)
    assert taken is not None
    full = parse_feed((FIXTURES / name).read_bytes(), FEED_URL)
    assert (taken[0].title, taken[0].entries) == (full.title, full.entries)
    assert full.entries


RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="https://lab.example/"><title>Lab</title>
    <link>https://lab.example/</link><description>Notes</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://lab.example/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://lab.example/1"><title>One</title>
    <link>https://lab.example/1</link><description>Short</description>
    <content:encoded><![CDATA[<p>Long</p>]]></content:encoded>
    <dc:date>2024-03-12T10:00:00+01:00</dc:date><dc:creator>Ada</dc:creator>
    <dc:subject>chemistry</dc:subject></item>
</rdf:RDF>"""


def test_rss10_items_keep_content_dates_authors_and_subjects() -> None:
    feed = parse_feed(RSS10, FEED_URL)
    assert (feed.format, feed.title, feed.description) == ("rss1.0", "Lab", "Notes")
    (entry,) = feed.entries
    assert (entry.title, entry.summary, entry.content) == ("One", "Short", "<p>Long</p>")
    assert entry.published is not None
    assert entry.published.isoformat() == "2024-03-12T09:00:00+00:00"
    assert (entry.authors, entry.categories) == (("Ada",), ("chemistry",))


def test_rss10_with_prefixed_items_still_finds_them() -> None:
    body = (
        RSS10.replace(b'xmlns="http://purl.org/rss/1.0/"', b'xmlns:r="http://purl.org/rss/1.0/"')
        .replace(b"<item ", b"<r:item ")
        .replace(b"</item>", b"</r:item>")
        .replace(b"<title>One</title>", b"<r:title>One</r:title>")
    )
    assert [e.title for e in parse_feed(body, FEED_URL).entries] == ["One"]


@pytest.mark.parametrize("native", [True, False], ids=["native", "without-native"])
def test_a_guid_is_not_read_as_a_date(native: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # fastfeedparser completes "t1" or "42" from today's date when an entry has
    # no date element: the same feed would get another time on another day.
    from occasional.sources import _native

    if not native:
        monkeypatch.setattr(_native, "_CORE", None)
    items = "".join(
        f"<item><title>{guid}</title><guid isPermaLink='false'>{guid}</guid></item>"
        for guid in ("t1", "42", "2024-05-01T10:00:00Z")
    )
    dated = (
        "<item><title>d</title><guid isPermaLink='false'>d7</guid>"
        "<pubDate>Thu, 05 Mar 2026 08:00:00 GMT</pubDate></item>"
    )
    body = f"<rss version='2.0'><channel><title>T</title>{items}{dated}</channel></rss>"
    published = {e.title: e.published for e in parse_feed(body.encode(), FEED_URL).entries}
    assert published["t1"] is None and published["42"] is None
    # A guid that is a whole ISO 8601 time leaves nothing to guess; a date element wins.
    assert published["2024-05-01T10:00:00Z"] == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert published["d"] == datetime(2026, 3, 5, 8, tzinfo=UTC)
