"""Poll-cycle benchmark: occasional (storage included) vs a plain aiohttp + feedparser loop.

A loopback server (its own process) serves N small RSS feeds spread over many
127.0.0.x hosts, each answer delayed by --latency seconds, with ETags. Both
sides read every feed twice: a full cycle (200 with bodies) and a cycle where
every feed answers 304 to a conditional request. The plain loop parses but
stores nothing; ours stores sources, entries, fetch log and schedule.

    python bench/bench_poll.py --feeds 10000 --latency 0.05
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import feedparser
from aiohttp import web

HOSTS = 50


def _rss(n: int) -> bytes:
    base = datetime(2026, 11, 1, tzinfo=UTC)
    items = "".join(
        f"<item><title>Feed {n} story {i}</title><link>http://example.com/{n}/{i}</link>"
        f"<guid>urn:{n}:{i}</guid><pubDate>{format_datetime(base - timedelta(hours=i))}</pubDate>"
        f"<description>Summary {i} of feed {n}, a sentence or two of text.</description></item>"
        for i in range(10)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
        f"<link>http://example.com/{n}</link><description>d</description>{items}</channel></rss>"
    ).encode()


def _serve(port: int, latency: float, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    async def handler(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        await asyncio.sleep(latency)
        etag = f'"v1-{n}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=_rss(n), content_type="application/rss+xml", headers={"ETag": etag}
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/f/{n}.xml", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for h in range(1, HOSTS + 1):
            await web.TCPSite(runner, f"127.0.0.{h}", port, backlog=4096).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _urls(port: int, feeds: int) -> list[str]:
    return [f"http://127.0.0.{n % HOSTS + 1}:{port}/f/{n}.xml" for n in range(feeds)]


async def _plain_cycle(urls: list[str], etags: dict[str, str], concurrency: int) -> int:
    limit = asyncio.Semaphore(concurrency)
    entries = 0
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency // HOSTS + 1)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> None:
            nonlocal entries
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            async with limit, session.get(url, headers=headers) as response:
                body = await response.read()
                if response.status == 200:
                    etags[url] = response.headers.get("ETag", "")
                    entries += len(feedparser.parse(body).entries)

        await asyncio.gather(*(one(url) for url in urls))
    return entries


def _plain(urls: list[str], concurrency: int) -> tuple[float, float]:
    etags: dict[str, str] = {}
    start = time.perf_counter()
    asyncio.run(_plain_cycle(urls, etags, concurrency))
    full = time.perf_counter() - start
    start = time.perf_counter()
    asyncio.run(_plain_cycle(urls, etags, concurrency))
    return full, time.perf_counter() - start


def _ours(urls: list[str], concurrency: int) -> tuple[float, float, int]:
    from occasional import make_engine

    home = tempfile.mkdtemp(prefix="occasional-bench-")
    overrides = {
        "fetch": {
            "allow_networks": ["127.0.0.0/8"],
            "concurrency": concurrency,
            "per_host": concurrency // HOSTS + 1,
        },
        "articles": {"fetch_full": False},
    }
    engine = make_engine(home=home, overrides=overrides)
    for url in urls:
        # As `occasional add --no-discover` would: with the configured fetch_full (off),
        # so neither side fetches article pages.
        engine.add_source(url, discover=False)
    start = time.perf_counter()
    engine.poll(everything=True, stories=False)
    full = time.perf_counter() - start
    start = time.perf_counter()
    engine.poll(everything=True, stories=False)
    cached = time.perf_counter() - start
    stored = engine.storage.count_articles()
    engine.close()
    return full, cached, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=1000)
    args = parser.parse_args()
    port = _free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, args.latency, ready), daemon=True)
    server.start()
    ready.wait(30)
    urls = _urls(port, args.feeds)
    try:
        plain_full, plain_cached = _plain(urls, args.concurrency)
        ours_full, ours_cached, stored = _ours(urls, args.concurrency)
    finally:
        server.terminate()
    n = args.feeds
    latency = f"{args.latency * 1000:.0f} ms latency"
    print(f"{n} feeds on {HOSTS} hosts, {latency}, {args.concurrency} at once")
    print(f"{'cycle':<12}{'plain aiohttp+feedparser':>26}{'occasional (stored)':>22}{'ratio':>8}")
    for name, plain, ours in (
        ("full", plain_full, ours_full),
        ("all 304", plain_cached, ours_cached),
    ):
        print(f"{name:<12}{n / plain:>20.0f} feeds/s{n / ours:>16.0f} feeds/s{plain / ours:>8.2f}")
    print(f"articles stored by occasional: {stored}")


if __name__ == "__main__":
    main()
