"""``occasional serve``: the long-running loop.

These things at once, until SIGINT or SIGTERM::

    every serve.poll_every seconds:  engine.poll(); log each failing source
    when a profile's cron fires:     digest=$(engine.pending_digest $p)   # a failed one first
                                     digest=${digest:-$(engine.scheduled_digest $p)}  # quiet rule
                                     engine.send_digest $digest
    every 30 s:                      engine.retry_unsent --due-only  # backoff per digest
    GET /feedback?<signed link>:     a page asking to confirm        # from the e-mail's links
    POST /feedback (the form):       engine.feedback $story $action --link $sig  # once per link

Connections are bounded (serve.max_connections at once, serve.header_timeout
to send the headers, one request each; see :mod:`occasional.connguard`).

Every call into the Engine runs on one worker thread, one at a time, so the
storage is never used from two threads at once. On a signal the loop stops
taking new work, lets the running job finish, and closes the storage.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import signal
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from aiohttp import web

from .connguard import ConnectionGuard, ConnectionLimits
from .core import Engine
from .digest import Profile, next_run
from .digestjob import feedback_base_url, feedback_signer
from .exceptions import InputError, OccasionalError, StoryNotFoundError
from .pipeline import PollReport
from .render.feedback import FEEDBACK_LINK_FIELDS
from .render.view import FEEDBACK_LABELS
from .text import plural

__all__ = ["Server", "due_profiles", "poll_log", "serve_forever"]

T = TypeVar("T")
_ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - compared, not bound
Log = Callable[[str], None]


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
    failing = [r for r in report.sources if r.error]
    lines = [
        f"polled {plural(len(report.sources), 'source')}, "
        f"{plural(len(report.new_articles), 'new article')}"
        + (f", {len(failing)} failing" if failing else "")
    ]
    lines += [f"  {r.url}: {r.status}: {r.error}" for r in sorted(failing, key=lambda r: r.url)]
    return lines


_PAGE_STYLE = "font-family:sans-serif;max-width:32em;margin:4em auto"
_MAX_BODY = 16 * 1024  # a confirmation form is a few hundred bytes


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


@web.middleware
async def _one_request(request: web.Request, handler: Any) -> web.StreamResponse:
    # One request per connection: the connection guard times only the first headers.
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as exc:
        exc.force_close()
        raise
    response.force_close()
    return response


class Server:
    """The poll loop, the digest schedules and the feedback endpoint over one Engine."""

    def __init__(self, engine: Engine, *, host: str, port: int, log: Log = print) -> None:
        self.engine = engine
        self.host, self.port = host, port
        self.log = log
        self.stopping = asyncio.Event()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="occasional")
        self._signer = feedback_signer(engine.config)
        self._problems_logged: set[str] = set()
        self.bound_port: int | None = None

    async def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run an Engine call on the worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, lambda: func(*args, **kwargs))

    # --- the feedback endpoint -------------------------------------------------

    def app(self) -> web.Application:
        """The aiohttp application answering feedback links and health checks."""
        app = web.Application(middlewares=[_one_request], client_max_size=_MAX_BODY)
        app.router.add_get("/feedback", self.on_feedback)
        app.router.add_post("/feedback", self.on_feedback_confirmed)
        app.router.add_get("/health", self.on_health)
        return app

    async def on_health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def on_feedback(self, request: web.Request) -> web.Response:
        """A clicked link: check it and ask to confirm (a GET changes nothing)."""
        try:
            action = self._signer.verify(request.query, self.engine.clock())
            label = await self._label(action.story_id, action.action)
        except InputError as exc:
            return self._html(400, "This link does not work", str(exc))
        except StoryNotFoundError:
            return self._html(404, "Story gone", "That story is no longer stored.")
        except OccasionalError as exc:
            return self._html(500, "Something went wrong", str(exc))
        fields = {name: request.query[name] for name in FEEDBACK_LINK_FIELDS}
        return web.Response(text=confirm_page(label, fields), content_type="text/html")

    async def on_feedback_confirmed(self, request: web.Request) -> web.Response:
        """The confirmation: record it, once per link however often it is sent."""
        try:
            async with asyncio.timeout(self.engine.config.serve.header_timeout):
                form = await request.post()
            query = {name: str(form.get(name, "")) for name in FEEDBACK_LINK_FIELDS}
            action = self._signer.verify(query, self.engine.clock())
            label = await self._label(action.story_id, action.action)
            new = await self.call(
                self.engine.feedback,
                action.story_id,
                action.action,
                profile=action.profile,
                link=query["sig"],
            )
        except (InputError, TimeoutError) as exc:
            reason = str(exc) or "the form came too slowly"
            return self._html(400, "This link does not work", reason)
        except StoryNotFoundError:
            return self._html(404, "Story gone", "That story is no longer stored.")
        except OccasionalError as exc:
            return self._html(500, "Something went wrong", str(exc))
        if not new:
            return self._html(200, "Already noted", f"{label}: you told us already. Thank you.")
        return self._html(200, "Thank you", f"Noted: {label}. Your next digests will reflect it.")

    async def _label(self, story_id: str, action: str) -> str:
        """What the reader's click means, in words; StoryNotFoundError for a story gone."""
        outlet = await self.call(self.engine.story_outlet, story_id)
        return FEEDBACK_LABELS.get(action, action).format(source=outlet)

    @staticmethod
    def _html(status: int, title: str, message: str) -> web.Response:
        return web.Response(status=status, text=_page(title, message), content_type="text/html")

    # --- the loops ----------------------------------------------------------------

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)

    async def poll_loop(self) -> None:
        """Poll due sources every ``serve.poll_every`` seconds; log each failing source."""
        while not self.stopping.is_set():
            try:
                report = await self.call(self.engine.poll)
                for line in poll_log(report):
                    self.log(line)
            except OccasionalError as exc:
                self.log(f"poll failed: {exc}")
            await self._wait(self.engine.config.serve.poll_every)

    async def schedule_loop(self) -> None:
        """Send each profile's digest when its cron expression fires; retry pending ones."""
        start = self.engine.clock()
        last_runs = {name: start for name in await self.call(self.engine.profiles)}
        while not self.stopping.is_set():
            profiles = await self.call(self.engine.profiles)
            await self._log_profile_problems()
            for name in profiles:
                last_runs.setdefault(name, self.engine.clock())
            for profile in due_profiles(profiles, last_runs, self.engine.clock()):
                last_runs[profile.name] = self.engine.clock()
                await self.send_scheduled(profile)
            await self._retry_pending()
            await self._wait(30)

    async def _log_profile_problems(self) -> None:
        problems = await self.call(self.engine.profile_problems)
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
        settings = self.engine.config.serve
        runner = web.AppRunner(self.app(), access_log=None, keepalive_timeout=0)
        await runner.setup()
        limits = ConnectionLimits(
            max_connections=settings.max_connections,
            header_timeout=settings.header_timeout,
            lifetime=max(60.0, 6 * settings.header_timeout),
        )
        assert runner.server is not None  # set up above
        guard = ConnectionGuard(runner.server, limits)
        listener = await asyncio.get_running_loop().create_server(guard, self.host, self.port)
        self.bound_port = int(listener.sockets[0].getsockname()[1])
        self._use_bound_address()
        self.log(f"feedback links answered on {feedback_base_url(self.engine.config)}/feedback")
        loops = [asyncio.create_task(self.poll_loop()), asyncio.create_task(self.schedule_loop())]
        try:
            await self.stopping.wait()
        finally:
            await asyncio.gather(*loops, return_exceptions=True)
            listener.close()
            await runner.cleanup()
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
