"""The bundled sample news web: feeds, pages, ground truth and trouble outlets.

One web (fixed clock) serves the read-only tests; each trouble test that
counts requests starts a fresh web so hit counters start at zero.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import time
import urllib.robotparser
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import defusedxml.ElementTree as SafeET
import feedparser
import pytest
from defusedxml import EntitiesForbidden
from multidict import CIMultiDict

from occasional.demo import BEHAVIOURS, FORMATS, DemoArticle, NewsWeb, Outlet, run_news_web
from occasional.demo.__main__ import describe
from occasional.demo.content import build_articles, parse_source
from occasional.demo.outlets import spec_for
from occasional.demo.pages import aggregator_date_line
from occasional.demo.trouble import OVERSIZED_BYTES

NOW = datetime(2024, 11, 2, 9, 30, tzinfo=UTC)
FEEDPARSER_VERSIONS = {
    "rss2.0": "rss20",
    "atom1.0": "atom10",
    "rss0.91": "rss091u",
    "rss1.0": "rss10",
}


class Reply:
    """A completed response, read in full."""

    def __init__(self, status: int, headers: CIMultiDict[str], body: bytes, seconds: float) -> None:
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self) -> str:
        """The body decoded as a browser would: header charset, else <meta charset>."""
        declared = re.search(r"charset=([\w-]+)", self.headers.get("Content-Type", ""))
        meta = re.search(rb'<meta charset="([\w-]+)"', self.body[:1024])
        charset = declared[1] if declared else meta[1].decode() if meta else "utf-8"
        return self.body.decode(charset, errors="replace")


async def _get_many(urls: list[str], headers: dict[str, str] | None = None) -> list[Reply]:
    async with aiohttp.ClientSession() as session:

        async def one(url: str) -> Reply:
            start = time.perf_counter()
            async with session.get(url, headers=headers or {}, allow_redirects=False) as resp:
                body = await resp.read()
                return Reply(
                    resp.status, CIMultiDict(resp.headers), body, time.perf_counter() - start
                )

        return list(await asyncio.gather(*(one(u) for u in urls)))


def get(url: str, **headers: str) -> Reply:
    """GET one URL with plain aiohttp, no redirects followed."""
    return asyncio.run(_get_many([url], {k.replace("_", "-"): v for k, v in headers.items()}))[0]


def get_all(urls: list[str]) -> list[Reply]:
    return asyncio.run(_get_many(urls))


@pytest.fixture(scope="module")
def web() -> Iterator[NewsWeb]:
    with run_news_web(NOW, slow_delay=0.2) as news_web:
        yield news_web


@pytest.fixture
def fresh() -> Iterator[NewsWeb]:
    with run_news_web(NOW, slow_delay=0.3) as news_web:
        yield news_web


def by_outlet(web: NewsWeb, key: str) -> list[DemoArticle]:
    return [a for a in web.articles if a.outlet == key]


def clean(url: str) -> str:
    """A feed link without its tracking query."""
    return urlsplit(url)._replace(query="").geturl()


def feed_outlets(web: NewsWeb) -> list[Outlet]:
    return [o for o in web.outlets if o.kind == "feed"]


# --- outlets -------------------------------------------------------------------


def test_every_outlet_is_its_own_site_on_loopback(web: NewsWeb) -> None:
    origins = [o.home_url for o in web.outlets]
    assert len(set(origins)) == len(origins) == 16
    assert all(re.fullmatch(r"http://127\.0\.0\.1:\d+", u) for u in origins)
    assert web.url("daily", "/rss.xml") == web.outlet("daily").feed_url


def test_outlets_cover_every_format_and_behaviour(web: NewsWeb) -> None:
    formats = {o.format for o in feed_outlets(web)}
    assert formats == set(FORMATS)
    trouble = {o.behaviour for o in web.outlets if o.kind == "trouble"}
    assert trouble | {"ok"} == set(BEHAVIOURS)
    sitemap_sites = [o for o in web.outlets if o.kind == "sitemap"]
    assert [(o.feed_url, o.format) for o in sitemap_sites] == [(None, None)]


def test_reading_before_start_raises() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = NewsWeb(NOW).outlets


def test_describe_lists_every_outlet(web: NewsWeb) -> None:
    text = describe(web.outlets)
    assert len(text.splitlines()) == len(web.outlets)
    assert web.outlet("business").sitemap_url in text
    assert all(o.key in text and o.feed_url in text for o in feed_outlets(web) if o.feed_url)


# --- feeds ----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["daily", "review", "gazette", "observer", "morning"])
def test_xml_feeds_parse_in_their_format_and_list_every_article(web: NewsWeb, key: str) -> None:
    outlet = web.outlet(key)
    assert outlet.feed_url is not None and outlet.format is not None
    reply = get(outlet.feed_url)
    parsed = feedparser.parse(reply.body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == FEEDPARSER_VERSIONS[outlet.format]
    assert {clean(e.link) for e in parsed.entries} == {a.url for a in by_outlet(web, key)}
    titles = {a.url: a.headline for a in by_outlet(web, key)}
    assert all(e.title == titles[clean(e.link)] for e in parsed.entries)


def test_json_feed_is_version_1_1_with_full_content(web: NewsWeb) -> None:
    outlet = web.outlet("wire")
    assert outlet.feed_url is not None
    document = json.loads(get(outlet.feed_url).body)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == outlet.feed_url
    articles = {a.url: a for a in by_outlet(web, "wire")}
    assert {item["url"] for item in document["items"]} == set(articles)
    for item in document["items"]:
        article = articles[item["url"]]
        assert datetime.fromisoformat(item["date_published"]) == article.published
        assert unescape(article.body[-1]) in unescape(item["content_html"])


def test_daily_feed_carries_summaries_only(web: NewsWeb) -> None:
    assert web.outlet("daily").feed_url is not None
    parsed = feedparser.parse(get(web.url("daily", "/rss.xml")).body)
    articles = {a.url: a for a in by_outlet(web, "daily")}
    for entry in parsed.entries:
        article = articles[clean(entry.link)]
        assert "content" not in entry
        assert entry.summary == article.summary
        assert len(entry.summary) < len(article.text) / 3


def test_daily_feed_links_carry_tracking_but_pages_are_canonical(web: NewsWeb) -> None:
    parsed = feedparser.parse(get(web.url("daily", "/rss.xml")).body)
    for entry in parsed.entries:
        assert parse_qs(urlsplit(entry.link).query)["utm_source"] == ["rss"]
        assert entry.id == clean(entry.link)
        page = get(entry.link).text
        assert f'<link rel="canonical" href="{clean(entry.link)}">' in page


def test_gazette_pages_declare_their_charset_only_in_html(web: NewsWeb) -> None:
    article = next(a for a in by_outlet(web, "gazette") if "—" in a.text)
    reply = get(article.url)
    assert reply.headers["Content-Type"] == "text/html"
    assert b'<meta charset="windows-1252">' in reply.body
    assert "—".encode("cp1252") in reply.body and article.body[0] in unescape(reply.text)


def test_large_answers_are_compressed_when_asked(web: NewsWeb) -> None:
    url = web.articles[0].url
    assert get(url, Accept_Encoding="gzip").headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in get(url, Accept_Encoding="identity").headers


def test_feeds_send_validators_and_answer_conditional_requests(web: NewsWeb) -> None:
    for outlet in feed_outlets(web):
        assert outlet.feed_url is not None
        reply = get(outlet.feed_url)
        assert reply.status == 200
        etag, modified = reply.headers["ETag"], reply.headers["Last-Modified"]
        assert get(outlet.feed_url, If_None_Match=etag).status == 304
        assert get(outlet.feed_url, If_Modified_Since=modified).status == 304
        assert get(outlet.feed_url, If_None_Match='"stale"').status == 200


# --- pages ----------------------------------------------------------------------


def test_every_article_url_serves_its_headline_and_text(web: NewsWeb) -> None:
    replies = get_all([a.url for a in web.articles])
    for article, reply in zip(web.articles, replies, strict=True):
        assert reply.status == 200, article.url
        page = unescape(reply.text)
        assert f">{article.headline}</h1>" in page
        assert all(paragraph in page for paragraph in article.body)


def test_article_pages_carry_metadata_and_boilerplate(web: NewsWeb) -> None:
    replies = get_all([a.url for a in web.articles])
    for article, reply in zip(web.articles, replies, strict=True):
        page = unescape(reply.text)
        assert '<html lang="en">' in page
        assert f'<link rel="canonical" href="{article.url}">' in page
        assert f'<meta property="og:url" content="{article.url}">' in page
        assert f'<meta property="og:title" content="{article.headline}">' in page
        stamp = re.search(r'article:published_time" content="([^"]+)"', page)
        assert stamp is not None and datetime.fromisoformat(stamp[1]) == article.published
        for chrome in ("cookie", "Advertisement", "newsletter", "main-nav", "site-footer"):
            assert chrome in page


def test_json_ld_news_article_on_some_outlets(web: NewsWeb) -> None:
    found: Counter[str] = Counter()
    for article, reply in zip(web.articles, get_all([a.url for a in web.articles]), strict=True):
        match = re.search(r'<script type="application/ld\+json">(.*?)</script>', reply.text, re.S)
        if match:
            data = json.loads(match[1])
            assert data["@type"] == "NewsArticle" and data["headline"] == article.headline
            assert datetime.fromisoformat(data["datePublished"]) == article.published
            found[article.outlet] += 1
    assert set(found) == {"daily", "review", "business"}


def test_home_pages_advertise_feeds_except_the_sitemap_site(web: NewsWeb) -> None:
    for outlet in web.outlets:
        page = get(outlet.home_url + "/").text
        alternates = re.findall(r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', page)
        expected = [outlet.feed_url] if outlet.feed_url else []
        assert [href for _, href in alternates] == expected, outlet.key


def test_aggregator_pages_credit_and_link_back_to_originals(web: NewsWeb) -> None:
    known = {a.url: a for a in web.articles}
    copies = by_outlet(web, "morning")
    assert len(copies) >= 4
    for copy, reply in zip(copies, get_all([c.url for c in copies]), strict=True):
        assert copy.copy_of in known
        original = known[copy.copy_of]
        page = unescape(reply.text)
        assert aggregator_date_line(copy.published) in page
        assert "Morning Digest - a story for you" in page
        assert f'<a href="{copy.copy_of}" target="_blank" rel="noopener">Source link</a>' in page
        assert page.index("Source link") > page.index(copy.body[-1])
        assert original.body[: len(copy.body)] == copy.body
    assert any(c.headline != known[c.copy_of or ""].headline for c in copies)
    assert any(len(c.body) < len(known[c.copy_of or ""].body) for c in copies)


def test_aggregator_date_line_style() -> None:
    assert aggregator_date_line(datetime(2024, 11, 2, tzinfo=UTC)) == "Sat. Nov 2nd, 2024"
    assert aggregator_date_line(datetime(2024, 11, 11, tzinfo=UTC)) == "Mon. Nov 11th, 2024"
    assert aggregator_date_line(datetime(2024, 11, 23, tzinfo=UTC)) == "Sat. Nov 23rd, 2024"


def test_unknown_paths_are_404_and_counted(web: NewsWeb) -> None:
    assert get(web.url("daily", "/no/such/page")).status == 404
    assert web.requests[("daily", "/no/such/page", 404)] >= 1


# --- robots and sitemaps --------------------------------------------------------------


def test_gazette_feed_links_into_a_robots_disallowed_path(web: NewsWeb) -> None:
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(get(web.url("gazette", "/robots.txt")).text.splitlines())
    parsed = feedparser.parse(get(web.url("gazette", "/rss091.xml")).body)
    blocked = [e.link for e in parsed.entries if not robots.can_fetch("occasional", e.link)]
    private = [a.url for a in web.articles if not a.robots_allowed]
    assert blocked == private and len(private) == 1 and "/private/" in private[0]


def test_sitemap_site_is_reachable_from_robots_txt(web: NewsWeb) -> None:
    outlet = web.outlet("business")
    robots = get(outlet.home_url + "/robots.txt").text
    index_url = re.search(r"^Sitemap: (\S+)$", robots, re.M)
    assert index_url is not None and index_url[1] == outlet.sitemap_url
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = SafeET.fromstring(get(index_url[1]).body)
    children = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert len(children) == 2
    articles = {a.url: a for a in by_outlet(web, "business")}
    plain = SafeET.fromstring(get(children[0]).body)
    listed = {loc.text for loc in plain.findall("s:url/s:loc", ns)}
    assert set(articles) <= listed and len(listed) > len(articles)
    news = SafeET.fromstring(get(children[1]).body)
    ns["n"] = "http://www.google.com/schemas/sitemap-news/0.9"
    titles = {
        u.findtext("s:loc", namespaces=ns): u.findtext("n:news/n:title", namespaces=ns)
        for u in news.findall("s:url", ns)
    }
    assert titles == {url: a.headline for url, a in articles.items()}


# --- ground truth ----------------------------------------------------------------


def test_ground_truth_copies_point_to_earlier_articles_of_the_same_event(web: NewsWeb) -> None:
    known = {a.url: a for a in web.articles}
    copies = [a for a in web.articles if a.copy_of]
    assert len(copies) >= 6
    for copy in copies:
        original = known[copy.copy_of or ""]
        assert original.copy_of is None
        assert original.event == copy.event and original.outlet != copy.outlet
        assert original.published < copy.published


def test_wire_story_carried_by_two_outlets_under_new_headlines(web: NewsWeb) -> None:
    carried = [a for a in web.articles if a.wire and a.copy_of and a.outlet != "morning"]
    assert len({a.outlet for a in carried}) == 2
    originals = {a.copy_of for a in carried}
    assert len(originals) == 1
    original = next(a for a in web.articles if a.url in originals)
    assert original.wire and original.outlet == "wire"
    assert all(a.headline != original.headline for a in carried)
    assert all("(Metro Wire) —" in a.body[0] for a in carried)


def test_events_are_reported_by_several_outlets(web: NewsWeb) -> None:
    outlets_per_event: dict[str, set[str]] = {}
    for article in web.articles:
        outlets_per_event.setdefault(article.event, set()).add(article.outlet)
    shared = {e: o for e, o in outlets_per_event.items() if len(o) >= 2}
    assert len(shared) >= 8
    assert all(2 <= len(o) <= 5 for o in shared.values())
    assert 35 <= len(web.articles) <= 45


def test_hard_negatives_are_present(web: NewsWeb) -> None:
    markets = [a for a in web.articles if a.event.startswith("markets-wrap")]
    assert len(markets) == 2 and markets[0].event != markets[1].event
    words = [set(a.text.lower().split()) for a in markets]
    assert len(words[0] & words[1]) / len(words[0] | words[1]) > 0.5
    bridge = sorted(
        (a for a in by_outlet(web, "gazette") if a.event == "bridge-collapse"),
        key=lambda a: a.published,
    )
    assert bridge[1].published - bridge[0].published > timedelta(hours=20)
    release = next(a for a in web.articles if "press-release" in a.id)
    reuse = [a for a in web.articles if a is not release and release.body[1] in a.body]
    assert len(reuse) == 1 and reuse[0].copy_of is None and len(reuse[0].body) > 6


def test_articles_are_recent_and_realistically_long(web: NewsWeb) -> None:
    for article in web.articles:
        assert NOW - timedelta(hours=36) <= article.published <= NOW
        words = len(article.text.split())
        assert 200 <= words <= 700 if article.copy_of else 250 <= words <= 700, article.id
        assert (
            article.headline and article.author and article.summary.endswith((".", "?", '"', "!"))
        )


def test_seed_varies_minutes_but_not_the_truth() -> None:
    bases = {k: f"http://x/{k}" for k in ("daily", "review", "wire", "gazette", "observer")}
    bases |= {k: f"http://x/{k}" for k in ("business", "morning", "flaky", "rate-limited")}
    bases |= {k: f"http://x/{k}" for k in ("moved", "slow", "oversized", "malformed")}
    bases |= {k: f"http://x/{k}" for k in ("not-modified", "gone", "hostile")}
    one, two = build_articles(NOW, bases, seed=1), build_articles(NOW, bases, seed=2)
    assert [(a.id, a.event, a.wire) for a in one] == [(a.id, a.event, a.wire) for a in two]
    assert [a.published for a in one] != [a.published for a in two]


def test_article_file_without_header_is_rejected() -> None:
    with pytest.raises(ValueError, match="no '---' line"):
        parse_source("daily", "x", "headline: A\n\nbody only\n")
    with pytest.raises(ValueError, match="hours_ago"):
        parse_source("daily", "x", "headline: A\n---\nbody\n")


# --- trouble outlets -----------------------------------------------------------------


def _feed(web: NewsWeb, key: str) -> str:
    url = web.outlet(key).feed_url
    assert url is not None
    return url


def test_flaky_fails_every_other_request(fresh: NewsWeb) -> None:
    url = _feed(fresh, "flaky")
    statuses = [get(url).status for _ in range(4)]
    assert statuses == [500, 200, 500, 200]
    assert fresh.requests[("flaky", "/feed.xml", 500)] == 2


def test_rate_limited_sends_retry_after_first(fresh: NewsWeb) -> None:
    url = _feed(fresh, "rate-limited")
    first, second = get(url), get(url)
    assert (first.status, first.headers["Retry-After"]) == (429, "120")
    assert second.status == 200 and feedparser.parse(second.body).version == "atom10"


def test_moved_redirects_permanently_to_a_working_feed(fresh: NewsWeb) -> None:
    reply = get(_feed(fresh, "moved"))
    assert reply.status == 301
    target = reply.headers["Location"]
    assert target.startswith(fresh.outlet("moved").home_url + "/")
    assert target != _feed(fresh, "moved")
    parsed = feedparser.parse(get(target).body)
    assert {e.link for e in parsed.entries} == {a.url for a in by_outlet(fresh, "moved")}


def test_slow_answers_after_the_delay(fresh: NewsWeb) -> None:
    reply = get(_feed(fresh, "slow"))
    assert reply.status == 200 and reply.seconds >= 0.3
    assert get(fresh.url("slow", "/")).seconds < 0.3


def test_oversized_streams_more_than_12_mb(fresh: NewsWeb) -> None:
    reply = get(_feed(fresh, "oversized"))
    assert reply.status == 200 and "Content-Length" not in reply.headers
    assert len(reply.body) >= OVERSIZED_BYTES > 12 * 1024 * 1024
    assert reply.body.rstrip().endswith(b"</rss>")


def test_malformed_breaks_after_good_entries(fresh: NewsWeb) -> None:
    parsed = feedparser.parse(get(_feed(fresh, "malformed")).body)
    assert parsed.bozo
    linked = [e.link for e in parsed.entries if e.get("link")]
    assert set(linked) == {a.url for a in by_outlet(fresh, "malformed")} and len(linked) == 2


def test_not_modified_answers_304_to_either_validator(fresh: NewsWeb) -> None:
    url = _feed(fresh, "not-modified")
    first = get(url)
    assert get(url, If_None_Match=first.headers["ETag"]).status == 304
    later = format_datetime(NOW + timedelta(hours=1), usegmt=True)
    assert get(url, If_Modified_Since=later).status == 304
    earlier = format_datetime(NOW - timedelta(days=3), usegmt=True)
    assert get(url, If_Modified_Since=earlier).status == 200
    assert fresh.requests[("not-modified", "/atom.xml", 304)] == 2


def test_gone_answers_410(fresh: NewsWeb) -> None:
    assert get(_feed(fresh, "gone")).status == 410


def test_hostile_feed_is_an_entity_bomb(fresh: NewsWeb) -> None:
    body = get(_feed(fresh, "hostile")).body
    assert body.count(b"<!ENTITY") == 10
    with pytest.raises(EntitiesForbidden):
        SafeET.fromstring(body)


async def _async_round_trip() -> dict[str, Any]:
    async with NewsWeb(NOW, slow_delay=0.1, seed=3) as news_web:
        reply = (await _get_many([news_web.url("observer", "/index.rdf")]))[0]
        return {"status": reply.status, "articles": len(news_web.articles)}


def test_async_context_manager_serves_and_stops() -> None:
    result = asyncio.run(_async_round_trip())
    assert result["status"] == 200 and result["articles"] >= 35


def test_unknown_outlet_keys_raise(web: NewsWeb) -> None:
    with pytest.raises(KeyError):
        web.url("nowhere")
    with pytest.raises(KeyError):
        spec_for("nowhere")


def test_unparseable_if_modified_since_is_ignored(web: NewsWeb) -> None:
    assert get(web.url("observer", "/index.rdf"), If_Modified_Since="yesterday-ish").status == 200


async def _head(url: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as session, session.head(url) as resp:
        return resp.status, await resp.read()


def test_head_on_the_oversized_feed_sends_no_body(fresh: NewsWeb) -> None:
    assert asyncio.run(_head(_feed(fresh, "oversized"))) == (200, b"")


def test_module_entry_point_prints_urls_and_stops_on_interrupt() -> None:
    command = [sys.executable, "-m", "occasional.demo", "--slow-delay", "0.1"]
    lines = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "Serving until Ctrl-C" in line:
                break
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    feeds = [line for line in lines if re.search(r"http://127\.0\.0\.1:\d+/\S+$", line.strip())]
    assert len(feeds) == 16


def test_as_doc_carries_the_aggregator_source_link(web: NewsWeb) -> None:
    docs = {a.id: a.as_doc() for a in web.articles}
    for article in web.articles:
        doc = docs[article.id]
        assert (doc.title, doc.text, doc.url) == (article.headline, article.text, article.url)
        expected = (article.copy_of,) if article.outlet == "morning" else ()
        assert doc.source_links == expected


def test_aggregator_feed_content_ends_with_the_source_link(web: NewsWeb) -> None:
    parsed = feedparser.parse(get(web.url("morning", "/feed/")).body)
    copies = {a.url: a for a in by_outlet(web, "morning")}
    for entry in parsed.entries:
        html = entry.content[0].value
        assert html.endswith(f'<a href="{copies[entry.link].copy_of}">Source link</a></p>')
