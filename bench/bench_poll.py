"""Poll cycle through the real CLI: `occasional poll --all` vs a plain aiohttp + feedparser loop.

A feed farm (``occasional.demo.farm``, its own process) serves N link-less RSS
feeds of 10 entries over H loopback addresses (127.0.0.x), each answer delayed
by --latency seconds, with ETags. The feeds are imported from an OPML file that
lists them host by host, as exports do. Each repeat, on a fresh home:

- ours: ``occasional poll --all`` as a subprocess (``poll.jobs`` from --jobs,
  0 by default: a process per CPU core), twice: the full cycle (every answer a
  200 with a body) and the all-304 cycle. Its start-up (interpreter,
  imports, opening the database: ``occasional sources --tag none``) is timed
  separately and subtracted. CPU time is the child's user + system time, its
  poll processes included.
- the anchor: a plain aiohttp + feedparser loop in this process with the same
  limits (--concurrency in all, --per-host to one host), storing nothing.

It prints feeds/s for both, the ratio, and the most requests one host had in
flight at once during our cycles (politeness: never above --per-host).

    python bench/bench_poll.py --feeds 5000 --hosts 250 --latency 0.05 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import feedparser

from occasional.demo.farm import Farm, FarmSpec, run_farm

OCCASIONAL = [str(Path(sys.executable).with_name("occasional"))]


@dataclass
class Timing:
    """One cycle: wall seconds and CPU seconds."""

    wall: float
    cpu: float


async def _plain_cycle(
    urls: list[str], etags: dict[str, str], concurrency: int, per_host: int
) -> int:
    limit = asyncio.Semaphore(concurrency)
    entries = 0
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=per_host)
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


def _timed_plain(urls: list[str], etags: dict[str, str], args: argparse.Namespace) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    asyncio.run(_plain_cycle(urls, etags, args.concurrency, args.per_host))
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def plain(urls: list[str], args: argparse.Namespace) -> tuple[Timing, Timing]:
    """The anchor's full and all-304 cycles."""
    etags: dict[str, str] = {}
    return _timed_plain(urls, etags, args), _timed_plain(urls, etags, args)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(home: Path, env: dict[str, str], *command: str, stdin: bytes | None = None) -> Timing:
    """Run one occasional command to completion; its wall and CPU time."""
    wall, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [*OCCASIONAL, "--home", str(home), *command],
        input=stdin,
        env=env,
        capture_output=True,
        check=False,
    )
    timing = Timing(time.perf_counter() - wall, _children_cpu() - cpu)
    if done.returncode != 0:
        raise SystemExit(f"occasional {' '.join(command)} failed:\n{done.stderr.decode()}")
    return timing


def cli_env(args: argparse.Namespace, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every CLI run of the benchmark gets."""
    return (
        os.environ
        | {
            "OCCASIONAL_ALLOW_NETWORKS": "127.0.0.0/8",
            "OCCASIONAL_FETCH_CONCURRENCY": str(args.concurrency),
            "OCCASIONAL_FETCH_PER_HOST": str(args.per_host),
            "OCCASIONAL_POLL_JOBS": str(args.jobs),
            # The farm's entries have no links, hence no pages; say so rather than rely on it.
            "OCCASIONAL_ARTICLES_FETCH_FULL": "false",
            "COLUMNS": "120",
        }
        | (extra or {})
    )


def startup(home: Path, env: dict[str, str]) -> Timing:
    """What a command costs before it does anything: the median of three."""
    runs = [run_cli(home, env, "sources", "--tag", "no-such-tag") for _ in range(3)]
    return Timing(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def ours(farm: Farm, args: argparse.Namespace) -> tuple[Timing, Timing, Timing, int]:
    """Our full and all-304 cycles through the CLI, start-up, and max requests in flight."""
    env = cli_env(args)
    with tempfile.TemporaryDirectory(prefix="occasional-bench-") as folder:
        home = Path(folder) / "home"
        opml = Path(folder) / "farm.opml"
        opml.write_bytes(farm.opml())
        run_cli(home, env, "init")
        run_cli(home, env, "import-opml", str(opml))
        start = startup(home, env)
        farm.reset()
        full = run_cli(home, env, "poll", "--all")
        cached = run_cli(home, env, "poll", "--all")
        in_flight = int(farm.stats()["max_in_flight"])
    return full, cached, start, in_flight


def _rate(feeds: int, timing: Timing, start: Timing | None = None) -> float:
    wall = timing.wall - (start.wall if start else 0.0)
    return feeds / wall


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):>7,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=250)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=1000)
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--jobs", type=int, default=0, help="poll.jobs: processes (0: one per CPU core)."
    )
    parser.add_argument("--no-anchor", action="store_true", help="Skip the plain loop (100k runs).")
    args = parser.parse_args()
    spec = FarmSpec(feeds=args.feeds, hosts=args.hosts, latency=args.latency)
    rows: dict[str, list[float]] = {}
    with run_farm(spec) as farm:
        urls = farm.urls
        for _ in range(args.repeat):
            p_full, p_cached = (Timing(1, 0), Timing(1, 0)) if args.no_anchor else plain(urls, args)
            o_full, o_cached, start, in_flight = ours(farm, args)
            for key, value in (
                ("plain full", _rate(args.feeds, p_full)),
                ("plain 304", _rate(args.feeds, p_cached)),
                ("ours full", _rate(args.feeds, o_full, start)),
                ("ours 304", _rate(args.feeds, o_cached, start)),
                ("ours full cpu ms/feed", (o_full.cpu - start.cpu) * 1000 / args.feeds),
                ("ours 304 cpu ms/feed", (o_cached.cpu - start.cpu) * 1000 / args.feeds),
                ("plain full cpu ms/feed", p_full.cpu * 1000 / args.feeds),
                ("plain 304 cpu ms/feed", p_cached.cpu * 1000 / args.feeds),
                ("start-up s", start.wall),
                ("max in flight per host", in_flight),
            ):
                rows.setdefault(key, []).append(value)
            print(
                f"  run: ours {rows['ours full'][-1]:,.0f} / {rows['ours 304'][-1]:,.0f} feeds/s, "
                f"plain {rows['plain full'][-1]:,.0f} / {rows['plain 304'][-1]:,.0f}",
                file=sys.stderr,
            )
    print(
        f"{args.feeds} feeds on {args.hosts} hosts, listed host by host, "
        f"{args.latency * 1000:.0f} ms latency, {args.concurrency} at once, "
        f"{args.per_host} per host, poll.jobs {args.jobs}; median (range) of {args.repeat}"
    )
    print(f"{'cycle':<10}{'plain aiohttp+feedparser':>28}{'occasional poll --all':>28}{'ratio':>8}")
    for cycle in ("full", "304"):
        plain_rate, ours_rate = rows[f"plain {cycle}"], rows[f"ours {cycle}"]
        ratio = statistics.median(ours_rate) / statistics.median(plain_rate)
        print(
            f"{cycle:<10}{_summary(plain_rate):>20} feeds/s{_summary(ours_rate):>20} feeds/s"
            f"{ratio:>8.2f}"
        )
    for key in (
        "ours full cpu ms/feed",
        "ours 304 cpu ms/feed",
        "plain full cpu ms/feed",
        "plain 304 cpu ms/feed",
    ):
        print(f"{key:<26}{statistics.median(rows[key]):.3f}")
    print(f"start-up subtracted: {statistics.median(rows['start-up s']):.2f} s")
    print(f"most requests in flight to one host: {max(rows['max in flight per host']):.0f}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of the largest occasional command (import or poll): {peak:,.0f} MB")


if __name__ == "__main__":
    main()
