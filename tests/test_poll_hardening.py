"""A poll survives whatever one source or one page does (issues 13 and 14).

Against real loopback servers and real databases: each case here once aborted
``poll --all`` or lost data.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner

from faultweb import FaultWeb, article_page, item, json_feed, rss
from occasional import make_engine
from occasional.cli import cli
from occasional.core import Engine
from occasional.exceptions import (
    ExtractionError,
    FeedParseError,
    FetchError,
    InvalidURLError,
    OccasionalError,
    StorageError,
)
from occasional.extract import get_extractor, register_extractor
from occasional.sources import PARSERS
from occasional.types import ExtractedPage

pytestmark = pytest.mark.faults

ALLOW = {"fetch": {"allow_networks": ["127.0.0.0/8"], "read_timeout": 5.0}}
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def engine_at(home: Path, clock: Clock | None = None, **sections: dict[str, object]) -> Engine:
    overrides: dict[str, object] = {"fetch": {**ALLOW["fetch"], **sections.pop("fetch", {})}}
    overrides |= sections
    if clock is None:
        return make_engine(home=home, overrides=overrides)
    return make_engine(home=home, overrides=overrides, clock=clock)


@pytest.fixture
def site() -> Iterator[FaultWeb]:
    with FaultWeb() as web_:
        yield web_


def cli_run(home: Path, *args: str):
    env = {"OCCASIONAL_HOME": str(home), "OCCASIONAL_ALLOW_NETWORKS": "127.0.0.0/8"}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


# --- entries without a page ------------------------------------------------------


def test_linkless_entry_keeps_its_feed_text_and_poll_all_exits_0(
    site: FaultWeb, tmp_path: Path
) -> None:
    items = [
        item("Dock workers walk out", guid="some-id", text="<p>The feed's <b>own</b> text.</p>"),
        item("Ferries resume", link=site.url("/ferries")),
    ]
    site.route("/feed.xml", site.static(rss(items, link=site.url("/")), "application/rss+xml"))
    site.route("/ferries", site.static(article_page("Ferries resume"), "text/html"))
    assert cli_run(tmp_path, "add", site.url("/feed.xml"), "--no-discover").exit_code == 0

    polled = cli_run(tmp_path, "poll", "--all", "--json")
    assert polled.exit_code == 0, polled.output
    (result,) = [json.loads(line) for line in polled.stdout.splitlines()]
    assert (result["status"], result["new"], result["error"]) == ("ok", 2, None)
    exported = cli_run(tmp_path, "export", "articles", "--format", "jsonl")
    articles = {a["title"]: a for a in map(json.loads, exported.stdout.splitlines())}
    linkless = articles["Dock workers walk out"]
    assert linkless["url"] == site.url("/")  # the site, never the bare guid
    assert linkless["text"] == "The feed's own text."
    assert "Paragraph 7" in articles["Ferries resume"]["text"]
    assert site.hits["/some-id"] == 0 and site.hits["/"] == 0  # no page was asked for
    with make_engine(home=tmp_path) as engine:
        assert engine.storage.due_pages(T0 + timedelta(days=9999), since=T0, limit=9) == []


@pytest.mark.parametrize(
    "link",
    [
        "mailto:desk@harbour.example",
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://harbour.example/story",
        "file:///etc/passwd",
        "http://127.1/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "https://harbour.example/" + "x" * 3000,
    ],
)
def test_entry_links_that_are_no_page(site: FaultWeb, tmp_path: Path, link: str) -> None:
    items = [item("Odd link", link=link, guid="odd"), item("Good", link=site.url("/good"))]
    site.route("/feed.xml", site.static(rss(items, link=site.url("/")), "application/rss+xml"))
    site.route("/good", site.static(article_page("Good"), "text/html"))
    with engine_at(tmp_path, fetch={"allow_networks": ["127.0.0.1/32"]}) as engine:
        source = engine.add_source(site.url("/feed.xml"), discover=False)
        report = engine.poll(everything=True)
        stored = {a.title: a for a in engine.articles(source=source.id)}
    assert report.sources[0].status == "ok" and len(report.sources[0].new_articles) == 2
    odd = stored["Odd link"]
    fetchable = link.startswith("http://") and len(link) <= 2048
    assert odd.url == (link if fetchable else site.url("/"))  # else the site, never the link
    assert "Paragraph 7" in stored["Good"].text
    assert odd.text == "A short summary of Odd link"
    pages = {p.article_id: p for p in report.pages}
    assert pages[stored["Good"].id].how == "extracted"
    if fetchable:
        # A numeric form of a loopback address: asked for, refused, kept the feed's text.
        assert pages[odd.id].how == "feed" and pages[odd.id].error
        assert odd.page_error and odd.page_attempts == 1
    else:
        assert odd.id not in pages


# --- one source or one page never stops the others ----------------------------------


def test_one_poisoned_feed_among_31_is_that_sources_error(site: FaultWeb, tmp_path: Path) -> None:
    for n in range(30):
        body = rss([item(f"Story {n}", link=site.url(f"/s{n}"))])
        site.route(f"/f{n}.xml", site.static(body, "application/rss+xml"))
    poisoned = json_feed([{"id": "1", "url": site.url("/p"), "title": "Tagged", "tags": 5}])
    site.route("/poisoned.json", site.static(poisoned, "application/feed+json"))
    with engine_at(tmp_path, articles={"fetch_full": False}) as engine:
        for n in range(30):
            engine.add_source(site.url(f"/f{n}.xml"), discover=False)
        bad = engine.add_source(site.url("/poisoned.json"), discover=False)
        for _ in range(2):
            report = engine.poll(everything=True)
            assert len(report.sources) == 31
            assert all(r.status == "ok" for r in report.sources), report.sources
        assert all(s.last_polled is not None for s in engine.sources())
        assert [a.title for a in engine.articles(source=bad.id)] == ["Tagged"]


def test_a_parser_bug_is_recorded_as_that_sources_error(
    site: FaultWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parser registry is our own seam: a JSON Feed parser with a bug in it.
    def buggy(body: bytes, url: str, charset: str | None) -> object:
        raise TypeError("'int' object is not iterable")

    monkeypatch.setitem(PARSERS, "json", buggy)
    site.route("/good.xml", site.static(rss([item("Fine", link=site.url("/a"))]), "text/xml"))
    site.route("/bad.json", site.static(json_feed([{"id": "1"}]), "application/feed+json"))
    with engine_at(tmp_path, articles={"fetch_full": False}) as engine:
        good = engine.add_source(site.url("/good.xml"), discover=False)
        bad = engine.add_source(site.url("/bad.json"), discover=False)
        report = engine.poll(everything=True)
        results = {r.source_id: r for r in report.sources}
        assert results[good.id].status == "ok" and len(results[good.id].new_articles) == 1
        assert results[bad.id].status == "error"
        assert "TypeError: 'int' object is not iterable" in (results[bad.id].error or "")
        stored = engine.storage.get_source(bad.id)
        assert stored.failures == 1 and "TypeError" in (stored.last_error or "")
        (logged,) = engine.storage.fetch_log(bad.id)
        assert "TypeError" in (logged.error or "")
        assert stored.disabled_reason is None  # never given up


BOOM: list[BaseException] = [
    TypeError("unsupported operand"),
    ValueError("bad value"),
    KeyError("missing"),
    AttributeError("no attribute"),
    IndexError("out of range"),
    OverflowError("date value out of range"),
    RecursionError("maximum recursion depth exceeded"),
    ZeroDivisionError("division by zero"),
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    AssertionError("an assert in a library"),
    RuntimeError("runtime"),
    NotImplementedError("not implemented"),
    MemoryError(),
    OSError(5, "I/O error"),
    TimeoutError("timed out"),
    ExtractionError("no article text"),
    FetchError("cut short"),
    InvalidURLError("not a URL"),
    FeedParseError("not a feed"),
    StorageError("database is locked"),
    OccasionalError("ours"),
]


@pytest.fixture
def exploding_extractor(monkeypatch: pytest.MonkeyPatch):
    """An extractor (registered through the plugin door) that raises what a page's URL names."""
    auto = get_extractor("auto")

    class Exploding:
        name = "exploding-test"

        def extract(self, html: str | bytes, url: str | None = None) -> ExtractedPage:
            number = int((url or "").rsplit("/boom", 1)[-1]) if "/boom" in (url or "") else -1
            if number >= 0:
                raise BOOM[number]
            return auto.extract(html, url)

    register_extractor(Exploding(), replace=True)
    yield "exploding-test"


def test_fetch_pages_never_raises_whatever_a_page_raises(
    site: FaultWeb, tmp_path: Path, exploding_extractor: str
) -> None:
    items = [item(f"Boom {n}", link=site.url(f"/boom{n}")) for n in range(len(BOOM))]
    items += [item("Calm", link=site.url("/calm"))]
    site.route("/feed.xml", site.static(rss(items), "application/rss+xml"))
    for n in range(len(BOOM)):
        site.route(f"/boom{n}", site.static(article_page(f"Boom {n}"), "text/html"))
    site.route("/calm", site.static(article_page("Calm"), "text/html"))
    with engine_at(tmp_path, articles={"extractor": exploding_extractor}) as engine:
        source = engine.add_source(site.url("/feed.xml"), discover=False)
        report = engine.poll(everything=True)
        stored = {a.title: a for a in engine.articles(source=source.id)}
    pages = {p.article_id: p for p in report.pages}
    assert len(pages) == len(BOOM) + 1
    assert pages[stored["Calm"].id].how == "extracted"
    for n, exc in enumerate(BOOM):
        article = stored[f"Boom {n}"]
        result = pages[article.id]
        assert result.how in ("feed", "error") and result.error, (exc, result)
        if not isinstance(exc, OccasionalError):
            assert type(exc).__name__ in result.error
            assert type(exc).__name__ in (article.page_error or "")
        assert article.page_attempts == 1
        assert article.text == f"A short summary of Boom {n}"  # the feed's text, kept


def test_cancellation_is_not_swallowed(
    site: FaultWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exploding_extractor: str
) -> None:
    BOOM.append(KeyboardInterrupt())
    try:
        path = f"/boom{len(BOOM) - 1}"
        site.route("/feed.xml", site.static(rss([item("Stop", link=site.url(path))])))
        site.route(path, site.static(article_page("Stop"), "text/html"))
        with engine_at(tmp_path, articles={"extractor": exploding_extractor}) as engine:
            engine.add_source(site.url("/feed.xml"), discover=False)
            with pytest.raises(KeyboardInterrupt):
                engine.poll(everything=True)
    finally:
        BOOM.pop()


# --- pages are a durable to-do list ------------------------------------------------


def flaky_page(title: str, answers: list[int]):
    """A page answering each status of ``answers`` in turn, then 200 for good."""

    async def handler(request: web.Request) -> web.Response:
        status = answers.pop(0) if answers else 200
        if status != 200:
            return web.Response(status=status, text="try later")
        return web.Response(body=article_page(title), content_type="text/html")

    return handler


def test_failed_pages_are_retried_with_backoff_then_kept(site: FaultWeb, tmp_path: Path) -> None:
    items = [item(t, link=site.url(f"/{t}")) for t in ("flaky", "gone", "down")]
    site.route("/feed.xml", site.static(rss(items), "application/rss+xml"))
    site.route("/flaky", flaky_page("flaky", [503, 500]))
    site.route("/gone", flaky_page("gone", [404] * 10))
    site.route("/down", flaky_page("down", [500] * 10))
    clock = Clock()
    with engine_at(tmp_path, clock) as engine:
        source = engine.add_source(site.url("/feed.xml"), discover=False)

        def page(title: str):
            (found,) = [a for a in engine.articles(source=source.id) if a.title == title]
            return found

        engine.poll(everything=True)
        assert [site.hits[p] for p in ("/flaky", "/gone", "/down")] == [1, 1, 1]
        assert page("flaky").text == "A short summary of flaky"  # the feed's text meanwhile
        assert "HTTP 503" in (page("flaky").page_error or "")
        for minutes in (5, 11, 11 + 41, 11 + 41 + 161, 24 * 60):
            clock.now = T0 + timedelta(minutes=minutes)
            engine.poll()  # no source is due: only pages that are
        # 404 is final at once; 5xx is tried four times (0, +10, +40, +160 min), then kept.
        assert [site.hits[p] for p in ("/flaky", "/gone", "/down")] == [3, 1, 4]
        assert "Paragraph 7" in page("flaky").text and page("flaky").extraction == "extracted"
        assert page("gone").page_attempts == 1 and page("down").page_attempts == 4
        assert page("down").text == "A short summary of down"
        assert engine.storage.due_pages(clock.now + timedelta(days=1), since=T0, limit=9) == []


def test_pages_of_entries_stored_by_an_earlier_poll_are_fetched(
    site: FaultWeb, tmp_path: Path
) -> None:
    # The first poll stops after storing the entries (its deadline passes while the pages
    # hang); a later poll, with no source due, still fetches every one of them.
    hang = {"on": True}

    async def slow(request: web.Request) -> web.StreamResponse:
        if hang["on"]:
            response = web.StreamResponse(headers={"Content-Type": "text/html"})
            await response.prepare(request)
            for _ in range(60):  # one byte a second
                await response.write(b" ")
                await asyncio.sleep(1)
            return response
        return web.Response(body=article_page(request.path.strip("/")), content_type="text/html")

    items = [item(f"story{n}", link=site.url(f"/story{n}")) for n in range(8)]
    site.route("/feed.xml", site.static(rss(items), "application/rss+xml"))
    for n in range(8):
        site.route(f"/story{n}", slow)
    with engine_at(tmp_path, poll={"deadline": 2}, fetch={"read_timeout": 30.0}) as engine:
        source = engine.add_source(site.url("/feed.xml"), discover=False)
        started = time.monotonic()
        first = engine.poll(everything=True)
        assert time.monotonic() - started < 10  # 8 pages at 1 byte/s took 63 s before
        assert len(first.new_articles) == 8
        assert len(first.pages) == 8 and all("deadline" in (p.error or "") for p in first.pages)
        assert all(not a.text for a in engine.articles(source=source.id))
        hang["on"] = False
        second = engine.poll()
        assert second.sources == []
        assert sorted(p.how for p in second.pages) == ["extracted"] * 8
        assert all("Paragraph 7" in a.text for a in engine.articles(source=source.id))


def test_a_deadline_cuts_slow_sources_and_they_are_polled_next_time(
    site: FaultWeb, tmp_path: Path
) -> None:
    async def hanging(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(30)
        return web.Response(text="late")

    site.route("/quick.xml", site.static(rss([item("Quick", link=site.url("/q"))])))
    site.route("/hanging.xml", hanging)
    with engine_at(tmp_path, poll={"deadline": 2}, articles={"fetch_full": False}) as engine:
        quick = engine.add_source(site.url("/quick.xml"), discover=False)
        slow = engine.add_source(site.url("/hanging.xml"), discover=False)
        report = engine.poll(everything=True)
        results = {r.source_id: r for r in report.sources}
        assert results[quick.id].status == "ok"
        assert results[slow.id].status == "error" and "poll.deadline" in (
            results[slow.id].error or ""
        )
        # Untouched: still due, no failure counted against it.
        stored = engine.storage.get_source(slow.id)
        assert stored.last_polled is None and stored.failures == 0
        assert slow.id in {s.id for s in engine.storage.due_sources(datetime.now(UTC))}


# --- sizes ---------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, object]]:
    from test_storage_contract import POSTGRES_URL, SKIP_POSTGRES, postgres_schema

    if request.param == "sqlite":
        yield {}
        return
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    with postgres_schema() as url:
        yield {"database_url": url}


def test_huge_titles_keys_and_links_are_capped(
    site: FaultWeb, tmp_path: Path, database: dict[str, object]
) -> None:
    huge_title = "Headline " * 150_000  # 1.35 MB, no guid, no link: the title is its key
    long_link = "https://harbour.example/" + "a" * 5000
    items = [
        f"<item><title>{huge_title}</title><description>x</description></item>",
        item("Long link", link=long_link),
    ]
    site.route("/feed.xml", site.static(rss(items, title="T" * 100_000), "application/rss+xml"))
    with make_engine(
        home=tmp_path, overrides={**ALLOW, **database, "articles": {"fetch_full": False}}
    ) as engine:
        source = engine.add_source(site.url("/feed.xml"), discover=False)
        for _ in range(2):  # the second poll finds both again: stored once
            (result,) = engine.poll(everything=True).sources
            assert result.status == "ok", result.error
        stored = list(engine.articles(source=source.id))
        assert len(stored) == 2
        assert all(len(a.title) <= 500 and len(a.url) <= 2048 for a in stored)
        assert max(len(a.title) for a in stored) > 400
        assert len(engine.storage.get_source(source.id).title or "") <= 500


# --- the commands that read one page or one site -------------------------------------


def test_add_a_site_whose_sitemap_has_out_of_range_dates(site: FaultWeb, tmp_path: Path) -> None:
    site.route("/", site.static("<html><head><title>Harbour</title></head><body></body></html>"))
    site.route("/robots.txt", site.static(f"User-agent: *\nSitemap: {site.url('/sitemap.xml')}\n"))
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.url('/a')}</loc><lastmod>9999-12-31T23:59:59-05:00</lastmod></url>"
        f"<url><loc>{site.url('/b')}</loc><lastmod>0001-01-01T00:00:00+05:00</lastmod></url>"
        "</urlset>"
    )
    site.route("/sitemap.xml", site.static(sitemap, "application/xml"))
    added = cli_run(tmp_path, "add", site.url("/"), "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["kind"] == "sitemap"
    polled = cli_run(tmp_path, "poll", "--all", "--json")
    assert polled.exit_code == 0, polled.output
    assert json.loads(polled.stdout)["status"] == "ok"


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="9999-12-31T23:59:59-05:00">',
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "0001-01-01T00:00:00+05:00"}</script>',
        '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>",
    ],
    ids=["meta-9999", "json-ld-0001", "json-ld-deep"],
)
def test_extract_url_of_a_page_with_hostile_metadata(
    site: FaultWeb, tmp_path: Path, head: str
) -> None:
    page = article_page("Harbour strike").replace(b"</head>", head.encode() + b"</head>")
    site.route("/story", site.static(page, "text/html"))
    extracted = cli_run(tmp_path, "extract", site.url("/story"), "--json")
    assert extracted.exit_code == 0, extracted.output
    result = json.loads(extracted.stdout)
    assert "Paragraph 7" in result["text"] and result["published"] is None
