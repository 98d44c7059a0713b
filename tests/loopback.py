"""The one loopback test server the tests share: an aiohttp app on 127.0.0.1, port 0,
served in the test's event loop or from a thread of its own."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator

from aiohttp import web


@contextlib.asynccontextmanager
async def serve_app(app: web.Application, **runner_options: object) -> AsyncIterator[int]:
    """Serve ``app`` on a free loopback port while the context is open; yields the port."""
    runner = web.AppRunner(app, shutdown_timeout=0.2, **runner_options)  # type: ignore[arg-type]
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


@contextlib.contextmanager
def serve_in_thread(app: web.Application, host: str = "127.0.0.1") -> Iterator[int]:
    """Serve ``app`` from a background thread (for code that runs its own event loop,
    such as the Engine); yields the port."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="loopback", daemon=True)
    thread.start()

    async def start() -> web.AppRunner:
        runner = web.AppRunner(app, shutdown_timeout=0.2, handler_cancellation=True)
        await runner.setup()
        await web.TCPSite(runner, host, 0).start()
        return runner

    runner = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield int(runner.addresses[0][1])
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
