"""Fault suite, real-world feeds: ``poll --all`` over every file of the shared feed corpus.

About two thousand feeds from six parser projects' test suites (well-formed,
ill-formed, every encoding, JSON Feeds, files that are no feed at all), each
served from loopback as a source of its own. The poll exits 0; every source is
polled, its outcome stored, and every failure is that source's own error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner
from sqlalchemy import insert

from faultweb import FaultWeb
from occasional import make_engine
from occasional.cli import cli
from occasional.storage.schema import sources
from occasional.storage.sql_sources import _settings_columns
from occasional.types import SourceSettings

pytestmark = pytest.mark.faults


def corpus() -> list[Path]:
    shared = os.environ.get("OCCASIONAL_SHARED_DATA")
    base = (
        Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
    root = base / "feeds"
    if not root.is_dir():
        pytest.skip(f"shared feed corpus not found at {root} (set OCCASIONAL_SHARED_DATA)")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE")


def test_poll_all_over_real_world_feeds_exits_0(tmp_path: Path) -> None:
    files = corpus()
    with FaultWeb() as site:
        for number, path in enumerate(files):
            body = path.read_bytes()

            async def serve(request: web.Request, body: bytes = body) -> web.Response:
                return web.Response(body=body, content_type="application/octet-stream")

            site.route(f"/c/{number}", serve)
        with make_engine(home=tmp_path) as engine:
            # Two thousand sources in one statement: adding them one by one is not under test.
            columns = _settings_columns(SourceSettings(fetch_full=False))
            rows = [
                {"id": f"c{n}", "url": site.url(f"/c/{n}"), "kind": "feed", "added": engine.clock()}
                | {"failures": 0} | columns
                for n in range(len(files))
            ]  # fmt: skip
            with engine.storage.engine.begin() as connection:
                connection.execute(insert(sources), rows)
        env = {
            "OCCASIONAL_HOME": str(tmp_path),
            "OCCASIONAL_ALLOW_NETWORKS": "127.0.0.1/32",
            "OCCASIONAL_FETCH_PER_HOST": "100",  # one loopback server stands for every host
        }
        polled = CliRunner().invoke(
            cli, ["poll", "--all", "--json"], env=env, catch_exceptions=False
        )
    assert polled.exit_code == 0, polled.output
    results = [json.loads(line) for line in polled.stdout.splitlines()]
    assert len(results) == len(files)
    ok = [r for r in results if r["status"] == "ok"]
    failed = [r for r in results if r["status"] == "error"]
    assert len(ok) > 1500 and len(ok) + len(failed) == len(files)
    assert all(r["error"] for r in failed)
    with make_engine(home=tmp_path) as engine:
        stored = engine.sources()
        assert all(s.last_polled is not None for s in stored)
        assert all((s.failures == 0) == (s.url not in {r["url"] for r in failed}) for s in stored)
        assert engine.storage.count_articles() == sum(r["new"] for r in results) > 500
