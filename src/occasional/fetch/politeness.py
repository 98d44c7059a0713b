"""Per-host politeness and the global limit: how many requests run at once, and how often.

Owned by one :class:`~occasional.fetch.client.Fetcher` and shared by every
caller of it, so two feeds on the same host and the article pages they link
to all queue behind the same per-host limit. Never raises (a cancelled wait
re-raises ``CancelledError`` as usual).

The Fetcher takes a request's host slot *before* its global slot: a request
queued behind a busy host then holds nothing the other hosts need, so many
feeds on one host cannot starve the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Protocol

__all__ = ["MAX_CRAWL_DELAY", "Gate", "HostLimits", "HostSlots"]

# A robots.txt Crawl-delay above this is read as this: a delay of an hour
# would stall a digest run, and Google ignores the field altogether.
MAX_CRAWL_DELAY = 30.0


class HostSlots(Protocol):
    """What the Fetcher needs of per-host limits (:class:`HostLimits` in one process;
    the task queue's workers share theirs through Redis)."""

    def try_acquire(self, host: str) -> bool:
        """Take one of ``host``'s slots if that can be done now; False defers to acquire."""
        ...

    async def acquire(self, host: str) -> None:
        """Take one of ``host``'s slots, waiting as long as it takes."""
        ...

    def release(self, host: str) -> None:
        """Give back a slot taken by try_acquire or acquire."""
        ...

    async def wait_turn(self, host: str, delay: float | None) -> None:
        """Sleep until ``delay`` seconds have passed since the last start on ``host``."""
        ...


class Gate:
    """A first-come-first-served counting semaphore with O(1) acquire and release.

    ``asyncio.Semaphore`` (Python 3.11) scans every waiter on each acquire, which
    costs quadratic time once thousands of requests queue; this one does not.
    A released slot passes straight to the oldest waiter, so nobody can jump
    the queue.
    """

    __slots__ = ("_free", "_size", "_waiters")

    def __init__(self, size: int) -> None:
        self._size = size
        self._free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def idle(self) -> bool:
        """Whether no slot is taken and nobody waits."""
        return self._free == self._size and not self._waiters

    def try_acquire(self) -> bool:
        """Take a slot if one is free now, without waiting (the common case)."""
        # Invariant: a free slot implies an empty line (release hands slots over).
        if self._free > 0:
            self._free -= 1
            return True
        return False

    async def acquire(self) -> None:
        """Take a slot, waiting in line if none is free."""
        if self.try_acquire():
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            # Handed a slot in the same tick as the cancellation: pass it on.
            if waiter.done() and not waiter.cancelled():
                self.release()
            raise

    def release(self) -> None:
        """Give a slot back: to the oldest live waiter, else to the pool."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():  # cancelled waiters stay queued until here
                waiter.set_result(None)
                return
        self._free += 1


class HostLimits:
    """A :class:`Gate` of ``per_host`` slots per host, plus a minimum spacing of starts."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._gates: dict[str, Gate] = {}
        self._turns: dict[str, asyncio.Lock] = {}
        self._last_start: dict[str, float] = {}

    def __len__(self) -> int:
        """How many hosts have a slot taken or a request waiting."""
        return len(self._gates)

    def try_acquire(self, host: str) -> bool:
        """Take one of ``host``'s slots if one is free now, without waiting."""
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = Gate(self._per_host)
        return gate.try_acquire()

    async def acquire(self, host: str) -> None:
        """Take one of ``host``'s slots; pair with :meth:`release` in a ``finally``."""
        if not self.try_acquire(host):
            await self._gates[host].acquire()

    def release(self, host: str) -> None:
        """Give back a slot taken by :meth:`acquire`; idle hosts are forgotten."""
        gate = self._gates[host]
        gate.release()
        if gate.idle:  # a crawl meets many hosts once; keep the table small
            del self._gates[host]

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of ``host``'s slots for the duration of a block."""
        await self.acquire(host)
        try:
            yield
        finally:
            self.release(host)

    async def wait_turn(self, host: str, delay: float | None) -> None:
        """Sleep until ``delay`` seconds have passed since the last start on ``host``.

        Callers that pass no delay are not spaced (and do not wait for others).
        """
        if not delay or delay <= 0:
            return
        delay = min(delay, MAX_CRAWL_DELAY)
        async with self._turns.setdefault(host, asyncio.Lock()):
            wait = self._last_start.get(host, -delay) + delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_start[host] = time.monotonic()
