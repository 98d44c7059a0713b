"""Per-host queues served round-robin: which source a free worker polls next.

A subscription list is grouped by site (OPML exports list feeds folder by
folder, host by host). Workers that took sources in list order would all
queue behind the first hosts' few slots while every other host sat idle.
:class:`HostQueue` instead keeps one queue per host and hands a worker the
next source of the next host that has a slot to spare::

    queue = HostQueue(sources, host=lambda s: host_of(s.url), per_host=4)
    while (taken := queue.take()) is not None:   # or: await queue.wait() when
        host, source = taken                     #     every host is busy
        ...poll source...
        queue.finish(host)

It only decides the order: the Fetcher still enforces ``fetch.per_host`` and
Crawl-delay on every request, so politeness is exactly what it was. Never
raises. :func:`interleave` gives the same round-robin order as a flat list,
for callers that hand sources to someone else (the task queue), and
:func:`split_by_host` shares them out between processes, a host in one share only.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from yarl import URL

__all__ = ["HostQueue", "host_of", "interleave", "split_by_host"]

T = TypeVar("T")


def host_of(url: str) -> str:
    """The host the Fetcher's per-host limit counts ``url`` under ("" when it has none)."""
    try:
        return URL(url.strip()).host or ""
    except (TypeError, ValueError):
        return ""


def _group(items: Iterable[T], host: Callable[[T], str]) -> dict[str, deque[T]]:
    groups: dict[str, deque[T]] = {}
    for item in items:
        key = host(item)
        queue = groups.get(key)
        if queue is None:
            queue = groups[key] = deque()
        queue.append(item)
    return groups


def interleave(items: Iterable[T], host: Callable[[T], str]) -> Iterator[T]:
    """``items`` one host at a time in turn: a1 b1 c1 a2 b2 c2 …, each host's order kept."""
    queues = deque(_group(items, host).values())
    while queues:
        queue = queues.popleft()
        yield queue.popleft()
        if queue:
            queues.append(queue)


def split_by_host(items: Iterable[T], host: Callable[[T], str], parts: int) -> list[list[T]]:
    """``items`` in at most ``parts`` non-empty shares of about equal size, all of a
    host's items in one share (in their order), so per-host limits kept by each share
    hold for the whole. Largest hosts first, each to the smallest share so far."""
    shares: list[list[T]] = [[] for _ in range(max(1, parts))]
    for queue in sorted(_group(items, host).values(), key=len, reverse=True):
        min(shares, key=len).extend(queue)
    return [share for share in shares if share]


class HostQueue(Generic[T]):
    """Items grouped by host, handed out round-robin, at most ``per_host`` of a host at once."""

    def __init__(self, items: Iterable[T], host: Callable[[T], str], per_host: int) -> None:
        self._queues = _group(items, host)
        self._per_host = max(1, per_host)
        self._left = sum(len(queue) for queue in self._queues.values())
        # Invariant: a host is in _ready exactly when it has items left and a slot free.
        self._ready: deque[str] = deque(self._queues)
        self._running: Counter[str] = Counter()
        self._idle: deque[asyncio.Future[None]] = deque()

    def __len__(self) -> int:
        """Items not handed out yet."""
        return self._left

    def take(self) -> tuple[str, T] | None:
        """The next item of the next host with a free slot, or None when none can go now."""
        if not self._ready:
            return None
        host = self._ready.popleft()
        queue = self._queues[host]
        item = queue.popleft()
        self._left -= 1
        self._running[host] += 1
        if queue and self._running[host] < self._per_host:
            self._ready.append(host)  # to the back: the other hosts go first
        if not self._left:
            self._wake_all()  # nothing more to hand out: waiting workers may stop
        return host, item

    def finish(self, host: str) -> None:
        """Say that an item of ``host`` taken earlier is done, freeing its slot."""
        running = self._running[host] - 1
        self._running[host] = running
        if running == self._per_host - 1 and self._queues[host]:
            self._ready.append(host)  # it was full; now it has room again
            self._wake_one()

    async def wait(self) -> None:
        """Wait until :meth:`take` may give something, or nothing is left to give."""
        if self._ready or not self._left:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._idle.append(waiter)
        await waiter

    def _wake_one(self) -> None:
        while self._idle:
            waiter = self._idle.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _wake_all(self) -> None:
        while self._idle:
            waiter = self._idle.popleft()
            if not waiter.done():
                waiter.set_result(None)
