"""Bounds for a small public HTTP endpoint: connections at once, time to send headers, lifetime.

``occasional serve`` faces mail readers' browsers, and so anyone. A slowloris
client opens many connections and sends its headers a byte at a time, so an
unguarded server holds every connection open. :class:`ConnectionGuard` wraps
any asyncio protocol factory (the web framework's) and, below the framework:

- refuses a connection beyond ``max_connections`` at once (closed at accept);
- closes a connection whose request headers are not complete after
  ``header_timeout`` seconds;
- closes any connection after ``lifetime`` seconds, whatever it is doing.

::

    guard = ConnectionGuard(framework_protocol_factory, limits)
    server = await loop.create_server(guard, host, port)

The framework still parses HTTP; the guard only watches for the blank line
that ends the first request's headers, so it suits servers that close the
connection after each response (keep-alive off).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["ConnectionGuard", "ConnectionLimits"]

_END_OF_HEADERS = b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """How much of the server one client, or all of them, may hold."""

    max_connections: int = 256
    header_timeout: float = 10.0
    lifetime: float = 60.0


class ConnectionGuard:
    """A protocol factory that puts :class:`ConnectionLimits` around ``factory``'s protocols."""

    def __init__(self, factory: Callable[[], Any], limits: ConnectionLimits) -> None:
        self.factory = factory
        self.limits = limits
        self.active = 0
        self.refused = 0
        self.cut = 0

    def __call__(self) -> asyncio.Protocol:
        return _Guarded(self)


class _Guarded(asyncio.Protocol):
    """One connection: counted, timed, and passed through to the framework's protocol."""

    def __init__(self, guard: ConnectionGuard) -> None:
        self._guard = guard
        self._inner: Any = None
        self._transport: asyncio.BaseTransport | None = None
        self._timers: list[asyncio.TimerHandle] = []
        self._header_timer: asyncio.TimerHandle | None = None
        self._tail = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        guard = self._guard
        self._transport = transport
        if guard.active >= guard.limits.max_connections:
            guard.refused += 1
            transport.abort()  # type: ignore[attr-defined]
            return
        guard.active += 1
        loop = asyncio.get_running_loop()
        self._header_timer = loop.call_later(guard.limits.header_timeout, self._cut)
        self._timers = [self._header_timer, loop.call_later(guard.limits.lifetime, self._cut)]
        self._inner = guard.factory()
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._inner is None:
            return
        if self._header_timer is not None:
            window = self._tail + data
            if _END_OF_HEADERS in window:
                self._header_timer.cancel()
                self._header_timer = None
            self._tail = window[-(len(_END_OF_HEADERS) - 1) :]
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in self._timers:
            timer.cancel()
        if self._inner is not None:
            self._guard.active -= 1
            inner, self._inner = self._inner, None
            inner.connection_lost(exc)

    def _cut(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._guard.cut += 1
            self._transport.abort()  # type: ignore[attr-defined]
