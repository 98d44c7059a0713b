"""Fetcher throughput against its anchor, a bare aiohttp.ClientSession.

A loopback server in a child process serves a 20 KB feed (gzip'd); both
clients fetch the same URLs with the same concurrency. The ratio is what our
address guard, per-host and global slots, manual redirects, capped streaming
read and charset detection cost (1.0 = free). Requests/s is the best round;
CPU us/req is the client process's own CPU time per request (best round),
which a busy machine disturbs less. A second table repeats the race with
conditional GETs that all answer 304, the common case of a poll cycle.
Also times the pure poll decider.

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
ETAG = '"v1"'


def serve(port: int) -> None:
    async def feed(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers={"ETag": ETAG})
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
        return web.Response(body=PAYLOAD, headers=headers)

    app = web.Application()
    app.router.add_get("/{n}", feed)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def with_aiohttp(urls: list[str], concurrency: int, etag: str | None = None) -> int:
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    headers = {"If-None-Match": etag} if etag else {}
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> int:
            async with session.get(url, headers=headers) as response:
                return len(await response.read())

        return sum(await asyncio.gather(*(one(u) for u in urls)))


async def with_fetcher(urls: list[str], concurrency: int, etag: str | None = None) -> int:
    settings = FetchSettings(  # type: ignore[call-arg]
        allow_networks=("127.0.0.0/8",), concurrency=concurrency, per_host=concurrency
    )
    async with Fetcher(settings) as fetcher:
        # Like the anchor, keep only each body's length: holding thousands of
        # answers at once would time the garbage collector, not the client.
        async def one(url: str) -> int:
            return len((await fetcher.get(url, etag=etag)).body)

        return sum(await asyncio.gather(*(one(u) for u in urls)))


async def aiohttp_304(urls: list[str], concurrency: int) -> int:
    return await with_aiohttp(urls, concurrency, ETAG)


async def fetcher_304(urls: list[str], concurrency: int) -> int:
    return await with_fetcher(urls, concurrency, ETAG)


def timed(
    client: object, urls: list[str], concurrency: int, size: int = len(BODY)
) -> tuple[float, float]:
    """Requests per second, and the client's own CPU microseconds per request.

    The CPU figure leaves out the server and whatever else the machine runs,
    so it is the steadier measure of what each client costs.
    """
    started, cpu = time.perf_counter(), time.process_time()
    total = asyncio.run(client(urls, concurrency))  # type: ignore[operator]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert total == len(urls) * size, "a client read the wrong bytes"
    return len(urls) / elapsed, cpu / len(urls) * 1e6


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


Pair = tuple[tuple[float, float], tuple[float, float]]


def compare(anchor: object, ours: object, urls: list[str], args: argparse.Namespace) -> Pair:
    """Best requests/s and best CPU us/req of each client over ``args.rounds`` rounds."""
    size = 0 if anchor is aiohttp_304 else len(BODY)
    # Rounds alternate so drift in the machine's load hits both clients alike.
    rounds = [
        (
            timed(anchor, urls, args.concurrency, size),
            timed(ours, urls, args.concurrency, size),
        )
        for _ in range(args.rounds)
    ]
    return (
        (max(r[0][0] for r in rounds), min(r[0][1] for r in rounds)),
        (max(r[1][0] for r in rounds), min(r[1][1] for r in rounds)),
    )


def table(title: str, results: Pair) -> None:
    (anchor, anchor_cpu), (ours, ours_cpu) = results
    print(title)
    print(f"{'client':<28}{'requests/s':>12}{'ratio':>8}{'CPU us/req':>12}{'ratio':>8}")
    print(f"{'aiohttp.ClientSession':<28}{anchor:>12.0f}{1.0:>8.2f}{anchor_cpu:>12.0f}{1.0:>8.2f}")
    print(
        f"{'occasional Fetcher':<28}{ours:>12.0f}{ours / anchor:>8.2f}"
        f"{ours_cpu:>12.0f}{ours_cpu / anchor_cpu:>8.2f}"
    )


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
        full = compare(with_aiohttp, with_fetcher, urls, args)
        cached = compare(aiohttp_304, fetcher_304, urls, args)
    finally:
        server.terminate()
        server.join()
    lead = f"{args.requests} GETs, {args.concurrency} at once, best of {args.rounds}"
    table(f"{lead}: a 20 KB gzip'd feed", full)
    table(f"{lead}: conditional, every answer 304", cached)
    print(f"{'poll decider (decide/s)':<28}{decider_rate(50_000):>12.0f}")


if __name__ == "__main__":
    main()
