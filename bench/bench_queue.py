"""Task-queue benchmark: `occasional poll --all --queue` with 1 worker, then 2, on PostgreSQL.

The feed farm (``occasional.demo.farm``) serves N link-less feeds over H loopback
hosts with --latency; each round imports them into a fresh PostgreSQL schema,
starts W workers (``occasional worker --concurrency C``), and times the full
cycle and the all-304 cycle of ``occasional poll --all --queue`` (its start-up
subtracted). Per worker it reads the CPU seconds the worker spent, so the
figures give CPU per task. Then, for the paper estimate of a larger deployment,
it measures what one database connection can write (``record_polls`` of
200-source batches, 10 new entries each) and how fast the broker takes messages.

    python bench/bench_queue.py --feeds 5000 --workers 1 2 --concurrency 64

Needs OCCASIONAL_BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
and OCCASIONAL_BENCH_REDIS_URL (default redis://127.0.0.1:6379/14).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, make_url

from bench_poll import run_cli, startup
from occasional.demo.farm import Farm, FarmSpec, run_farm
from occasional.storage import (
    ArticleIntent,
    FetchLogEntry,
    PollWrite,
    SourceChange,
    make_article_id,
    open_storage,
)

OCCASIONAL = str(Path(sys.executable).with_name("occasional"))
POSTGRES = os.environ.get(
    "OCCASIONAL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS = os.environ.get("OCCASIONAL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


@contextmanager
def schema() -> Iterator[str]:
    """A fresh PostgreSQL schema; yields its URL and drops it afterwards."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    try:
        yield (
            make_url(POSTGRES)
            .update_query_dict({"options": f"-csearch_path={name}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        admin.dispose()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_workers(
    env: dict[str, str], count: int, concurrency: int, folder: Path
) -> list[subprocess.Popen[bytes]]:
    workers = []
    for n in range(count):
        log = folder / f"worker-{n}.log"
        with log.open("wb") as handle:
            workers.append(
                subprocess.Popen(
                    [OCCASIONAL, "worker", "--concurrency", str(concurrency)],
                    env=env,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
            )
        while b" ready." not in log.read_bytes():
            time.sleep(0.1)
    return workers


def one_round(farm: Farm, workers: int, args: argparse.Namespace) -> dict[str, float]:
    """Full and all-304 cycles through ``workers`` workers; rates and CPU per task."""
    with schema() as database, tempfile.TemporaryDirectory(prefix="occasional-bench-") as folder:
        env = os.environ | {
            "OCCASIONAL_HOME": str(Path(folder) / "home"),
            "OCCASIONAL_DATABASE_URL": database,
            "OCCASIONAL_QUEUE_BROKER_URL": REDIS,
            "OCCASIONAL_QUEUE_NAME": f"b{uuid.uuid4().hex[:10]}",
            "OCCASIONAL_ALLOW_NETWORKS": "127.0.0.0/8",
            "OCCASIONAL_ARTICLES_FETCH_FULL": "false",
        }
        opml = Path(folder) / "farm.opml"
        opml.write_bytes(farm.opml())
        home = Path(folder) / "home"
        run_cli(home, env, "import-opml", str(opml))
        start = startup(home, env)
        running = _start_workers(env, workers, args.concurrency, Path(folder))
        try:
            cpu = [_cpu_seconds(w.pid) for w in running]
            full = run_cli(home, env, "poll", "--all", "--queue")
            cached = run_cli(home, env, "poll", "--all", "--queue")
            cpu = [_cpu_seconds(w.pid) - before for w, before in zip(running, cpu, strict=True)]
        finally:
            for worker in running:
                worker.send_signal(signal.SIGTERM)
            for worker in running:
                worker.wait(60)
    tasks = 2 * args.feeds
    return {
        "full": args.feeds / (full.wall - start.wall),
        "304": args.feeds / (cached.wall - start.wall),
        "worker cpu ms/task": sum(cpu) * 1000 / tasks,
        "enqueuer cpu ms/task": ((full.cpu - start.cpu) + (cached.cpu - start.cpu)) * 1000 / tasks,
    }


def database_rate(batches: int = 10, entries: int = 10) -> float:
    """Sources per second one connection stores: batches of 200 polls, ``entries`` new each."""
    with schema() as database:
        storage = open_storage(database)
        now = datetime.now(UTC)
        added = [
            storage.add_source(f"http://h{n}.example/f.xml", now=now) for n in range(200 * batches)
        ]
        change = SourceChange(last_polled=now, next_poll=now, failures=0, last_status=200)

        def write(source_id: str, url: str) -> PollWrite:
            items = [
                ArticleIntent(
                    id=make_article_id(source_id, str(i)),
                    source_id=source_id,
                    entry_key=str(i),
                    url=f"{url}#{i}",
                    title=f"Story {i}",
                    summary="A sentence or two of summary text.",
                    fetched=now,
                    published=now,
                )
                for i in range(entries)
            ]
            entry = FetchLogEntry(source_id, url, now, 200, 0.05, 2000, None, entries)
            return PollWrite(source_id, items, lambda _new: (change, entry))

        polls = [write(s.id, s.url) for s in added]
        started = time.perf_counter()
        for n in range(0, len(polls), 200):
            storage.record_polls(polls[n : n + 200])
        rate = len(polls) / (time.perf_counter() - started)
        storage.close()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=250)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    spec = FarmSpec(feeds=args.feeds, hosts=args.hosts, latency=args.latency)
    rows = {}
    with run_farm(spec) as farm:
        for count in args.workers:
            rows[count] = one_round(farm, count, args)
            print(f"  {count} worker(s): {rows[count]}", file=sys.stderr)
    writes, unchanged = database_rate(), database_rate(entries=0)
    first = rows[args.workers[0]]
    print(
        f"{args.feeds} feeds on {args.hosts} hosts, {args.latency * 1000:.0f} ms latency, "
        f"--concurrency {args.concurrency} per worker, PostgreSQL + Redis on this machine"
    )
    print(
        f"{'workers':<9}{'full feeds/s':>14}{'304 feeds/s':>13}{'vs first':>10}"
        f"{'worker CPU ms/task':>20}{'enqueuer CPU ms/task':>22}"
    )
    for count, row in rows.items():
        ratio = row["full"] / first["full"]
        print(
            f"{count:<9}{row['full']:>14,.0f}{row['304']:>13,.0f}{ratio:>10.2f}"
            f"{row['worker cpu ms/task']:>20.2f}{row['enqueuer cpu ms/task']:>22.2f}"
        )
    print(f"one PostgreSQL connection stores {writes:,.0f} sources/s (200 a batch, 10 new entries)")
    print(f"one PostgreSQL connection stores {unchanged:,.0f} sources/s (200 a batch, nothing new)")


if __name__ == "__main__":
    main()
