"""Fetcher throughput against its anchor, a bare aiohttp.ClientSession.

A loopback server in a child process serves a 20 KB feed (gzip'd); both
clients fetch the same URLs with the same concurrency. The ratio is what our
address guard, per-host semaphores, manual redirects, capped streaming read
and charset detection cost (1.0 = free). Also times the pure poll decider.

    python bench/fetch.py [--requests 3000] [--concurrency 200]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import multiprocessing
import random
import socket
import time
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web

from occasional.config import FetchSettings
from occasional.fetch import Fetcher, PollBounds, PollOutcome, decide
from occasional.types import Source

ITEM = "<item><title>A headline about the day</title><description>{}</description></item>\n"
BODY = "<rss><channel>" + "".join(ITEM.format("x" * 150) for _ in range(100)) + "</channel></rss>"
PAYLOAD = gzip.compress(BODY.encode())


def serve(port: int) -> None:
    async def feed(request: web.Request) -> web.Response:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
        return web.Response(body=PAYLOAD, headers=headers)

    app = web.Application()
    app.router.add_get("/{n}", feed)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def with_aiohttp(urls: list[str], concurrency: int) -> int:
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> int:
            async with session.get(url) as response:
                return len(await response.read())

        return sum(await asyncio.gather(*(one(u) for u in urls)))


async def with_fetcher(urls: list[str], concurrency: int) -> int:
    settings = FetchSettings(  # type: ignore[call-arg]
        allow_networks=("127.0.0.0/8",), concurrency=concurrency, per_host=concurrency
    )
    async with Fetcher(settings) as fetcher:
        responses = await asyncio.gather(*(fetcher.get(u) for u in urls))
        return sum(len(r.body) for r in responses)


def timed(client: object, urls: list[str], concurrency: int) -> float:
    started = time.perf_counter()
    total = asyncio.run(client(urls, concurrency))  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    assert total == len(urls) * len(BODY), "a client read the wrong bytes"
    return len(urls) / elapsed


def decider_rate(count: int) -> float:
    now = datetime(2026, 11, 27, tzinfo=UTC)
    rng = random.Random(1)
    times = tuple(now - timedelta(hours=3 * n) for n in range(20))
    outcome = PollOutcome("ok", entry_times=times, cache_max_age=600, new_entries=2)
    source = Source(id="s", url="https://news.example/feed")
    started = time.perf_counter()
    for _ in range(count):
        decide(source, outcome, now, PollBounds(), rng)
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    server = multiprocessing.Process(target=serve, args=(port,), daemon=True)
    server.start()
    time.sleep(1.0)
    urls = [f"http://127.0.0.1:{port}/{n}" for n in range(args.requests)]
    try:
        timed(with_aiohttp, urls[:500], args.concurrency)  # warm up both sides
        timed(with_fetcher, urls[:500], args.concurrency)
        # Rounds alternate so drift in the machine's load hits both clients alike.
        rounds = [
            (
                timed(with_aiohttp, urls, args.concurrency),
                timed(with_fetcher, urls, args.concurrency),
            )
            for _ in range(args.rounds)
        ]
        anchor = max(r[0] for r in rounds)
        ours = max(r[1] for r in rounds)
    finally:
        server.terminate()
        server.join()
    print(
        f"{args.requests} GETs of a 20 KB gzip'd feed, {args.concurrency} at once, best of "
        f"{args.rounds}"
    )
    print(f"{'client':<28}{'requests/s':>12}{'ratio':>8}")
    print(f"{'aiohttp.ClientSession':<28}{anchor:>12.0f}{1.0:>8.2f}")
    print(f"{'occasional Fetcher':<28}{ours:>12.0f}{ours / anchor:>8.2f}")
    print(f"{'poll decider (decide/s)':<28}{decider_rate(50_000):>12.0f}{'':>8}")


if __name__ == "__main__":
    main()
