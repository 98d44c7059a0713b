"""Committing the results of many concurrent polls together.

The pipeline polls hundreds of sources at once, and a transaction per source
would make the commits, not the network, the limit. :class:`BatchWriter`
collects the :class:`~occasional.storage.base.PollWrite` of each finished poll
and hands them to :meth:`Storage.record_polls` in batches::

    poll ─ await writer.write(w) ─┐
    poll ─ await writer.write(w) ─┼─ when max_polls wait, or max_delay after the first:
    poll ─ await writer.write(w) ─┘    record_polls(batch)   # one transaction
                                       each caller gets its own new article ids

Each batch is committed on its own, so a crash loses at most the polls still
waiting (their sources are simply polled again), never a committed batch. A
batch that fails is retried one poll at a time, so a source removed
mid-poll fails alone and its neighbours are stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from types import TracebackType
from typing import Self

from .base import PollWrite, Storage

__all__ = ["BatchWriter"]

log = logging.getLogger(__name__)

_Waiting = tuple[PollWrite, "asyncio.Future[list[str]]"]


class BatchWriter:
    """Batches :meth:`Storage.record_polls` calls for concurrent pollers.

    Use as ``async with BatchWriter(storage) as writer: await writer.write(poll)``;
    leaving the block commits whatever still waits. The pipeline's
    ``poll_sources`` owns one per poll cycle.
    """

    def __init__(self, storage: Storage, *, max_polls: int = 200, max_delay: float = 0.05) -> None:
        self._storage = storage
        self._max_polls = max_polls
        self._max_delay = max_delay
        self._pending: list[_Waiting] = []
        self._wake = asyncio.Event()
        self._timer: asyncio.TimerHandle | None = None
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def write(self, poll: PollWrite) -> list[str]:
        """Queue ``poll``; returns its new article ids once its batch is committed.

        Raises what :meth:`Storage.record_polls` raised for this poll alone
        (StorageError, SourceNotFoundError, SourceExistsError).
        """
        if self._task is None or self._closing:
            raise RuntimeError("use the BatchWriter as 'async with BatchWriter(storage) as w'")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[str]] = loop.create_future()
        self._pending.append((poll, future))
        if len(self._pending) >= self._max_polls:
            self._wake.set()
        elif self._timer is None:
            self._timer = loop.call_later(self._max_delay, self._wake.set)
        return await future

    async def _run(self) -> None:
        while not (self._closing and not self._pending):
            await self._wake.wait()
            self._wake.clear()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            batch, self._pending = self._pending, []
            if batch:
                # In a worker thread: the database does its part without holding the
                # GIL, so the polls' network work goes on meanwhile. One at a time.
                results = await asyncio.to_thread(self._commit, [poll for poll, _ in batch])
                for (_, future), result in zip(batch, results, strict=True):
                    _answer(future, result)
            if len(self._pending) >= self._max_polls:
                self._wake.set()

    def _commit(self, polls: Sequence[PollWrite]) -> list[list[str] | Exception]:
        try:
            return list(self._storage.record_polls(polls))
        except Exception:  # any failure: each poll is retried alone below, and fails alone
            log.info("a batch of %d polls failed; storing them one by one", len(polls))
            return [self._commit_one(poll) for poll in polls]

    def _commit_one(self, poll: PollWrite) -> list[str] | Exception:
        try:
            return self._storage.record_polls([poll])[0]
        except Exception as exc:  # the error belongs to the caller, who gets it back
            return exc


def _answer(future: asyncio.Future[list[str]], result: list[str] | Exception) -> None:
    # A caller cancelled mid-wait no longer wants the answer (its poll is stored anyway).
    if future.done():
        return
    if isinstance(result, Exception):
        future.set_exception(result)
    else:
        future.set_result(result)
