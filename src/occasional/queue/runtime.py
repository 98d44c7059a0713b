"""What a worker process keeps between tasks, and the bodies of its tasks.

Celery runs each task on one of the worker's threads. The network work of
all of them runs on one event loop of the process, in a thread of its own,
so they share one Fetcher (its connections, its robots.txt cache, the
per-host limits shared through Redis) and one BatchWriter (polls that finish
together are committed together)::

    task thread:  runtime.poll(source_id, now)       # reads the source, then waits for:
    loop thread:  poll_one(ctx, source, writer)      # the in-process stage code
                  → the poll's batch is committed before the task returns

The task bodies call the same stage functions as ``occasional poll``
(:func:`~occasional.pipeline.poll_one`, :func:`~occasional.pipeline.fetch_page`,
:func:`~occasional.pipeline.refresh_stories`); what they add is idempotence:

- a poll task carries its source as the enqueuer read it (no read per task) and
  its cycle's time; the write of its poll is refused when the source was
  already polled in that cycle (``PollWrite.cycle``, under a row lock), which
  is what an earlier run of the same task did if its worker died after storing
  and before acknowledging, or what a second run at once (Redis gives a task
  that outlives ``queue.visibility_timeout`` to another worker) finds; the
  stored result is reported then;
- a page task skips an article whose text is already stored;
- article ids come from the source and the entry, so storing an entry again
  updates the one row.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Coroutine
from dataclasses import asdict
from datetime import datetime
from typing import Any, TypeVar

from redis.asyncio import Redis

from ..config import Config
from ..exceptions import AlreadyPolledError, ArticleNotFoundError
from ..fetch.client import Fetcher
from ..pipeline import PageResult, PollContext, SourceResult, fetch_page, poll_one
from ..pipeline.stories import refresh_stories
from ..storage import BatchWriter, SqlStorage, open_storage
from ..types import Source, SourceSettings
from .app import limiter_url
from .limiter import SharedHostLimits

__all__ = ["WorkerRuntime", "result_from_dict", "source_from_message", "source_message"]

T = TypeVar("T")

# Polls that finish together are committed together, as in process; a task waits
# for its batch's commit before it returns (and is acknowledged).
_BATCH_POLLS = 200
_BATCH_DELAY = 0.02


_TIMES = ("added", "last_polled", "next_poll")


def source_message(source: Source) -> dict[str, Any]:
    """A source as a task carries it (JSON): read once by the enqueuer, not per task."""
    data = asdict(source)
    for name in _TIMES:
        data[name] = data[name].isoformat() if data[name] else None
    return data


def source_from_message(data: dict[str, Any]) -> Source:
    """The source a task carries (see :func:`source_message`)."""
    values = dict(data)
    for name in _TIMES:
        values[name] = datetime.fromisoformat(values[name]) if values[name] else None
    settings = values.pop("settings")
    settings["tags"] = tuple(settings["tags"])
    return Source(**values, settings=SourceSettings(**settings))


def result_from_dict(data: dict[str, Any]) -> SourceResult:
    """A :class:`SourceResult` back from its JSON form (a poll task's return value)."""
    return SourceResult(**{**data, "new_articles": tuple(data["new_articles"])})


class WorkerRuntime:
    """One worker process's storage, event loop, Fetcher and BatchWriter."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.storage: SqlStorage = open_storage(config.database)
        self._rng = random.Random()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="occasional-loop", daemon=True
        )
        self._thread.start()
        self.run(self._open())

    async def _open(self) -> None:
        fetch = self.config.fetch
        self._redis = Redis.from_url(limiter_url(self.config))
        lease = fetch.connect_timeout + fetch.read_timeout + 5
        self._hosts = SharedHostLimits(
            self._redis, fetch.per_host, prefix=f"{self.config.queue.name}:limits", lease=lease
        )
        self._fetcher = await Fetcher(fetch, hosts=self._hosts).__aenter__()
        self._writer = await BatchWriter(
            self.storage, max_polls=_BATCH_POLLS, max_delay=_BATCH_DELAY
        ).__aenter__()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the process's loop and wait for it (from any other thread)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def _context(self, now: datetime) -> PollContext:
        return PollContext(self.storage, self._fetcher, self.config, now, self._rng, once=True)

    def poll(self, source: Source, now: datetime) -> dict[str, Any]:
        """Poll ``source`` (as the cycle's enqueuer read it) for the cycle of ``now``;
        its SourceResult as a dict.

        The write is refused if the source was already polled in this cycle (an
        earlier run of this task that stored its poll, then lost its worker); the
        stored result is reported then. Runs on a task's thread: only the fetch
        and the batched write run on the shared loop.
        """
        result = self.run(poll_one(self._context(now), source, self._writer))
        if AlreadyPolledError.MARK in (result.error or ""):  # report the first run's
            result = self._stored_result(self.storage.get_source(source.id), now)
        return asdict(result)

    def _stored_result(self, source: Source, now: datetime) -> SourceResult:
        """What an earlier run of this poll stored: its log line and its new articles."""
        logged = next(iter(self.storage.fetch_log(source.id, limit=1)), None)
        new = tuple(
            a.id for a in self.storage.iter_articles(source_id=source.id) if a.fetched == now
        )
        status = "error" if source.last_error else "ok"
        if logged is not None and logged.status == 304:
            status = "not_modified"
        return SourceResult(
            source_id=source.id,
            url=source.url,
            status=status,
            new_articles=new,
            entries=len(new),
            http_status=logged.status if logged else None,
            error=source.last_error,
        )

    def page(self, article_id: str, now: datetime) -> dict[str, Any]:
        """Fetch and extract one article's page, unless its text is already stored."""
        try:
            article = self.storage.get_article(article_id)
        except ArticleNotFoundError as exc:
            return asdict(PageResult(article_id, "error", str(exc)))
        if article.text:
            return asdict(PageResult(article_id, article.extraction))
        return asdict(self.run(fetch_page(self._context(now), article_id)))

    def stories(self, now: datetime) -> int:
        """Refresh copies and stories (one refresher at a time); how many stories there are."""
        return len(refresh_stories(self.storage, self.config, now))

    async def _close(self) -> None:
        await self._writer.__aexit__(None, None, None)
        await self._fetcher.__aexit__(None, None, None)
        await self._hosts.aclose()
        await self._redis.aclose()

    def close(self) -> None:
        """Commit what waits, close the network and the storage, stop the loop."""
        try:
            self.run(self._close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self.storage.close()
