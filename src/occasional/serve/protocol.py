"""The HTTP transport of ``occasional serve``: uvicorn, a header deadline, a connection cap.

A connection gets ``serve.header_timeout`` seconds to send a request's
headers (uvicorn has no such limit of its own, so a client trickling bytes
could otherwise hold a connection forever), and no more than
``serve.max_connections`` are held at once (more are closed as they come).
Used by :class:`occasional.serve.Server`, which binds the socket
(:func:`listen`) and runs the server (:func:`uvicorn_server`) itself.
"""

from __future__ import annotations

import asyncio
import socket

import h11
import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..config import ServeSettings
from ..exceptions import ConfigError

__all__ = ["HeaderTimeoutProtocol", "listen", "uvicorn_server"]


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections that do not send headers in time,
    and refusing connections beyond ``max_connections`` as they are accepted.

    The deadline is armed when a connection opens and after each response,
    and disarmed as soon as a request's headers are complete.
    """

    header_timeout = 10.0
    max_connections = 256

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        self._refused = len(self.connections) >= self.max_connections
        if self._refused:
            transport.abort()  # a client holding every slot must not get one more
            return
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if not self._refused:
            super().connection_lost(exc)


def _protocol(timeout: float, connections: int) -> type[HeaderTimeoutProtocol]:
    limits = {"header_timeout": timeout, "max_connections": connections}
    return type("HeaderTimeout", (HeaderTimeoutProtocol,), limits)


def uvicorn_server(app: Starlette, settings: ServeSettings) -> uvicorn.Server:
    """A uvicorn server for ``app`` with serve's limits, not yet started."""
    config = uvicorn.Config(
        app,
        http=_protocol(settings.header_timeout, settings.max_connections),
        lifespan="off",
        access_log=False,
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=5,
        server_header=False,
    )
    return uvicorn.Server(config)


def listen(host: str, port: int) -> socket.socket:
    """A listening, non-blocking socket on ``host:port``; ConfigError if it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        message = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        raise ConfigError(message + "; choose another --port or serve.port") from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock
