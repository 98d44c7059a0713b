"""Polling many sources: per-host round-robin scheduling and the report of a large poll."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from occasional import make_engine
from occasional.cli import cli
from occasional.demo.farm import Farm, FarmSpec, run_farm
from occasional.fetch.hostqueue import HostQueue, host_of, interleave

# --- the queue itself ----------------------------------------------------------

hosts_and_items = st.lists(st.tuples(st.sampled_from("abcde"), st.integers()), max_size=60)


@given(hosts_and_items, st.integers(min_value=1, max_value=4), st.randoms())
def test_every_item_is_handed_out_once_never_over_the_host_limit(
    items: list[tuple[str, int]], per_host: int, rng
) -> None:
    queue = HostQueue(items, lambda item: item[0], per_host)
    running: list[tuple[str, int]] = []
    handed: list[tuple[str, int]] = []
    while len(queue) or running:
        taken = queue.take()
        if taken is None or (running and rng.random() < 0.4):
            if taken is not None:  # put it back the honest way: run it
                running.append(taken[1])
                handed.append(taken[1])
            done = running.pop(rng.randrange(len(running)))
            queue.finish(done[0])
            continue
        running.append(taken[1])
        handed.append(taken[1])
        assert Counter(host for host, _ in running)[taken[0]] <= per_host
    assert sorted(handed) == sorted(items)


@given(hosts_and_items)
def test_interleave_takes_hosts_in_turn_and_keeps_each_hosts_order(
    items: list[tuple[str, int]],
) -> None:
    order = list(interleave(items, lambda item: item[0]))
    assert sorted(order) == sorted(items)
    for host in "abcde":
        assert [i for i in order if i[0] == host] == [i for i in items if i[0] == host]
    # No host comes twice before every host that still has items came once.
    first_round = order[: len({host for host, _ in items})]
    assert len({host for host, _ in first_round}) == len(first_round)


def test_take_refuses_a_full_host_and_finish_frees_it() -> None:
    queue = HostQueue(["a1", "a2", "b1"], lambda item: item[0], per_host=1)
    assert queue.take() == ("a", "a1")
    assert queue.take() == ("b", "b1")
    assert queue.take() is None  # a's only slot is taken
    queue.finish("a")
    assert queue.take() == ("a", "a2")
    assert len(queue) == 0


def test_host_of_matches_the_fetchers_host() -> None:
    assert host_of("http://Example.COM:8080/feed") == "example.com"
    assert host_of("not a url") == ""


# --- a poll cycle over a farm grouped by host -----------------------------------


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with run_farm(FarmSpec(feeds=40, hosts=4, items=3, latency=0.3)) as served:
        yield served


def test_sources_listed_host_by_host_keep_every_slot_busy(farm: Farm, tmp_path: Path) -> None:
    # 8 slots in all, 2 per host, 4 hosts: taking sources in list order would put all
    # eight workers on the first host's 2 slots. Round-robin keeps all eight busy.
    overrides = {
        "fetch": {"allow_networks": ["127.0.0.0/8"], "concurrency": 8, "per_host": 2},
        "articles": {"fetch_full": False},
    }
    with make_engine(home=tmp_path, overrides=overrides) as engine:
        engine.import_opml(farm.opml())
        farm.reset()
        report = engine.poll(everything=True, stories=False)
    stats = farm.stats()
    assert [r.status for r in report.sources] == ["ok"] * 40
    assert stats["max_in_flight"] == 2  # politeness: never more than per_host to one host
    assert stats["max_in_flight_total"] == 8


# --- what the CLI prints ----------------------------------------------------------


def test_a_large_poll_prints_a_summary_and_only_the_failing_sources(
    farm: Farm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCCASIONAL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OCCASIONAL_ALLOW_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("OCCASIONAL_ARTICLES_FETCH_FULL", "false")
    runner = CliRunner()
    opml = tmp_path / "farm.opml"
    opml.write_bytes(farm.opml())
    assert runner.invoke(cli, ["import-opml", str(opml)]).exit_code == 0
    missing = [farm.url(n).replace(f"/f/{n}.xml", f"/f/{900 + n}.xml") for n in range(3)]
    for url in missing:
        assert runner.invoke(cli, ["add", url, "--no-discover"]).exit_code == 0

    result = runner.invoke(cli, ["poll", "--all"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "43 sources polled in" in result.stdout
    assert "120 new articles" in result.stdout
    assert "ok: 40, error: 3" in result.stdout
    assert "failing sources (3)" in result.stdout
    for url in missing:
        assert url in result.stdout
    assert farm.url(0) not in result.stdout  # a working source gets no row

    as_json = runner.invoke(cli, ["poll", "--all", "--json"], catch_exceptions=False)
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(rows) == 43
    assert Counter(row["status"] for row in rows) == {"not_modified": 40, "error": 3}


# --- the bulk insert the poll's batches use ------------------------------------------


def test_insert_many_stores_what_sqlalchemy_would(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from occasional.storage import open_storage
    from occasional.storage.schema import fetch_log
    from occasional.storage.sqlbase import insert_many

    store = open_storage(f"sqlite:///{tmp_path / 'x.sqlite'}")
    source = store.add_source("https://example.org/feed", now=datetime(2026, 1, 1, tzinfo=UTC))
    row = {
        "source_id": source.id,
        "url": "https://example.org/feed\x00",  # a NUL, which CleanText removes
        "started": datetime(2026, 1, 1, 12, 30, tzinfo=UTC),
        "status": 200,
        "elapsed": 0.25,
        "bytes": 10,
        "error": None,
        "new_entries": 3,
    }
    with store.engine.begin() as connection:
        connection.execute(insert(fetch_log), [row])
        insert_many(connection, fetch_log, [row])
        stored = [tuple(r)[1:] for r in connection.execute(select(fetch_log))]
    store.close()
    assert stored[0] == stored[1]
    assert stored[0][1] == "https://example.org/feed"


def test_stories_are_refreshed_only_when_a_poll_stored_something(
    farm: Farm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from occasional import core

    refreshed: list[object] = []
    monkeypatch.setattr(core, "refresh_stories", lambda *args: refreshed.append(args))
    overrides = {"fetch": {"allow_networks": ["127.0.0.0/8"]}, "articles": {"fetch_full": False}}
    with make_engine(home=tmp_path, overrides=overrides) as engine:
        engine.add_source(farm.url(0), discover=False)
        assert engine.poll(everything=True).new_articles
        assert len(refreshed) == 1
        assert not engine.poll(everything=True).new_articles  # a 304: nothing to regroup
        assert len(refreshed) == 1
        farm.bump()  # one more entry in every feed
        try:
            assert len(engine.poll(everything=True).new_articles) == 1
        finally:
            farm.bump(version=1)  # as the other tests of the module expect it
        assert len(refreshed) == 2


# --- a poll of a cycle is stored once ---------------------------------------------------


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_poll_of_a_cycle_already_stored_is_refused_whole(backend: str, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from occasional.exceptions import AlreadyPolledError
    from occasional.storage import (
        ArticleIntent,
        FetchLogEntry,
        PollWrite,
        SourceChange,
        make_article_id,
        open_storage,
    )
    from test_storage_contract import POSTGRES_URL, SKIP_POSTGRES, postgres_schema

    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    cycle = datetime(2026, 3, 1, 12, tzinfo=UTC)

    def write(source_id: str, url: str, entry: str) -> PollWrite:
        item = ArticleIntent(
            id=make_article_id(source_id, entry),
            source_id=source_id,
            entry_key=entry,
            url=f"{url}#{entry}",
            title=entry,
            fetched=cycle,
        )
        change = SourceChange(last_polled=cycle, failures=0)
        logged = FetchLogEntry(source_id, url, cycle, 200, new_entries=1)
        return PollWrite(source_id, [item], lambda _new: (change, logged), cycle)

    def check(url: str) -> None:
        store = open_storage(url)
        source = store.add_source("https://example.org/feed", now=cycle - timedelta(days=1))
        assert store.record_polls([write(source.id, source.url, "a")]) == [
            [make_article_id(source.id, "a")]
        ]
        with pytest.raises(AlreadyPolledError):  # the same cycle again, with another entry
            store.record_polls([write(source.id, source.url, "b")])
        assert store.count_articles() == 1  # nothing of the refused write was kept
        assert len(store.fetch_log(source.id)) == 1
        store.close()

    if backend == "sqlite":
        check(f"sqlite:///{tmp_path / 'x.sqlite'}")
    else:
        with postgres_schema() as url:
            check(url)
