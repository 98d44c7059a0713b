"""Fault suite, ``kill -9`` of ``occasional poll`` mid-run, then again, then to the end.

A real subprocess of the CLI polls a loopback web of 20 feeds (10 entries each,
pages served slowly). It is killed with SIGKILL while feeds are being read,
then (run again) while pages are being fetched, then run to the end. After
every kill SQLite's integrity check passes; at the end every entry is stored
exactly once and every page is fetched: the killed runs lost nothing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from faultweb import FaultWeb, article_page, item, rss
from occasional import make_engine

pytestmark = pytest.mark.faults

FEEDS, ENTRIES = 20, 10


class KillSwitch:
    """Counts requests by kind; fires when the armed kind reaches its count."""

    def __init__(self) -> None:
        self.armed: tuple[str, int] | None = None
        self.seen = {"feed": 0, "page": 0}
        self.fired = threading.Event()

    def arm(self, kind: str, count: int) -> None:
        self.seen = {"feed": 0, "page": 0}
        self.fired.clear()
        self.armed = (kind, count)

    def hit(self, kind: str) -> None:
        self.seen[kind] += 1
        if self.armed and self.armed[0] == kind and self.seen[kind] >= self.armed[1]:
            self.fired.set()


@pytest.fixture
def news(tmp_path: Path) -> Iterator[tuple[FaultWeb, KillSwitch]]:
    switch = KillSwitch()
    with FaultWeb() as site:
        for f in range(FEEDS):
            links = [site.url(f"/f{f}/s{e}") for e in range(ENTRIES)]
            body = rss([item(f"Story {f}-{e}", link=link) for e, link in enumerate(links)])

            async def feed(request: web.Request, body: bytes = body) -> web.Response:
                switch.hit("feed")
                await asyncio.sleep(0.05)
                return web.Response(body=body, content_type="application/rss+xml")

            site.route(f"/f{f}.xml", feed)
            for e in range(ENTRIES):

                async def page(request: web.Request, title: str = f"Story {f}-{e}") -> web.Response:
                    switch.hit("page")
                    await asyncio.sleep(0.05)
                    return web.Response(body=article_page(title), content_type="text/html")

                site.route(f"/f{f}/s{e}", page)
        yield site, switch


def occasional(home: Path, *args: str) -> subprocess.Popen[bytes]:
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OCCASIONAL_HOME": str(home), "OCCASIONAL_ALLOW_NETWORKS": "127.0.0.0/8"}
    env.pop("COV_CORE_SOURCE", None)  # no coverage bookkeeping in a process that is killed
    code = "import sys; from occasional.cli import main; main(sys.argv[1:])"
    with (home.parent / "stderr.log").open("ab") as log:  # the child keeps its own handle
        return subprocess.Popen(
            [sys.executable, "-c", code, *args], env=env, stdout=subprocess.DEVNULL, stderr=log
        )


def integrity(home: Path) -> str:
    with sqlite3.connect(home / "occasional.sqlite") as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def kill_when(process: subprocess.Popen[bytes], switch: KillSwitch, kind: str, count: int) -> None:
    switch.arm(kind, count)
    assert switch.fired.wait(60), f"the poll never reached {count} {kind} requests"
    process.send_signal(signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL


def test_kill_9_mid_poll_twice_loses_and_duplicates_nothing(
    news: tuple[FaultWeb, KillSwitch], tmp_path: Path
) -> None:
    site, switch = news
    home = tmp_path / "home"
    with make_engine(home=home) as engine:
        assert len(engine.import_opml(opml(site).encode()).added) == FEEDS

    kill_when(occasional(home, "poll", "--all"), switch, "feed", FEEDS // 2)
    assert integrity(home) == "ok"
    kill_when(occasional(home, "poll", "--all"), switch, "page", 30)
    assert integrity(home) == "ok"
    pages_before_last = switch.seen["page"]
    last = occasional(home, "poll", "--all")
    assert last.wait(120) == 0, (tmp_path / "stderr.log").read_text()
    assert integrity(home) == "ok"

    with sqlite3.connect(home / "occasional.sqlite") as connection:
        rows = connection.execute("SELECT title, text, page_due FROM articles").fetchall()
        keys = connection.execute(
            "SELECT count(*) FROM (SELECT source_id, entry_key FROM articles "
            "GROUP BY source_id, entry_key HAVING count(*) > 1)"
        ).fetchone()[0]
    assert keys == 0
    assert sorted(title for title, _, _ in rows) == sorted(
        f"Story {f}-{e}" for f in range(FEEDS) for e in range(ENTRIES)
    )
    assert all("Paragraph 7" in (text or "") for _, text, _ in rows)  # every page fetched
    assert all(due is None for _, _, due in rows)
    assert pages_before_last >= 30  # the second run was really killed among the pages


def opml(site: FaultWeb) -> str:
    outlines = "".join(
        f'<outline type="rss" text="Feed {f}" xmlUrl="{site.url(f"/f{f}.xml")}"/>'
        for f in range(FEEDS)
    )
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'
