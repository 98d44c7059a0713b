"""``occasional serve``: the long-running loop, the web app and the Reader API.

Four things at once, until SIGINT or SIGTERM::

    every serve.poll_every seconds:  engine.poll()                 # due sources only
    when a profile's cron fires:     digest=$(engine.digest $p); engine.send_digest $digest
    GET /feedback?<signed link>:     engine.feedback $story $action  # from the e-mail's links
    GET /health:                     {"ok": …, "poll": {last_started, last_ok, last_error, …}}
    everything else over HTTP:       the web app and the Reader API (occasional.web)

The HTTP side is a Starlette app under uvicorn, on ``serve.host:serve.port``.
A connection gets ``serve.header_timeout`` seconds to send a request's
headers (uvicorn has no such limit of its own, so a client trickling bytes
could otherwise hold a connection forever). Scheduled jobs (polls,
digests, feedback links) run on one worker thread, one at a time; web pages
read and write the storage from their own threads, which SQLite's WAL and
PostgreSQL both allow. On a signal the loop stops taking new work, lets the
running job finish, and closes the storage.

The poll loop survives anything a poll raises: it logs it (one line, the
traceback at debug level), keeps it for ``/health`` and polls again next time.
``/health`` answers 503 with ``"ok": false`` while the last poll failed or the
loop is not running.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import signal
import socket
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from .core import Engine
from .digest import Profile, next_run
from .digestjob import feedback_signer
from .exceptions import ConfigError, InputError, OccasionalError, StoryNotFoundError, describe

if TYPE_CHECKING:
    from .pipeline import PollReport

__all__ = ["HeaderTimeoutProtocol", "PollHealth", "Server", "due_profiles", "serve_forever"]

T = TypeVar("T")
Log = Callable[[str], None]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class PollHealth:
    """What ``/health`` says about the poll loop: its last poll, and how it ended."""

    last_started: datetime | None = None
    last_finished: datetime | None = None
    last_ok: datetime | None = None
    last_error: str | None = None
    failures: int = 0

    def as_json(self, running: bool) -> dict[str, object]:
        """The ``poll`` object of ``/health``; times ISO 8601 or null."""
        times = {
            name: when.isoformat() if when else None
            for name, when in (
                ("last_started", self.last_started),
                ("last_finished", self.last_finished),
                ("last_ok", self.last_ok),
            )
        }
        return {
            "running": running,
            **times,
            "last_error": self.last_error,
            "failures": self.failures,
        }


def due_profiles(
    profiles: Mapping[str, Profile], last_runs: Mapping[str, datetime], now: datetime
) -> list[Profile]:
    """Profiles with delivery targets whose schedule fired since their last run."""
    return [
        p
        for name, p in sorted(profiles.items())
        if p.deliver and name in last_runs and next_run(p, last_runs[name]) <= now
    ]


def _page(title: str, message: str) -> str:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<body style='font-family:sans-serif;max-width:32em;margin:4em auto'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections that do not send headers in time.

    The deadline is armed when a connection opens and after each response,
    and disarmed as soon as a request's headers are complete.
    """

    header_timeout = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
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
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def _protocol(timeout: float) -> type[HeaderTimeoutProtocol]:
    return type("HeaderTimeout", (HeaderTimeoutProtocol,), {"header_timeout": timeout})


class Server:
    """The poll loop, the digest schedules, the feedback links, the web app and the API."""

    def __init__(self, engine: Engine, *, host: str, port: int, log: Log = print) -> None:
        self.engine = engine
        self.host, self.port = host, port
        self.log = log
        self.stopping = asyncio.Event()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="occasional")
        self._signer = feedback_signer(engine.config)
        self.bound_port: int | None = None
        self.poll_health = PollHealth()
        self.loops: list[asyncio.Task[None]] = []

    async def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run an Engine call on the worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, lambda: func(*args, **kwargs))

    # --- HTTP -------------------------------------------------------------------------

    def app(self) -> Starlette:
        """The web app with serve's own routes: the signed feedback links and health."""
        from .web import make_app

        routes = [
            Route("/feedback", self.on_feedback, methods=["GET"]),
            Route("/health", self.on_health, methods=["GET"]),
        ]
        return make_app(self.engine, extra=routes)

    async def on_health(self, request: Request) -> Response:
        """200 with ``"ok": true`` while the loops run and the last poll did not fail, else 503."""
        running = bool(self.loops) and not self.loops[0].done()
        ok = running and self.poll_health.failures == 0
        body = {"ok": ok, "poll": self.poll_health.as_json(running)}
        return JSONResponse(body, status_code=200 if ok else 503)

    async def on_feedback(self, request: Request) -> Response:
        try:
            action = self._signer.verify(request.query_params, self.engine.clock())
            await self.call(
                self.engine.feedback, action.story_id, action.action, profile=action.profile
            )
        except InputError as exc:
            return self._html(400, "This link does not work", str(exc))
        except StoryNotFoundError:
            return self._html(404, "Story gone", "That story is no longer stored.")
        except OccasionalError as exc:
            return self._html(500, "Something went wrong", str(exc))
        thanks = f"Noted: {action.action.replace('-', ' ')}. Your next digests will reflect it."
        return self._html(200, "Thank you", thanks)

    @staticmethod
    def _html(status: int, title: str, message: str) -> Response:
        return HTMLResponse(_page(title, message), status_code=status)

    def _uvicorn(self) -> uvicorn.Server:
        settings = self.engine.config.serve
        config = uvicorn.Config(
            self.app(),
            http=_protocol(settings.header_timeout),
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

    def _listen(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            message = f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}"
            raise ConfigError(message + "; choose another --port or serve.port") from exc
        sock.listen(128)
        sock.setblocking(False)
        return sock

    # --- the loops ----------------------------------------------------------------------

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)

    async def poll_loop(self) -> None:
        """Poll due sources every ``serve.poll_every`` seconds; whatever a poll raises
        is logged and kept for ``/health``, and the next poll runs all the same."""
        while not self.stopping.is_set():
            await self.poll_once()
            await self._wait(self.engine.config.serve.poll_every)

    async def poll_once(self) -> None:
        """One poll, its report logged; never raises but for cancellation."""
        health = self.poll_health
        health.last_started = self.engine.clock()
        try:
            report = await self.call(self.engine.poll)
            self._log_poll(report)
        except Exception as exc:  # see the docstring: the loop outlives any one poll
            words = str(exc) if isinstance(exc, OccasionalError) else describe(exc)
            logger.debug("poll failed", exc_info=True)
            self.log(f"poll failed: {words}")
            health.last_error, health.failures = words, health.failures + 1
        else:
            health.last_ok, health.last_error, health.failures = self.engine.clock(), None, 0
        health.last_finished = self.engine.clock()

    def _log_poll(self, report: PollReport) -> None:
        if not report.sources:
            return
        self.log(f"polled {len(report.sources)} sources, {len(report.new_articles)} new")
        for result in report.sources:
            if result.error and result.status not in ("ok", "not_modified", "moved"):
                self.log(f"  {result.url}: {result.error}")

    async def schedule_loop(self) -> None:
        """Build and send each profile's digest (every user's) when its cron fires."""
        start = self.engine.clock()
        last_runs = {name: start for name in await self.call(self.engine.reader_profiles)}
        while not self.stopping.is_set():
            profiles = await self.call(self.engine.reader_profiles)
            for name in profiles:
                last_runs.setdefault(name, self.engine.clock())
            for profile in due_profiles(profiles, last_runs, self.engine.clock()):
                last_runs[profile.name] = self.engine.clock()
                await self._send(profile)
            await self._wait(30)

    async def _send(self, profile: Profile) -> None:
        try:
            for problem in await self.call(self.engine.retry_unsent):
                self.log(problem)
            digest = await self.call(self.engine.digest, profile.name)
            await self.call(self.engine.send_digest, digest)
            self.log(f"sent {profile.name}'s digest ({len(digest.items)} stories)")
        except OccasionalError as exc:
            self.log(f"digest for {profile.name} not sent: {exc}")

    async def run(self) -> None:
        """Serve until :attr:`stopping` is set; then finish the running job and return."""
        sock = self._listen()
        http = self._uvicorn()
        # What uvicorn.Server.serve does, minus taking over the signal handlers.
        http.config.load()
        http.lifespan = http.config.lifespan_class(http.config)
        await http.startup(sockets=[sock])
        self.bound_port = int(sock.getsockname()[1])
        self.log(f"web app and Reader API on http://{self.host}:{self.bound_port}/")
        self.loops = [
            asyncio.create_task(self.poll_loop()),
            asyncio.create_task(self.schedule_loop()),
            asyncio.create_task(http.main_loop()),  # uvicorn's housekeeping (Date header)
        ]
        try:
            await self.stopping.wait()
        finally:
            http.should_exit = True
            await asyncio.gather(*self.loops, return_exceptions=True)
            await http.shutdown(sockets=[sock])
            self._worker.shutdown(wait=True)


def serve_forever(
    engine: Engine, *, host: str | None = None, port: int | None = None, log: Log = print
) -> None:
    """Run :class:`Server` until SIGINT or SIGTERM, then shut down cleanly."""
    settings = engine.config.serve

    async def main() -> None:
        server = Server(
            engine,
            host=host or settings.host,
            port=settings.port if port is None else port,
            log=log,
        )
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.stopping.set)
        await server.run()
        log("stopped")

    asyncio.run(main())
