"""The one thread ``occasional serve`` runs Engine calls on, one at a time.

Scheduled jobs (polls, digests) and feedback links share it
(:mod:`.schedule`, :mod:`.feedback`), so they never run at once; web pages
use their own threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["Worker"]

T = TypeVar("T")


class Worker:
    """A single worker thread, awaited from the event loop."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="occasional")

    async def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run an Engine call on the worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: func(*args, **kwargs))

    def shutdown(self) -> None:
        """Let the running call finish, then stop the thread."""
        self._pool.shutdown(wait=True)
