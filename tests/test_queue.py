"""The task queue on the real services: PostgreSQL, Redis, RabbitMQ, and worker processes.

Each test needs OCCASIONAL_TEST_POSTGRES_URL and OCCASIONAL_TEST_REDIS_URL (and
OCCASIONAL_TEST_RABBITMQ_URL for the RabbitMQ one), and is skipped with the reason
otherwise; `.ci/run` starts the services and sets them. Every test uses its own
PostgreSQL schema and its own queue name (which prefixes every Redis key), so
parallel runs on one Redis do not meet.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from occasional.cli import cli
from occasional.demo.farm import Farm, FarmSpec, run_farm
from occasional.storage import open_storage
from occasional.storage.schema import articles, fetch_log, sources
from test_storage_contract import POSTGRES_URL, SKIP_POSTGRES, postgres_schema

REDIS_URL = os.environ.get("OCCASIONAL_TEST_REDIS_URL")
RABBITMQ_URL = os.environ.get("OCCASIONAL_TEST_RABBITMQ_URL")
OCCASIONAL = str(Path(sys.executable).with_name("occasional"))

SKIP_REDIS = "task queue not tested: set OCCASIONAL_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15"
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason=SKIP_POSTGRES)
needs_redis = pytest.mark.skipif(not REDIS_URL, reason=SKIP_REDIS)


# --- refused where it cannot work: no services needed -------------------------------


@pytest.mark.parametrize("args", [("poll", "--all", "--queue"), ("worker",), ("serve", "--queue")])
def test_the_queue_is_refused_on_sqlite_in_one_line(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCCASIONAL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OCCASIONAL_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 1
    assert "needs PostgreSQL" in result.stderr and "database_url" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- a deployment: a schema, a queue name, workers ------------------------------------


@dataclass
class Deployment:
    """One test's database, broker settings and worker processes."""

    env: dict[str, str]
    folder: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self, concurrency: int = 8) -> subprocess.Popen[bytes]:
        log = self.folder / f"worker-{len(self.workers)}.log"
        handle = log.open("wb")
        process = subprocess.Popen(
            [OCCASIONAL, "worker", "--concurrency", str(concurrency)],
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        handle.close()
        self.workers.append(process)
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker did not start:\n{log.read_text()}")
            time.sleep(0.1)
        return process

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [OCCASIONAL, *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        if check:
            assert done.returncode == 0, done.stderr
        return done

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.workers:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def farm() -> Iterator[Farm]:
    with run_farm(FarmSpec(feeds=60, hosts=6, items=3, latency=0.2)) as served:
        yield served


def _deployment(tmp_path: Path, broker: str, database: str) -> Deployment:
    env = os.environ | {
        "OCCASIONAL_HOME": str(tmp_path / "home"),
        "OCCASIONAL_DATABASE_URL": database,
        "OCCASIONAL_QUEUE_BROKER_URL": broker,
        "OCCASIONAL_QUEUE_LIMITER_URL": REDIS_URL or "",
        "OCCASIONAL_QUEUE_NAME": f"t{uuid.uuid4().hex[:12]}",
        # A dead worker's tasks come back after this many seconds (Redis).
        "OCCASIONAL_QUEUE_VISIBILITY_TIMEOUT": "5",
        "OCCASIONAL_ALLOW_NETWORKS": "127.0.0.0/8",
        "OCCASIONAL_FETCH_PER_HOST": "2",
        "OCCASIONAL_ARTICLES_FETCH_FULL": "false",
    }
    return Deployment(env, tmp_path)


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    with postgres_schema() as database:
        deployed = _deployment(tmp_path, REDIS_URL or "", database)
        try:
            yield deployed
        finally:
            deployed.stop()


def _import(deployed: Deployment, farm: Farm) -> None:
    opml = deployed.folder / "farm.opml"
    opml.write_bytes(farm.opml())
    deployed.run("import-opml", str(opml))


def _stored(deployed: Deployment) -> tuple[int, Counter[str], int]:
    """Articles stored, fetch-log lines per source, sources never polled."""
    storage = open_storage(deployed.env["OCCASIONAL_DATABASE_URL"])
    with storage.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(articles)).scalar_one()
        logged = Counter(connection.execute(select(fetch_log.c.source_id)).scalars())
        never = connection.execute(
            select(func.count()).select_from(sources).where(sources.c.last_polled.is_(None))
        ).scalar_one()
    storage.close()
    return count, logged, never


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
@needs_redis
def test_two_workers_poll_everything_once_and_share_the_host_limits(
    deployment: Deployment, farm: Farm
) -> None:
    _import(deployment, farm)
    deployment.start_worker()
    deployment.start_worker()
    farm.reset()
    polled = deployment.run("poll", "--all", "--queue", "--json")
    rows = [json.loads(line) for line in polled.stdout.splitlines()]
    assert sorted(row["url"] for row in rows) == sorted(farm.urls)
    assert {row["status"] for row in rows} == {"ok"}
    assert sum(row["new"] for row in rows) == 60 * 3
    # Two workers of 8 slots each, 2 per host: without the shared limits up to 4.
    assert farm.stats()["max_in_flight"] == 2
    count, logged, never = _stored(deployment)
    assert count == 60 * 3 and never == 0
    assert set(logged.values()) == {1} and len(logged) == 60

    again = deployment.run("poll", "--all", "--queue")
    assert "60 sources polled" in again.stdout and "not modified: 60" in again.stdout


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
@needs_redis
def test_a_worker_killed_mid_run_loses_and_doubles_nothing(
    deployment: Deployment, farm: Farm
) -> None:
    _import(deployment, farm)
    doomed = deployment.start_worker(concurrency=8)
    deployment.start_worker(concurrency=2)
    farm.reset()
    poll = subprocess.Popen(
        [OCCASIONAL, "poll", "--all", "--queue", "--json"],
        env=deployment.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while farm.stats()["requests"] < 12:  # well into the run, with polls in flight
        assert time.monotonic() < deadline, "the poll never started"
        time.sleep(0.02)
    doomed.send_signal(signal.SIGKILL)
    out, err = poll.communicate(timeout=240)
    assert poll.returncode == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert Counter(row["url"] for row in rows) == Counter(farm.urls)  # each once
    assert {row["status"] for row in rows} == {"ok"}
    count, logged, never = _stored(deployment)
    assert never == 0  # every source was polled
    assert count == 60 * 3  # every entry stored, none twice
    assert sorted(logged.values()) == [1] * 60  # and one poll recorded per source


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(
    not RABBITMQ_URL,
    reason="RabbitMQ not tested: set OCCASIONAL_TEST_RABBITMQ_URL, e.g. "
    "amqp://guest:guest@127.0.0.1:5672//",
)
@needs_postgres
@needs_redis
def test_a_rabbitmq_broker_works_the_same(farm: Farm, tmp_path: Path) -> None:
    with postgres_schema() as database:
        deployed = _deployment(tmp_path, RABBITMQ_URL or "", database)
        try:
            _import(deployed, farm)
            deployed.start_worker()
            polled = deployed.run("poll", "--all", "--queue")
            assert "60 sources polled" in polled.stdout and "180 new articles" in polled.stdout
            count, logged, never = _stored(deployed)
            assert (count, never, set(logged.values())) == (180, 0, {1})
        finally:
            deployed.stop()


# --- the parts on their own ----------------------------------------------------------


@pytest.mark.postgres
@needs_postgres
@needs_redis
def test_no_worker_is_one_clear_line(tmp_path: Path) -> None:
    with postgres_schema() as database:
        deployed = _deployment(tmp_path, REDIS_URL or "", database)
        deployed.run("add", "http://127.0.0.1:9/feed.xml", "--no-discover")
        done = deployed.run("poll", "--all", "--queue", check=False)
    assert done.returncode == 1
    assert "no worker answers" in done.stderr and "occasional worker" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.postgres
@needs_postgres
def test_the_stories_lock_lets_one_holder_in_at_a_time() -> None:
    with postgres_schema() as database:
        first, second = open_storage(database), open_storage(database)
        spans: list[tuple[float, float]] = []

        def hold(storage: object) -> None:
            with storage.exclusive("stories"):  # type: ignore[attr-defined]
                entered = time.monotonic()
                time.sleep(0.3)
                spans.append((entered, time.monotonic()))

        threads = [threading.Thread(target=hold, args=(s,)) for s in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        first.close()
        second.close()
    (_, first_out), (second_in, _) = sorted(spans)
    assert second_in >= first_out  # the second entered only after the first left


@needs_redis
def test_shared_host_limits_hold_across_workers() -> None:
    from redis.asyncio import Redis

    from occasional.queue.limiter import SharedHostLimits

    async def scenario() -> tuple[int, list[float]]:
        prefix = f"t{uuid.uuid4().hex[:12]}"
        clients = [Redis.from_url(REDIS_URL or ""), Redis.from_url(REDIS_URL or "")]
        workers = [SharedHostLimits(c, 2, prefix=prefix, lease=30) for c in clients]
        held, most = 0, 0

        async def request(limits: SharedHostLimits) -> None:
            nonlocal held, most
            await limits.acquire("example.org")
            held += 1
            most = max(most, held)
            await asyncio.sleep(0.02)
            held -= 1
            limits.release("example.org")

        await asyncio.gather(*(request(workers[n % 2]) for n in range(20)))
        starts: list[float] = []
        for n in range(3):  # Crawl-delay 0.2 s, asked by both workers in turn
            await workers[n % 2].wait_turn("example.org", 0.2)
            starts.append(time.monotonic())
        for limits, client in zip(workers, clients, strict=True):
            await limits.aclose()
            await client.aclose()
        return most, starts

    most, starts = asyncio.run(scenario())
    assert most == 2
    assert all(later - earlier >= 0.19 for earlier, later in itertools.pairwise(starts))


def test_a_source_travels_in_a_task_message_unchanged() -> None:
    from datetime import UTC, datetime

    from occasional.queue.runtime import source_from_message, source_message
    from occasional.types import Source, SourceSettings

    source = Source(
        id="s1",
        url="https://example.org/feed",
        etag='"v2"',
        settings=SourceSettings(tags=("news", "tech"), fetch_full=False),
        added=datetime(2026, 1, 1, tzinfo=UTC),
        last_polled=datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
        failures=2,
    )
    message = json.loads(json.dumps(source_message(source)))  # as the broker carries it
    assert source_from_message(message) == source


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
@needs_redis
def test_pages_and_stories_go_through_the_queue(deployment: Deployment, news_web) -> None:
    deployment.env["OCCASIONAL_ARTICLES_FETCH_FULL"] = "true"
    feeds = [o.feed_url for o in news_web.outlets if o.kind == "feed" and o.feed_url][:3]
    for url in feeds:
        deployment.run("add", url, "--no-discover")
    deployment.start_worker()
    polled = deployment.run("poll", "--all", "--queue")
    extracted = int(polled.stdout.split(" pages extracted")[0].rsplit(", ", 1)[1])
    assert extracted > 5, polled.stdout
    stories = deployment.run("stories", "--json")
    assert len(stories.stdout.splitlines()) > 1  # the refresh task grouped them
