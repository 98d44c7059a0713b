"""A feed farm: thousands of small RSS feeds over many loopback hosts, in a process of its own.

For load tests and benchmarks of the poll cycle, never for the demo. Feed
``n`` of ``feeds`` lives on host ``127.0.0.{n // per_host + 1}``, so listing
the feeds in order lists them host by host, as an OPML export does::

    with run_farm(FarmSpec(feeds=5000, hosts=250, latency=0.05)) as farm:
        farm.urls                 # http://127.0.0.1:<port>/f/0.xml, … host by host
        farm.stats()              # {"requests", "bodies", "max_in_flight", "max_in_flight_total"}
        farm.bump(version=2)      # every feed gains one entry and a new ETag

Each answer waits ``latency`` seconds (as a distant server would), carries an
ETag, and is a ``304`` to a request that sends that ETag back. Entries have
no ``<link>``, only a non-permalink ``<guid>``: feeds of this shape have no
article pages, so a poll of the farm measures polling alone. ``/_stats``
reports what was served, including the most requests one host had in flight
at once (the politeness a test checks). Run ``python -m occasional.demo.farm``
to serve one from a shell.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from aiohttp import web

__all__ = ["Farm", "FarmSpec", "feed_xml", "run_farm"]

_BASE_TIME = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FarmSpec:
    """What the farm serves: ``feeds`` feeds of ``items`` entries over ``hosts`` addresses."""

    feeds: int = 5000
    hosts: int = 250
    items: int = 10
    latency: float = 0.05

    @property
    def per_host(self) -> int:
        """Feeds on each host (the last host may have fewer)."""
        return -(-self.feeds // self.hosts)

    def host(self, n: int) -> str:
        """The loopback address that serves feed ``n``."""
        return f"127.0.{(n // self.per_host) // 250}.{(n // self.per_host) % 250 + 1}"


def feed_xml(n: int, items: int, version: int = 1) -> bytes:
    """Feed ``n`` at ``version``: ``items`` link-less entries, newest first.

    Each version adds one entry on top and keeps the others, as a live feed does.
    """
    entries = []
    for i in range(version - 1 + items - 1, version - 2, -1):
        when = format_datetime(_BASE_TIME + timedelta(minutes=i))
        entries.append(
            f"<item><title>Feed {n} story {i}</title>"
            f'<guid isPermaLink="false">farm-{n}-{i}</guid><pubDate>{when}</pubDate>'
            f"<description>Summary {i} of feed {n}, a sentence or two of text.</description>"
            "</item>"
        )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
        f"<link>http://example.com/{n}</link><description>Farm feed</description>"
        f"{''.join(entries)}</channel></rss>"
    ).encode()


class _State:
    """What the serving process counts, and the version every feed is at."""

    def __init__(self) -> None:
        self.version = 1
        self.served: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight = 0  # to one host
        self.max_in_flight_total = 0
        self.total_in_flight = 0


def _app(spec: FarmSpec) -> web.Application:
    state = _State()
    cache: dict[tuple[int, int], bytes] = {}

    async def feed(request: web.Request) -> web.StreamResponse:
        n = int(request.match_info["n"])
        if not 0 <= n < spec.feeds:
            raise web.HTTPNotFound()
        host = request.host.rsplit(":", 1)[0]
        state.in_flight[host] += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight[host])
        state.total_in_flight += 1
        state.max_in_flight_total = max(state.max_in_flight_total, state.total_in_flight)
        try:
            await asyncio.sleep(spec.latency)
        finally:
            state.in_flight[host] -= 1
            state.total_in_flight -= 1
        etag = f'"v{state.version}-{n}"'
        if request.headers.get("If-None-Match") == etag:
            state.served["not_modified"] += 1
            return web.Response(status=304, headers={"ETag": etag})
        state.served["bodies"] += 1
        body = cache.get((n, state.version))
        if body is None:
            body = cache[(n, state.version)] = feed_xml(n, spec.items, state.version)
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def stats(request: web.Request) -> web.Response:
        served = dict(state.served)
        requests = served.get("bodies", 0) + served.get("not_modified", 0)
        return web.json_response(
            served
            | {
                "requests": requests,
                "max_in_flight": state.max_in_flight,
                "max_in_flight_total": state.max_in_flight_total,
            }
        )

    async def bump(request: web.Request) -> web.Response:
        state.version = int(request.query.get("version", state.version + 1))
        cache.clear()
        return web.json_response({"version": state.version})

    async def reset(request: web.Request) -> web.Response:
        state.served.clear()
        state.max_in_flight = state.max_in_flight_total = 0
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/f/{n}.xml", feed)
    app.router.add_get("/_stats", stats)
    app.router.add_post("/_bump", bump)
    app.router.add_post("/_reset", reset)
    return app


def _hosts(spec: FarmSpec) -> list[str]:
    return list(dict.fromkeys(spec.host(n) for n in range(spec.feeds)))


async def _serve(spec: FarmSpec, port: int) -> None:
    runner = web.AppRunner(_app(spec), access_log=None)
    await runner.setup()
    hosts = _hosts(spec)
    for host in hosts:
        await web.TCPSite(runner, host, port, backlog=4096).start()
    # The line run_farm waits for: every address is listening.
    print(f"serving {spec.feeds} feeds on {len(hosts)} hosts, port {port}", flush=True)
    await asyncio.Event().wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Farm:
    """A running farm: its URLs, and calls to its control endpoints."""

    def __init__(self, spec: FarmSpec, port: int) -> None:
        self.spec = spec
        self.port = port

    @property
    def urls(self) -> list[str]:
        """Every feed's URL, host by host."""
        return [self.url(n) for n in range(self.spec.feeds)]

    def url(self, n: int) -> str:
        """The URL of feed ``n``."""
        return f"http://{self.spec.host(n)}:{self.port}/f/{n}.xml"

    def opml(self) -> bytes:
        """Every feed as an OPML document, host by host in one folder, as exports list them."""
        lines = [
            f'<outline type="rss" text="Feed {n}" xmlUrl="{self.url(n)}"/>'
            for n in range(self.spec.feeds)
        ]
        return (
            '<?xml version="1.0"?><opml version="2.0"><head><title>farm</title></head><body>'
            f'<outline text="farm">{"".join(lines)}</outline></body></opml>'
        ).encode()

    def _call(self, path: str, method: str = "GET") -> dict[str, Any]:
        data = b"" if method == "POST" else None
        url = f"http://127.0.0.1:{self.port}{path}"
        request = urllib.request.Request(url, method=method, data=data)
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback, ours
            result: dict[str, Any] = json.loads(answer.read())
            return result

    def stats(self) -> dict[str, Any]:
        """Requests served (``requests``, ``bodies``, ``not_modified``), and the most in
        flight at once to one host (``max_in_flight``) and in all (``max_in_flight_total``)."""
        return self._call("/_stats")

    def reset(self) -> None:
        """Zero the counters of :meth:`stats`."""
        self._call("/_reset", "POST")

    def bump(self, version: int | None = None) -> None:
        """Publish one more entry in every feed (or jump to ``version``); ETags change."""
        self._call("/_bump" + (f"?version={version}" if version else ""), "POST")


@contextmanager
def run_farm(spec: FarmSpec, port: int | None = None) -> Iterator[Farm]:
    """Serve ``spec`` from a child process while the context is open.

    Raises RuntimeError when the farm does not start.
    """
    port = port or _free_port()
    command = [sys.executable, "-m", "occasional.demo.farm", "--port", str(port)]
    for name, value in asdict(spec).items():
        command += [f"--{name}", str(value)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    try:
        line = process.stdout.readline() if process.stdout is not None else ""
        if not line.startswith("serving"):
            raise RuntimeError(f"the feed farm did not start (exit status {process.wait()})")
        yield Farm(spec, port)
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def main() -> None:
    """Serve a farm until interrupted (``python -m occasional.demo.farm --help``)."""
    parser = argparse.ArgumentParser(description="Serve a feed farm on loopback.")
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=250)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--port", type=int, default=8700)
    args = parser.parse_args()
    spec = FarmSpec(args.feeds, args.hosts, args.items, args.latency)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(spec, args.port))


if __name__ == "__main__":
    main()
