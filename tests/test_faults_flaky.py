"""Fault suite, a flaky news web: several polls over servers that fail in every usual way.

Three hosts (127.0.0.1-3), each with feeds and article pages. While the web is
flaky, each request (feeds, pages, robots.txt) meets, by a seeded draw: a 500
(10%), a connection reset mid-body, a 429 with Retry-After, a body sent at one
byte a second, or no answer at all; the rest are answered. Every feed gains an
entry per poll. After the flaky polls one calm poll runs. Then: every poll
completed, no source was given up, every entry is stored exactly once, and every
page was either fetched or is kept as the feed's text with its failures counted.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import func, select

from faultweb import FaultWeb, article_page, item, rss
from occasional import make_engine
from occasional.storage.schema import articles

pytestmark = pytest.mark.faults

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
FEEDS_PER_HOST = 3
FLAKY_POLLS = 5
READ_TIMEOUT = 0.6
T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


class Weather:
    """Decides each request's fate; one seeded draw per request."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.calm = False
        self.faults: dict[str, int] = {}

    def draw(self) -> str:
        if self.calm:
            return "ok"
        roll = self.rng.random()
        for fate, below in (("500", 0.10), ("reset", 0.15), ("429", 0.20), ("slow", 0.24)):
            if roll < below:
                return self._count(fate)
        return self._count("hang") if roll < 0.28 else "ok"

    def _count(self, fate: str) -> str:
        self.faults[fate] = self.faults.get(fate, 0) + 1
        return fate


def flaky(weather: Weather, body: callable, content_type: str):  # type: ignore[valid-type]
    async def handler(request: web.Request) -> web.StreamResponse:
        fate = weather.draw()
        data: bytes = body()  # type: ignore[operator]
        if fate == "500":
            return web.Response(status=500, text="internal error")
        if fate == "429":
            return web.Response(status=429, text="slow down", headers={"Retry-After": "1"})
        if fate == "hang":
            await asyncio.sleep(READ_TIMEOUT * 5)
            return web.Response(status=504)
        response = web.StreamResponse(headers={"Content-Type": content_type})
        response.content_length = len(data)
        await response.prepare(request)
        if fate == "reset":
            await response.write(data[: len(data) // 2])
            assert request.transport is not None
            request.transport.close()  # the connection drops mid-body
            return response
        if fate == "slow":
            for byte in data[:20]:
                await response.write(bytes([byte]))
                await asyncio.sleep(1)
            return response
        await response.write(data)
        return response

    return handler


class FlakyWeb:
    """Feeds that grow by one entry per poll, and their pages, on three hosts."""

    def __init__(self, weather: Weather) -> None:
        self.weather = weather
        self.published: dict[str, list[str]] = {}
        self.sites: list[FaultWeb] = []

    def start(self, stack: ExitStack) -> None:
        for host in HOSTS:
            site = stack.enter_context(FaultWeb(host))
            self.sites.append(site)
            site.route("/robots.txt", flaky(self.weather, lambda: b"User-agent: *\n", "text/plain"))
            for n in range(FEEDS_PER_HOST):
                url = site.url(f"/feed{n}.xml")
                self.published[url] = []
                site.route(f"/feed{n}.xml", flaky(self.weather, self._feed(site, url), "text/xml"))

    def publish(self) -> None:
        """Each feed gains one entry, with its page."""
        for site in self.sites:
            for n in range(FEEDS_PER_HOST):
                url = site.url(f"/feed{n}.xml")
                path = f"/story{n}-{len(self.published[url])}"
                self.published[url].append(site.url(path))
                page = article_page(f"Story {path}")
                site.route(path, flaky(self.weather, lambda page=page: page, "text/html"))

    def _feed(self, site: FaultWeb, url: str):  # type: ignore[no-untyped-def]
        def body() -> bytes:
            links = self.published[url]
            return rss([item(f"Story {link}", link=link) for link in reversed(links)])

        return body


@pytest.fixture
def flaky_web() -> Iterator[FlakyWeb]:
    with ExitStack() as stack:
        web_ = FlakyWeb(Weather(seed=20260301))
        web_.start(stack)
        yield web_


def test_polls_over_a_flaky_web_store_every_entry_once(flaky_web: FlakyWeb, tmp_path: Path) -> None:
    clock = {"now": T0}
    overrides = {
        "fetch": {"allow_networks": ["127.0.0.0/8"], "read_timeout": READ_TIMEOUT, "per_host": 4},
        "poll": {"deadline": 60},
    }
    with make_engine(home=tmp_path, overrides=overrides, clock=lambda: clock["now"]) as engine:
        for url in flaky_web.published:
            engine.add_source(url, discover=False)
        reports = []
        for poll in range(FLAKY_POLLS + 1):
            flaky_web.weather.calm = poll == FLAKY_POLLS
            flaky_web.publish()
            clock["now"] = T0 + timedelta(days=poll)  # every source and page retry is due
            reports.append(engine.poll(stories=False))
        stored = list(engine.articles())
        sources = engine.sources()
        with engine.storage.engine.connect() as connection:
            per_key = connection.execute(
                select(articles.c.source_id, articles.c.entry_key, func.count())
                .group_by(articles.c.source_id, articles.c.entry_key)
                .having(func.count() > 1)
            ).all()

    faults = flaky_web.weather.faults
    assert set(faults) == {"500", "reset", "429", "slow", "hang"}, faults  # each fault was met
    # Several polls completed, each reporting on every source.
    assert all(len(r.sources) == len(flaky_web.published) for r in reports)
    assert any(r.status == "error" for r in reports[0].sources + reports[1].sources)
    # No source given up; the calm poll reset every one.
    assert all(s.disabled_reason is None and s.settings.enabled for s in sources)
    assert all(s.failures == 0 and s.last_status == 200 for s in sources), sources
    # Every entry ever published stored, exactly once.
    published = {link for links in flaky_web.published.values() for link in links}
    assert per_key == []
    assert sorted(a.url for a in stored) == sorted(published)
    # Every page fetched, or kept as the feed's text after its failures were counted.
    for article in stored:
        assert article.text
        if "Paragraph 7" not in article.text:
            assert article.extraction == "feed" and article.page_attempts >= 1, article
    extracted = sum("Paragraph 7" in a.text for a in stored)
    assert extracted >= 0.8 * len(stored), (extracted, len(stored))
