"""One poll of a feed of 100,000 entries: wall time, CPU time and peak memory.

The issue that led to ``poll.max_entries`` measured 39 s and 611 MB for this.
A loopback server (its own process) serves one RSS feed of N entries (about
120 bytes each, linking to a host that does not resolve, so every page fails
fast); a child process runs ``Engine.poll(everything=True)`` with the defaults
(pages and stories on) and reports. The anchor is the same poll through any
other checkout, given as ``--src``: run it against the previous release to
compare, since both sides cannot share one process.

    python bench/poll_huge_feed.py --entries 100000
    python bench/poll_huge_feed.py --entries 100000 --src ../main/src
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

_CHILD = r"""
import json, resource, sys, tempfile, time
from occasional import make_engine
url = sys.argv[1]
with tempfile.TemporaryDirectory() as home:
    overrides = {"fetch": {"allow_networks": ["127.0.0.0/8"], "max_bytes": 50_000_000}}
    with make_engine(home=home, overrides=overrides) as engine:
        engine.add_source(url, discover=False)
        wall, cpu = time.monotonic(), time.process_time()
        report = engine.poll(everything=True)
        wall, cpu = time.monotonic() - wall, time.process_time() - cpu
        stored = engine.storage.count_articles()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak, "stored": stored,
                  "pages": len(report.pages)}))
"""


def _feed(entries: int) -> bytes:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    items = "".join(
        f"<item><title>Entry {n}</title><link>https://news.invalid/{n}</link>"
        f"<pubDate>{(base + timedelta(minutes=n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}"
        "</pubDate></item>"
        for n in range(entries)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'
    return f"{head}{items}</channel></rss>".encode()


def _serve(port: int, entries: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    body = _feed(entries)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/huge.xml", handler)

    async def on_startup(_app: web.Application) -> None:
        ready.set()

    app.on_startup.append(on_startup)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--src", help="the src folder of another checkout to measure instead")
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, args.entries, ready), daemon=True)
    server.start()
    ready.wait(60)
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(Path(args.src).resolve())
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, f"http://127.0.0.1:{port}/huge.xml"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    server.terminate()
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"{args.entries:,} entries ({args.src or 'this checkout'}): the poll failed: {last}")
        return
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"{args.entries:,} entries ({args.src or 'this checkout'}): {result['wall']:.1f} s wall, "
        f"{result['cpu']:.1f} s CPU, peak {result['peak_mb']:.0f} MB, "
        f"{result['stored']:,} articles stored, {result['pages']:,} pages tried"
    )


if __name__ == "__main__":
    main()
