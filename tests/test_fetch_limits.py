"""Politeness limits, counted server-side on 127.0.0.1: per host, global, Crawl-delay spacing."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiohttp import web

from loopback import serve_app
from occasional.config import FetchSettings
from occasional.fetch import Fetcher
from occasional.fetch.politeness import MAX_CRAWL_DELAY, HostLimits


@dataclass
class Counter:
    """How many requests the server is handling at once, and the most it saw."""

    now: int = 0
    peak: int = 0
    by_host: dict[str, int] = field(default_factory=dict)
    peak_by_host: dict[str, int] = field(default_factory=dict)

    def enter(self, host: str) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)
        self.by_host[host] = self.by_host.get(host, 0) + 1
        self.peak_by_host[host] = max(self.peak_by_host.get(host, 0), self.by_host[host])

    def leave(self, host: str) -> None:
        self.now -= 1
        self.by_host[host] -= 1


@contextlib.asynccontextmanager
async def counting_server(counter: Counter) -> AsyncIterator[int]:
    async def slow(request: web.Request) -> web.Response:
        host = request.host.rsplit(":", 1)[0]
        counter.enter(host)
        try:
            await asyncio.sleep(0.05)
        finally:
            counter.leave(host)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/{n}", slow)
    async with serve_app(app) as port:
        yield port


def run_many(fetch_settings: FetchSettings, hosts: list[str], per_host: int) -> Counter:
    counter = Counter()

    async def run() -> None:
        async with counting_server(counter) as port, Fetcher(fetch_settings) as fetcher:
            urls = [f"http://{h}:{port}/{n}" for h in hosts for n in range(per_host)]
            responses = await asyncio.gather(*(fetcher.get(url) for url in urls))
            assert all(r.status == 200 for r in responses)

    asyncio.run(run())
    return counter


def limits(concurrency: int, per_host: int) -> FetchSettings:
    return FetchSettings(  # type: ignore[call-arg]
        allow_networks=("127.0.0.0/8",), concurrency=concurrency, per_host=per_host
    )


def test_per_host_limit_is_enforced() -> None:
    counter = run_many(limits(concurrency=100, per_host=2), ["127.0.0.1"], 12)
    assert counter.peak == 2  # reached (requests overlap) and never exceeded


def test_per_host_limit_is_per_host() -> None:
    # "localhost" and "127.0.0.1" are two hosts to the Fetcher, one server to us.
    counter = run_many(limits(concurrency=100, per_host=2), ["127.0.0.1", "localhost"], 8)
    assert counter.peak_by_host == {"127.0.0.1": 2, "localhost": 2}
    assert counter.peak == 4


def test_global_limit_caps_all_hosts_together() -> None:
    counter = run_many(limits(concurrency=3, per_host=3), ["127.0.0.1", "localhost"], 8)
    assert counter.peak == 3


def test_crawl_delay_spaces_request_starts() -> None:
    async def run() -> list[float]:
        limits = HostLimits(per_host=4)
        starts: list[float] = []

        async def one() -> None:
            await limits.wait_turn("news.example", 0.1)
            starts.append(time.monotonic())

        await asyncio.gather(*(one() for _ in range(4)))
        return starts

    starts = asyncio.run(run())
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.09


def test_no_delay_means_no_waiting_and_huge_delays_are_capped() -> None:
    async def run() -> float:
        limits = HostLimits(per_host=1)
        started = time.monotonic()
        for _ in range(20):
            await limits.wait_turn("news.example", None)
        await limits.wait_turn("other.example", 10_000)  # first turn: no wait
        return time.monotonic() - started

    assert asyncio.run(run()) < 0.05
    assert MAX_CRAWL_DELAY <= 60
