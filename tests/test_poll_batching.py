"""The batch writer and the batched poll cycle, on a real SQLite file and a loopback server."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import event

from occasional import make_engine
from occasional.exceptions import SourceNotFoundError
from occasional.storage import (
    ArticleIntent,
    BatchWriter,
    FetchLogEntry,
    PollWrite,
    SourceChange,
    SqlStorage,
    make_article_id,
    open_storage,
)
from occasional.types import Source

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStorage]:
    storage = open_storage(f"sqlite:///{tmp_path / 'occasional.sqlite'}")
    yield storage
    storage.close()


def commits(storage: SqlStorage) -> list[int]:
    """A list that grows by one at every committed transaction of ``storage``."""
    seen: list[int] = []
    event.listen(storage.engine, "commit", lambda _connection: seen.append(1))
    return seen


def poll(source: Source, count: int) -> PollWrite:
    items = [
        ArticleIntent(
            id=make_article_id(source.id, str(n)),
            source_id=source.id,
            url=f"{source.url}/{n}",
            title=f"Entry {n}",
            entry_key=str(n),
            fetched=NOW,
        )
        for n in range(count)
    ]

    def settle(new):
        change = SourceChange(last_polled=NOW, failures=0)
        return change, FetchLogEntry(source.id, source.url, NOW, 200, new_entries=len(new))

    return PollWrite(source.id, items, settle)


def sources(store: SqlStorage, count: int) -> list[Source]:
    return [store.add_source(f"https://s{n}.example/feed", now=NOW) for n in range(count)]


async def write_all(store: SqlStorage, polls: list[PollWrite], **options: float) -> list[object]:
    async with BatchWriter(store, **options) as writer:  # type: ignore[arg-type]
        return await asyncio.gather(*(writer.write(p) for p in polls), return_exceptions=True)


def test_concurrent_writes_share_transactions(store: SqlStorage) -> None:
    polled = sources(store, 45)
    seen = commits(store)
    results = asyncio.run(write_all(store, [poll(s, 3) for s in polled], max_polls=20))
    assert results == [[make_article_id(s.id, str(n)) for n in range(3)] for s in polled]
    assert len(seen) <= 5  # 45 polls, at most 20 a batch: not 45 transactions
    assert store.count_articles() == 45 * 3
    assert all(store.get_source(s.id).last_polled == NOW for s in polled)
    assert store.fetch_log(polled[-1].id)[0].new_entries == 3


def test_a_failing_poll_fails_alone(store: SqlStorage) -> None:
    kept, gone, also_kept = sources(store, 3)
    store.remove_source(gone.id)
    results = asyncio.run(write_all(store, [poll(kept, 2), poll(gone, 2), poll(also_kept, 2)]))
    assert isinstance(results[1], SourceNotFoundError)
    assert [len(results[0]), len(results[2])] == [2, 2]  # type: ignore[arg-type]
    assert store.count_articles() == 4


def test_a_lone_write_waits_only_max_delay(store: SqlStorage) -> None:
    (source,) = sources(store, 1)
    started = time.monotonic()
    results = asyncio.run(write_all(store, [poll(source, 1)], max_polls=1000, max_delay=0.01))
    assert results == [[make_article_id(source.id, "0")]]
    assert time.monotonic() - started < 2.0


def test_each_batch_is_committed_before_the_writer_closes(
    store: SqlStorage, tmp_path: Path
) -> None:
    first, second, late = sources(store, 3)
    other = open_storage(f"sqlite:///{tmp_path / 'occasional.sqlite'}")

    async def run() -> int:
        async with BatchWriter(store, max_polls=2, max_delay=60) as writer:
            await asyncio.gather(writer.write(poll(first, 1)), writer.write(poll(second, 1)))
            pending = asyncio.create_task(writer.write(poll(late, 5)))
            await asyncio.sleep(0)
            # Another connection already sees the first batch: a crash now would keep it.
            visible = other.count_articles()
        assert len(await pending) == 5
        return visible

    assert asyncio.run(run()) == 2
    assert other.count_articles() == 7
    other.close()


def test_writing_outside_the_block_is_refused(store: SqlStorage) -> None:
    (source,) = sources(store, 1)
    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(BatchWriter(store).write(poll(source, 1)))


# --- a whole poll cycle ------------------------------------------------------


def rss(n: int) -> bytes:
    items = "".join(
        f"<item><title>Story {i} of {n}</title><link>http://example.com/{n}/{i}</link>"
        f"<guid>urn:{n}:{i}</guid><pubDate>{format_datetime(NOW - timedelta(hours=i))}</pubDate>"
        "</item>"
        for i in range(4)
    )
    return f'<rss version="2.0"><channel><title>Feed {n}</title>{items}</channel></rss>'.encode()


@pytest.fixture
def feeds() -> Iterator[str]:
    """A loopback server of small feeds with ETags; yields its base URL."""

    async def handler(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        etag = f'"v-{n}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=rss(n), content_type="application/rss+xml", headers={"ETag": etag})

    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_get("/f/{n}.xml", handler)
    runner = web.AppRunner(app, access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.run_until_complete(runner.cleanup())
    loop.close()


def test_a_poll_cycle_commits_in_batches(feeds: str, tmp_path: Path) -> None:
    overrides = {"fetch": {"allow_networks": ["127.0.0.0/8"]}, "articles": {"fetch_full": False}}
    with make_engine(home=tmp_path, overrides=overrides) as engine:
        for n in range(60):
            engine.add_source(f"{feeds}/f/{n}.xml", discover=False)
        seen = commits(engine.storage)  # type: ignore[arg-type]
        first = engine.poll(everything=True, stories=False)
        during_first = len(seen)
        second = engine.poll(everything=True, stories=False)
        assert {r.status for r in first.sources} == {"ok"}
        assert len(first.new_articles) == 60 * 4
        assert {r.status for r in second.sources} == {"not_modified"}
        assert second.new_articles == []
        # One transaction per batch (and one to prune): fewer than one per source, where
        # polling source by source took three.
        assert during_first < 60
        for source in engine.sources():
            assert source.etag == f'"v-{source.url.rsplit("/", 1)[1][:-4]}"'
            assert [e.status for e in engine.storage.fetch_log(source.id)] == [304, 200]
