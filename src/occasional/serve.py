"""``occasional serve``: the long-running loop.

These things at once, until SIGINT or SIGTERM::

    every serve.poll_every seconds:  engine.poll(); log each failing source
    when a profile's cron fires:     digest=$(engine.pending_digest $p)   # a failed one first
                                     digest=${digest:-$(engine.scheduled_digest $p)}  # quiet rule
                                     engine.send_digest $digest
    every 30 s:                      engine.retry_unsent --due-only  # backoff per digest
    GET /feedback?<signed link>:     engine.feedback $story $action  # from the e-mail's links

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

from .core import Engine
from .digest import Profile, next_run
from .digestjob import feedback_base_url, feedback_signer
from .exceptions import InputError, OccasionalError, StoryNotFoundError
from .pipeline import PollReport
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


def _page(title: str, message: str) -> str:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<body style='font-family:sans-serif;max-width:32em;margin:4em auto'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )


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
        app = web.Application()
        app.router.add_get("/feedback", self.on_feedback)
        app.router.add_get("/health", self.on_health)
        return app

    async def on_health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def on_feedback(self, request: web.Request) -> web.Response:
        try:
            action = self._signer.verify(request.query, self.engine.clock())
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
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self.bound_port = int(runner.addresses[0][1])
        self._use_bound_address()
        self.log(f"feedback links answered on {feedback_base_url(self.engine.config)}/feedback")
        loops = [asyncio.create_task(self.poll_loop()), asyncio.create_task(self.schedule_loop())]
        try:
            await self.stopping.wait()
        finally:
            await asyncio.gather(*loops, return_exceptions=True)
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
