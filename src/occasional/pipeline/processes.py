"""One poll cycle over several processes: each host's sources in one process only.

One process polls with one CPU core (the GIL): HTTP handling, parsing and
building rows are Python. With ``poll.jobs`` above one, a cycle shares its
sources out by host (:func:`~occasional.fetch.hostqueue.split_by_host`) and
polls each share in a process of its own, then does the same with the pages
that are due::

    deadline=$((now + poll.deadline))            # one deadline for every process
    for share in $(split_by_host $sources $jobs); do
        ( open_storage; poll_sources $share --until $deadline ) &   # own fetcher,
    done                                          # own connection, own batches
    wait_and_gather                               # results stream back by pipe
    for share in $(split_by_host $(storage due_pages $now) $jobs); do
        ( open_storage; fetch_pages $share --until $deadline ) &
    done
    wait_and_gather

Politeness is exactly what one process keeps: a host's sources (or pages) are
all in one share, so its ``fetch.per_host`` slots and Crawl-delay are counted
by one Fetcher. Only a redirect to a host of another share is counted by both
(a feed moved to another site, rarely). ``fetch.concurrency`` is divided
between the processes, so the total in flight stays within it.

Each process stores its own polls in its own batches (SQLite queues the
writers on its busy timeout; PostgreSQL takes them side by side), so the
crash safety of :mod:`occasional.pipeline` holds per process. Results stream
back to this process as they finish; a process that dies leaves its unfinished
sources or pages reported as errors, unchanged in storage, to be done by the
next poll. Processes are forked when this process runs one thread (the CLI),
and come from a fork server otherwise (``serve``, whose other threads a fork
would copy in whatever state they were).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext, ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any, Literal, cast

from ..config import Config
from ..exceptions import describe
from ..fetch.client import Fetcher
from ..fetch.hostqueue import host_of, split_by_host
from ..storage import open_storage
from ..storage.base import Storage
from ..types import Article, Source
from .cycle import due_pages, fetch_pages_until, poll_sources_until
from .poll import PageResult, PollContext, PollReport, SourceResult

__all__ = ["MIN_SHARE", "CycleJob", "cpu_count", "poll_cycle_in_processes"]

Progress = Callable[[int], None]
Kind = Literal["sources", "pages"]
Result = SourceResult | PageResult

#: A process is started for at least this many sources (or pages); fewer are
#: polled in this process, where they cost no start-up.
MIN_SHARE = 50
# How often a process sends the results it has so far (the caller's progress).
_SEND_EVERY = 0.1
# How long the processes may take to store what they have once this one is
# interrupted (Ctrl-C reaches them too); then they are terminated.
_STOP_GRACE = 10.0


def cpu_count() -> int:
    """The CPU cores this process may run on (what ``poll.jobs = 0`` means)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class CycleJob:
    """What every process of one cycle shares (picklable, for a fork server).

    ``deadline`` is on :func:`time.monotonic`'s clock, which every process of the
    machine shares and asyncio's event loop reads; ``seed`` seeds each process's
    poll jitter (its own, so two processes do not draw the same).
    """

    config: Config
    now: datetime
    deadline: float
    seed: int


def poll_cycle_in_processes(
    storage: Storage,
    job: CycleJob,
    sources: Sequence[Source],
    jobs: int,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> PollReport:
    """:func:`~occasional.pipeline.poll_cycle` with the work of each phase shared out
    between at most ``jobs`` processes (see the module docstring). ``storage`` lists
    the due pages; each process opens its own from ``job.config``. Never raises but
    for cancellation (KeyboardInterrupt): a process's failure is its items' error."""
    report = PollReport()
    if on_total:
        on_total(len(sources))
    report.sources.extend(_phase("sources", job, sources, jobs, progress, storage))
    if time.monotonic() >= job.deadline:
        return report
    articles = due_pages(storage, job.config, job.now, report)
    if on_total:
        on_total(len(sources) + len(articles))
    report.pages.extend(_phase("pages", job, articles, jobs, progress, storage))
    return report


def _host(kind: Kind) -> Callable[[Any], str]:
    if kind == "sources":
        return lambda source: host_of(source.url)
    return lambda article: host_of(article.url)


def _phase(
    kind: Kind,
    job: CycleJob,
    items: Sequence[Source] | Sequence[Article],
    jobs: int,
    progress: Progress | None,
    storage: Storage,
) -> list[Any]:
    if not items:
        return []
    parts = min(jobs, len(items) // MIN_SHARE)
    shares = split_by_host(items, _host(kind), parts)
    if len(shares) <= 1:  # not worth a process: here, on the caller's storage
        return asyncio.run(_run_share(kind, job, storage, items, progress))
    return _Processes(kind, job, shares, progress).run()


async def _run_share(
    kind: Kind,
    job: CycleJob,
    storage: Storage,
    items: Sequence[Any],
    progress: Progress | None,
    watch: Callable[[list[Any]], None] | None = None,
) -> list[Result]:
    report = PollReport()
    results: list[Any] = report.sources if kind == "sources" else report.pages
    if watch:
        watch(results)
    async with Fetcher(job.config.fetch) as fetcher:
        ctx = PollContext(storage, fetcher, job.config, job.now, random.Random(job.seed))
        if kind == "sources":
            await poll_sources_until(ctx, items, job.deadline, progress, report)
        else:
            await fetch_pages_until(ctx, items, job.deadline, progress, report)
    return results


# --- in a process of its own --------------------------------------------------


class _Sender:
    """Sends a process's results to the parent as they come, a few times a second."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._results: list[Any] = []
        self._sent = 0
        self._last = time.monotonic()

    def watch(self, results: list[Any]) -> None:
        self._results = results

    def progress(self, _done: int) -> None:
        if time.monotonic() - self._last >= _SEND_EVERY:
            self.flush()

    def flush(self) -> None:
        """Send the results not sent yet. Raises OSError when the parent is gone,
        which stops this process's polls (their batches are still stored)."""
        fresh = self._results[self._sent :]
        self._sent = len(self._results)
        self._last = time.monotonic()
        if fresh:
            self._connection.send(("results", fresh))

    def finish(self, failure: str | None) -> None:
        """The last results and how the share ended; quietly nothing if the parent is gone."""
        try:
            self.flush()
            self._connection.send(("failed", failure) if failure else ("done", None))
        except OSError:
            pass


def _child(kind: Kind, job: CycleJob, items: list[Any], connection: Connection) -> None:
    """A process's whole life: open the storage, do its share, report, close."""
    sender = _Sender(connection)
    try:
        storage = open_storage(job.config.database)
        try:
            asyncio.run(_run_share(kind, job, storage, items, sender.progress, sender.watch))
        finally:
            storage.close()
        sender.finish(None)
    except BaseException as exc:  # the parent reports it as the unfinished items' error
        sender.finish(describe(exc))
    finally:
        connection.close()


@dataclass(slots=True)
class _Share:
    process: BaseProcess
    connection: Connection
    items: list[Any]
    done: set[str]
    failure: str | None = None


class _Processes:
    """Starts a process per share, gathers their results, reports what they left."""

    def __init__(
        self, kind: Kind, job: CycleJob, shares: list[list[Any]], progress: Progress | None
    ) -> None:
        self.kind = kind
        self.progress = progress
        self.results: list[Result] = []
        self.shares = self._start(job, shares)

    def _start(self, job: CycleJob, shares: list[list[Any]]) -> list[_Share]:
        context = _context()
        # Each process gets its part of fetch.concurrency, so the total stays within it.
        fetch = job.config.fetch
        each = max(1, fetch.concurrency // len(shares))
        config = job.config.model_copy(
            update={"fetch": fetch.model_copy(update={"concurrency": each})}
        )
        started = []
        for index, items in enumerate(shares):
            receive, send = context.Pipe(duplex=False)
            child_job = replace(job, config=config, seed=job.seed + index)
            process = context.Process(
                target=_child, args=(self.kind, child_job, items, send), daemon=True
            )
            process.start()
            send.close()  # the child holds it now: its end of the pipe closes when it exits
            started.append(_Share(process, receive, items, set()))
        return started

    def run(self) -> list[Result]:
        try:
            waiting = {share.connection: share for share in self.shares}
            while waiting:
                for ready in wait(list(waiting)):
                    if not self._receive(waiting[cast(Connection, ready)]):
                        del waiting[cast(Connection, ready)]
        except BaseException:
            self._stop(_STOP_GRACE)
            raise
        self._stop(None)
        for share in self.shares:
            self.results.extend(self._unfinished(share))
        return self.results

    def _receive(self, share: _Share) -> bool:
        """Take one message from ``share``; whether more are to come."""
        try:
            tag, value = share.connection.recv()
        except (EOFError, OSError):  # died without a word: killed, or out of memory
            return False
        if tag == "results":
            self.results.extend(value)
            share.done.update(_key(result) for result in value)
            if self.progress:
                self.progress(len(value))
            return True
        share.failure = value if tag == "failed" else None
        return False

    def _stop(self, grace: float | None) -> None:
        for share in self.shares:
            share.process.join(grace)
            if share.process.is_alive():
                share.process.terminate()
                share.process.join()
            share.connection.close()

    def _unfinished(self, share: _Share) -> list[Result]:
        left = [item for item in share.items if item.id not in share.done]
        if not left:
            return []
        why = share.failure or f"its process stopped (exit status {share.process.exitcode})"
        note = f"not reported: {why}; unless it was stored, the next poll does it"
        if self.kind == "sources":
            return [SourceResult(s.id, s.url, "error", error=note) for s in left]
        return [PageResult(a.id, "error", note) for a in left]


def _key(result: Result) -> str:
    return result.source_id if isinstance(result, SourceResult) else result.article_id


def _context() -> ForkContext | ForkServerContext:
    # Forking copies every thread's locks as they are; only a lone thread forks safely.
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    server = multiprocessing.get_context("forkserver")
    # The server imports this module once; each process it forks starts warm.
    server.set_forkserver_preload([__name__])
    return server
