"""Per-host politeness: how many requests one host gets at once, and how often.

Owned by one :class:`~occasional.fetch.client.Fetcher` and shared by every
caller of it, so two feeds on the same host and the article pages they link
to all queue behind the same per-host limit. Never raises.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

__all__ = ["MAX_CRAWL_DELAY", "HostLimits"]

# A robots.txt Crawl-delay above this is read as this: a delay of an hour
# would stall a digest run, and Google ignores the field altogether.
MAX_CRAWL_DELAY = 30.0


class HostLimits:
    """One semaphore per host, plus a minimum spacing between request starts."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._turns: dict[str, asyncio.Lock] = {}
        self._last_start: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of ``host``'s ``per_host`` slots for the duration of a request."""
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self._per_host))
        async with semaphore:
            yield

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
