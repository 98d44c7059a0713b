"""One poll over several processes: sources shared out by host, results gathered back."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from occasional import make_engine
from occasional.cli import cli
from occasional.core import Engine
from occasional.demo import NewsWeb
from occasional.demo.farm import Farm, FarmSpec, run_farm
from occasional.fetch.hostqueue import split_by_host
from occasional.pipeline import processes
from occasional.pipeline.processes import CycleJob, poll_cycle_in_processes
from occasional.storage import shared_between_processes

ALLOW = {"fetch": {"allow_networks": ["127.0.0.0/8"], "read_timeout": 10.0}}  # as conftest's

# --- sharing out ------------------------------------------------------------------

hosts_and_items = st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers()), max_size=80)


@given(hosts_and_items, st.integers(min_value=1, max_value=5))
def test_each_host_lands_in_one_share_and_shares_stay_even(
    items: list[tuple[str, int]], parts: int
) -> None:
    shares = split_by_host(items, lambda item: item[0], parts)
    assert sorted(item for share in shares for item in share) == sorted(items)
    assert len(shares) <= parts and all(shares)
    owners = Counter(host for share in shares for host in {h for h, _ in share})
    assert set(owners.values()) <= {1}  # a host's items never span two shares
    for share in shares:  # each host keeps its order
        for host in {h for h, _ in share}:
            assert [i for i in share if i[0] == host] == [i for i in items if i[0] == host]
    if shares:  # greedy by size: no share exceeds another by more than the largest host
        largest = max(Counter(h for h, _ in items).values())
        sizes = [len(share) for share in shares]
        assert max(sizes) - min(sizes) <= largest


def test_only_a_database_on_disk_or_a_server_is_shared_between_processes() -> None:
    assert shared_between_processes("sqlite:////tmp/x.sqlite")
    assert shared_between_processes("postgresql+psycopg://u@127.0.0.1/x")
    assert not shared_between_processes("sqlite://")
    assert not shared_between_processes("sqlite:///:memory:")
    assert not shared_between_processes("not a url")


# --- a poll over a farm -----------------------------------------------------------

FEEDS, HOSTS, ITEMS = 240, 8, 2
PER_HOST, CONCURRENCY = 2, 12


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with run_farm(FarmSpec(feeds=FEEDS, hosts=HOSTS, items=ITEMS, latency=0.05)) as served:
        yield served


def _overrides(jobs: int) -> dict[str, Any]:
    return {
        "fetch": {
            "allow_networks": ["127.0.0.0/8"],
            "concurrency": CONCURRENCY,
            "per_host": PER_HOST,
        },
        "articles": {"fetch_full": False},
        "poll": {"jobs": jobs},
    }


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many processes each phase that used processes started."""
    counts: list[int] = []
    real = processes._Processes._start

    def spy(self: Any, job: CycleJob, shares: list[list[Any]]) -> Any:
        counts.append(len(shares))
        return real(self, job, shares)

    monkeypatch.setattr(processes._Processes, "_start", spy)
    return counts


def _stored(engine: Engine) -> Counter[str]:
    return Counter(a.source_id for a in engine.articles(limit=10_000))


def test_a_poll_over_processes_stores_and_reports_what_one_process_does(
    farm: Farm, tmp_path: Path, started: list[int]
) -> None:
    reports, stored = {}, {}
    for jobs in (1, 2):
        with make_engine(home=tmp_path / str(jobs), overrides=_overrides(jobs)) as engine:
            engine.import_opml(farm.opml())
            farm.reset()
            first = engine.poll(everything=True, stories=False)
            stats = farm.stats()
            again = engine.poll(everything=True, stories=False)
            reports[jobs] = (first, again)
            stored[jobs] = (_stored(engine), len(engine.sources()))
            # Politeness across processes: a host's sources are all in one process.
            assert stats["max_in_flight"] <= PER_HOST
            assert stats["max_in_flight_total"] <= CONCURRENCY
    assert started == [2, 2]  # the jobs=2 engine's two polls, two processes each
    for jobs in (1, 2):
        first, again = reports[jobs]
        assert Counter(r.status for r in first.sources) == {"ok": FEEDS}
        assert Counter(r.status for r in again.sources) == {"not_modified": FEEDS}
        assert len(first.new_articles) == FEEDS * ITEMS and not again.new_articles
        assert sorted(r.source_id for r in first.sources) == sorted(
            r.source_id for r in again.sources
        )
    assert stored[1][0].total() == stored[2][0].total() == FEEDS * ITEMS
    assert set(stored[1][0].values()) == set(stored[2][0].values()) == {ITEMS}


def test_poll_jobs_on_the_command_line_keeps_the_json_shape(
    farm: Farm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[int]
) -> None:
    monkeypatch.setenv("OCCASIONAL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OCCASIONAL_ALLOW_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("OCCASIONAL_ARTICLES_FETCH_FULL", "false")
    runner = CliRunner()
    opml = tmp_path / "farm.opml"
    opml.write_bytes(farm.opml())
    assert runner.invoke(cli, ["import-opml", str(opml)]).exit_code == 0
    result = runner.invoke(cli, ["poll", "--all", "--json", "--jobs", "3"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == FEEDS and started == [3]
    assert {tuple(sorted(row)) for row in rows} == {
        ("entries", "error", "http_status", "new", "source", "status", "url")
    }
    assert {row["new"] for row in rows} == {ITEMS}
    text = runner.invoke(cli, ["poll", "--all", "--jobs", "1"], catch_exceptions=False)
    assert f"{FEEDS} sources polled in" in text.stdout and started == [3]
    assert runner.invoke(cli, ["poll", "--jobs", "-1"]).exit_code == 2


def test_a_process_that_dies_leaves_its_sources_reported_and_the_others_stored(
    farm: Farm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = processes._child

    def dies_if_even(kind: Any, job: CycleJob, items: Any, connection: Any) -> None:
        if job.seed % 2 == 0:
            os._exit(3)  # as if killed: no word to the parent
        real(kind, job, items, connection)

    monkeypatch.setattr(processes, "_child", dies_if_even)
    # Forked, so the child runs the function above (a fork server would need it by name).
    monkeypatch.setattr(processes, "_context", lambda: multiprocessing.get_context("fork"))
    with make_engine(home=tmp_path, overrides=_overrides(2)) as engine:
        engine.import_opml(farm.opml())
        report = engine.poll(everything=True, stories=False)
        stored = _stored(engine)
    by_status = Counter(r.status for r in report.sources)
    assert by_status.total() == FEEDS  # every source is reported, once
    assert by_status["error"] == FEEDS // 2 and by_status["ok"] == FEEDS // 2
    errors = {r.error for r in report.sources if r.status == "error"}
    assert errors == {
        "not reported: its process stopped (exit status 3); unless it was stored, "
        "the next poll does it"
    }
    ok = {r.source_id for r in report.sources if r.status == "ok"}
    assert set(stored) == ok  # the dead share stored nothing, the other everything


def test_processes_come_from_a_fork_server_when_other_threads_run(
    farm: Farm, tmp_path: Path
) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with make_engine(home=tmp_path, overrides=_overrides(2)) as engine:
            engine.import_opml(farm.opml())
            sources = engine.sources()
            job = CycleJob(engine.config, datetime.now(UTC), time.monotonic() + 60, 1)
            assert processes._context().get_start_method() == "forkserver"
            report = poll_cycle_in_processes(engine.storage, job, sources, 2)
            stored = _stored(engine)
    finally:
        stop.set()
        other.join()
    assert Counter(r.status for r in report.sources) == {"ok": FEEDS}
    assert stored.total() == FEEDS * ITEMS


# --- pages over processes -----------------------------------------------------------


def test_pages_over_processes_are_extracted_as_in_one(
    news_web: NewsWeb, polled_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processes, "MIN_SHARE", 1)  # the sample web is small
    overrides = ALLOW | {"poll": {"jobs": 2}}
    with make_engine(home=tmp_path, overrides=overrides) as engine:
        for outlet in news_web.outlets:
            if outlet.kind != "trouble":
                engine.add_source(outlet.feed_url or outlet.home_url)
        report = engine.poll(everything=True)
        here = {(a.url, a.extraction) for a in engine.articles(limit=10_000)}
    with make_engine(home=polled_home, overrides=ALLOW) as engine:
        alone = {(a.url, a.extraction) for a in engine.articles(limit=10_000)}
    assert report.pages and here == alone
    assert Counter(p.how for p in report.pages)["extracted"] > 0


# --- a slow commit does not hold the network back -------------------------------------


class _SlowCommits:
    """A storage whose first batch waits until the farm has served ``wanted`` requests."""

    def __init__(self, storage: Any, farm: Farm, wanted: int) -> None:
        self._storage, self._farm, self._wanted = storage, farm, wanted
        self.served_before_first_commit: int | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)

    def record_polls(self, polls: Any) -> Any:
        if self.served_before_first_commit is None:
            for _ in range(100):  # at most about 10 s
                if self._farm.stats()["requests"] >= self._wanted:
                    break
                time.sleep(0.1)
            self.served_before_first_commit = int(self._farm.stats()["requests"])
        return self._storage.record_polls(polls)


def test_a_hosts_next_poll_starts_while_the_last_waits_for_its_commit(tmp_path: Path) -> None:
    import asyncio
    import random

    from occasional.fetch.client import Fetcher
    from occasional.pipeline import PollContext, poll_sources

    overrides = _overrides(1) | {"fetch": {"allow_networks": ["127.0.0.0/8"], "per_host": 1}}
    with (
        run_farm(FarmSpec(feeds=4, hosts=1, items=1, latency=0.05)) as one_host,
        make_engine(home=tmp_path, overrides=overrides) as engine,
    ):
        engine.import_opml(one_host.opml())
        one_host.reset()
        slow = _SlowCommits(engine.storage, one_host, wanted=4)

        async def cycle() -> Any:
            async with Fetcher(engine.config.fetch) as fetcher:
                ctx = PollContext(slow, fetcher, engine.config, datetime.now(UTC), random.Random(1))  # type: ignore[arg-type]
                return await poll_sources(ctx, engine.sources())

        report = asyncio.run(cycle())
        stats = one_host.stats()
    assert Counter(r.status for r in report.sources) == {"ok": 4}
    # One slot on the host: all four were fetched, one after another, before the first
    # batch was committed; holding the slot until the commit would have served one.
    assert slow.served_before_first_commit == 4
    assert stats["max_in_flight"] == 1
