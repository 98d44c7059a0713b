"""``occasional serve``: the long-running loop, the web app and the Reader API.

These things at once, until SIGINT or SIGTERM::

    every serve.poll_every seconds:  engine.poll(); log each failing source
                                     # (--queue: through the workers, waiting for them)
    when a profile's cron fires:     digest=$(engine.pending_digest $p)   # a failed one first
                                     digest=${digest:-$(engine.scheduled_digest $p)}  # quiet rule
                                     engine.send_digest $digest
    every 30 s:                      engine.retry_unsent --due-only  # backoff per digest
    GET /feedback?<signed link>:     a page asking to confirm        # from the e-mail's links
    POST /feedback (the form):       engine.feedback $story $action --link $sig  # once per link
    GET /health:                     {"ok": …, "poll": {last_started, last_ok, last_error, …}}
    everything else over HTTP:       the web app and the Reader API (occasional.web)

The HTTP side is a Starlette app under uvicorn, on ``serve.host:serve.port``.
A connection gets ``serve.header_timeout`` seconds to send a request's
headers (uvicorn has no such limit of its own, so a client trickling bytes
could otherwise hold a connection forever), and no more than
``serve.max_connections`` are held at once (more are closed as they come). Scheduled jobs (polls,
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
from urllib.parse import parse_qsl

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from .core import Engine
from .digest import Profile, next_run
from .digestjob import feedback_base_url, feedback_signer
from .exceptions import ConfigError, InputError, OccasionalError, StoryNotFoundError, describe
from .render.feedback import FEEDBACK_LINK_FIELDS
from .render.view import FEEDBACK_LABELS
from .text import plural

if TYPE_CHECKING:
    from .pipeline import PollReport

__all__ = [
    "HeaderTimeoutProtocol",
    "PollHealth",
    "Server",
    "confirm_page",
    "due_profiles",
    "poll_log",
    "serve_forever",
]

T = TypeVar("T")
Log = Callable[[str], None]
_ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - compared, not bound
_PAGE_STYLE = "font-family:sans-serif;max-width:32em;margin:4em auto"
_MAX_BODY = 16 * 1024  # a confirmation form is a few hundred bytes

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


def poll_log(report: PollReport) -> list[str]:
    """What a poll is worth logging: a count, and one line per source that failed."""
    if not report.sources:
        return []
    failing = [
        r for r in report.sources if r.error and r.status not in ("ok", "not_modified", "moved")
    ]
    lines = [
        f"polled {plural(len(report.sources), 'source')}, "
        f"{plural(len(report.new_articles), 'new article')}"
        + (f", {len(failing)} failing" if failing else "")
    ]
    lines += [f"  {r.url}: {r.error}" for r in sorted(failing, key=lambda r: r.url)]
    return lines


def _page(title: str, message: str, extra: str = "") -> str:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<body style='{_PAGE_STYLE}'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{extra}</body></html>"
    )


def confirm_page(label: str, fields: Mapping[str, str]) -> str:
    """The page a feedback link opens: what it will record, and a button that posts it.

    Recording only on the POST keeps mail scanners that open every link from
    voting for the reader.
    """
    hidden = "".join(
        f'<input type=hidden name={html.escape(name)} value="{html.escape(value)}">'
        for name, value in fields.items()
    )
    form = (
        f"<form method=post action=/feedback>{hidden}"
        f"<button type=submit>{html.escape(label)}</button></form>"
    )
    return _page(label, "Confirm to tell your digest.", form)


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


class Server:
    """The poll loop, the digest schedules, the feedback links, the web app and the API."""

    def __init__(
        self, engine: Engine, *, host: str, port: int, log: Log = print, queue: bool = False
    ) -> None:
        self.engine = engine
        self.queue = queue
        self.host, self.port = host, port
        self.log = log
        self.stopping = asyncio.Event()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="occasional")
        self._signer = feedback_signer(engine.config)
        self._problems_logged: set[str] = set()
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
            Route("/feedback", self.on_feedback_confirmed, methods=["POST"]),
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
        """A clicked link: check it and ask to confirm (a GET changes nothing)."""
        query = request.query_params
        try:
            action = self._signer.verify(query, self.engine.clock())
            label = await self._label(action.story_id, action.action)
        except OccasionalError as exc:
            return self._failed(exc)
        fields = {name: query[name] for name in FEEDBACK_LINK_FIELDS}
        return HTMLResponse(confirm_page(label, fields))

    async def on_feedback_confirmed(self, request: Request) -> Response:
        """The confirmation: record it, once per link however often it is sent."""
        try:
            form = await self._small_form(request)
            action = self._signer.verify(form, self.engine.clock())
            label = await self._label(action.story_id, action.action)
            new = await self.call(
                self.engine.feedback,
                action.story_id,
                action.action,
                profile=action.profile,
                link=form["sig"],
            )
        except OccasionalError as exc:
            return self._failed(exc)
        if not new:
            return self._html(200, "Already noted", f"{label}: you told us already. Thank you.")
        return self._html(200, "Thank you", f"Noted: {label}. Your next digests will reflect it.")

    def _failed(self, exc: OccasionalError) -> Response:
        """The page for a link that cannot be used: forged or expired, a story gone, …"""
        if isinstance(exc, InputError):
            return self._html(400, "This link does not work", str(exc))
        if isinstance(exc, StoryNotFoundError):
            return self._html(404, "Story gone", "That story is no longer stored.")
        return self._html(500, "Something went wrong", str(exc))

    async def _small_form(self, request: Request) -> dict[str, str]:
        """The posted link fields, read within the header timeout and 16 KiB; InputError."""
        body = b""
        try:
            async with asyncio.timeout(self.engine.config.serve.header_timeout):
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > _MAX_BODY:
                        raise InputError("the form is too large for a feedback link")
        except TimeoutError as exc:
            raise InputError("the form came too slowly") from exc
        fields = dict(parse_qsl(body.decode("utf-8", "replace")))
        return {name: fields.get(name, "") for name in FEEDBACK_LINK_FIELDS}

    async def _label(self, story_id: str, action: str) -> str:
        """What the reader's click means, in words; StoryNotFoundError for a story gone."""
        outlet = await self.call(self.engine.story_outlet, story_id)
        return FEEDBACK_LABELS.get(action, action).format(source=outlet)

    @staticmethod
    def _html(status: int, title: str, message: str) -> Response:
        return HTMLResponse(_page(title, message), status_code=status)

    def _uvicorn(self) -> uvicorn.Server:
        settings = self.engine.config.serve
        config = uvicorn.Config(
            self.app(),
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
            report = await self.call(self.engine.poll, queue=self.queue)
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
        for line in poll_log(report):
            self.log(line)

    async def schedule_loop(self) -> None:
        """Send each profile's digest when its cron expression fires; retry pending ones."""
        start = self.engine.clock()
        last_runs = {name: start for name in await self.call(self.engine.reader_profiles)}
        while not self.stopping.is_set():
            profiles = await self.call(self.engine.reader_profiles)
            await self._log_profile_problems()
            for name in profiles:
                last_runs.setdefault(name, self.engine.clock())
            for profile in due_profiles(profiles, last_runs, self.engine.clock()):
                last_runs[profile.name] = self.engine.clock()
                await self.send_scheduled(profile)
            await self._retry_pending()
            await self._wait(30)

    async def _log_profile_problems(self) -> None:
        problems = await self.call(self.engine.reader_profile_problems)
        for line in sorted(set(problems.values()) - self._problems_logged):
            self.log(f"profile skipped: {line}")
        self._problems_logged = set(problems.values())

    async def _retry_pending(self) -> None:
        try:
            for problem in await self.call(self.engine.retry_unsent, due_only=True):
                self.log(problem)
        except OccasionalError as exc:
            self.log(f"retrying digests failed: {exc}")

    async def send_scheduled(self, profile: Profile) -> None:
        """Send ``profile``'s pending digest, or else the one its schedule calls for now."""
        try:
            digest = await self.call(self.engine.pending_digest, profile.name)
            what = "kept digest" if digest else "digest"
            if digest is None:
                digest = await self.call(self.engine.scheduled_digest, profile.name)
            if digest is None:
                self.log(f"{profile.name}: a quiet day; nothing sent (quiet = {profile.quiet})")
                return
            await self.call(self.engine.send_digest, digest)
            stories = plural(len(digest.items), "story", "stories") if digest.items else "quiet"
            self.log(f"sent {profile.name}'s {what} {digest.id} ({stories})")
        except OccasionalError as exc:
            self.log(f"digest for {profile.name} not sent: {exc}")

    def _use_bound_address(self) -> None:
        """Make the digests this server sends link to where it listens (unless base_url says)."""
        config = self.engine.config
        if config.serve.base_url:
            return
        serve = config.serve.model_copy(update={"host": self.host, "port": self.bound_port})
        self.engine.config = config.model_copy(update={"serve": serve})
        if self.host in _ANY_ADDRESS:
            self.log(
                f"digests will link to http://{self.host}:{self.bound_port}, which mail readers "
                "cannot reach; set [serve] base_url to this machine's public address"
            )

    async def run(self) -> None:
        """Serve until :attr:`stopping` is set; then finish the running job and return."""
        sock = self._listen()
        http = self._uvicorn()
        # What uvicorn.Server.serve does, minus taking over the signal handlers.
        http.config.load()
        http.lifespan = http.config.lifespan_class(http.config)
        await http.startup(sockets=[sock])
        self.bound_port = int(sock.getsockname()[1])
        self._use_bound_address()
        address = feedback_base_url(self.engine.config)
        self.log(f"web app, Reader API and feedback links on {address}/")
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
    engine: Engine,
    *,
    host: str | None = None,
    port: int | None = None,
    log: Log = print,
    queue: bool = False,
) -> None:
    """Run :class:`Server` until SIGINT or SIGTERM, then shut down cleanly."""
    settings = engine.config.serve

    async def main() -> None:
        server = Server(
            engine,
            host=host or settings.host,
            port=settings.port if port is None else port,
            log=log,
            queue=queue,
        )
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.stopping.set)
        await server.run()
        log("stopped")

    asyncio.run(main())
