"""The one loopback test server the fetch tests share: an aiohttp app on 127.0.0.1, port 0."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

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
