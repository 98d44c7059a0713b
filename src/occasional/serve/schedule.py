"""The loops of ``occasional serve``: polls, digest schedules and retries of unsent digests.

::

    every serve.poll_every seconds:  engine.poll(); log each failing source
                                     # (--queue: through the workers, waiting for them)
    when a profile's cron fires:     digest=$(engine.pending_digest $p)   # a failed one first
                                     digest=${digest:-$(engine.scheduled_digest $p)}  # quiet rule
                                     engine.send_digest $digest
    every 30 s:                      engine.retry_unsent --due-only  # backoff per digest

The poll loop survives anything a poll raises: it logs it (one line, the
traceback at debug level), keeps it in :class:`~.health.PollHealth` for
``/health`` and polls again next time. Run by :class:`occasional.serve.Server`
until its ``stopping`` event is set; Engine calls run on its :class:`.Worker`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from ..core import Engine
from ..digest import Profile, next_run
from ..exceptions import OccasionalError, describe
from ..text import plural
from .health import PollHealth
from .worker import Worker

if TYPE_CHECKING:
    from ..pipeline import PollReport

__all__ = ["Scheduler", "due_profiles", "poll_log"]

Log = Callable[[str], None]

logger = logging.getLogger(__name__)


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


class Scheduler:
    """The poll loop and the digest loop, until ``stopping`` is set."""

    def __init__(
        self, engine: Engine, worker: Worker, stopping: asyncio.Event, log: Log, *, queue: bool
    ) -> None:
        self.engine = engine
        self.worker = worker
        self.stopping = stopping
        self.log = log
        self.queue = queue
        self.health = PollHealth()
        self._problems_logged: set[str] = set()

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
        health = self.health
        health.last_started = self.engine.clock()
        try:
            report = await self.worker.call(self.engine.poll, queue=self.queue)
            for line in poll_log(report):
                self.log(line)
        except Exception as exc:  # see the docstring: the loop outlives any one poll
            words = str(exc) if isinstance(exc, OccasionalError) else describe(exc)
            logger.debug("poll failed", exc_info=True)
            self.log(f"poll failed: {words}")
            health.last_error, health.failures = words, health.failures + 1
        else:
            health.last_ok, health.last_error, health.failures = self.engine.clock(), None, 0
        health.last_finished = self.engine.clock()

    async def schedule_loop(self) -> None:
        """Send each profile's digest when its cron expression fires; retry pending ones."""
        call, engine = self.worker.call, self.engine
        start = engine.clock()
        last_runs = {name: start for name in await call(engine.reader_profiles)}
        while not self.stopping.is_set():
            profiles = await call(engine.reader_profiles)
            await self._log_profile_problems()
            for name in profiles:
                last_runs.setdefault(name, engine.clock())
            for profile in due_profiles(profiles, last_runs, engine.clock()):
                last_runs[profile.name] = engine.clock()
                await self.send_scheduled(profile)
            await self._retry_pending()
            await self._wait(30)

    async def _log_profile_problems(self) -> None:
        problems = await self.worker.call(self.engine.reader_profile_problems)
        for line in sorted(set(problems.values()) - self._problems_logged):
            self.log(f"profile skipped: {line}")
        self._problems_logged = set(problems.values())

    async def _retry_pending(self) -> None:
        try:
            for problem in await self.worker.call(self.engine.retry_unsent, due_only=True):
                self.log(problem)
        except OccasionalError as exc:
            self.log(f"retrying digests failed: {exc}")

    async def send_scheduled(self, profile: Profile) -> None:
        """Send ``profile``'s pending digest, or else the one its schedule calls for now."""
        call, engine = self.worker.call, self.engine
        try:
            digest = await call(engine.pending_digest, profile.name)
            what = "kept digest" if digest else "digest"
            if digest is None:
                digest = await call(engine.scheduled_digest, profile.name)
            if digest is None:
                self.log(f"{profile.name}: a quiet day; nothing sent (quiet = {profile.quiet})")
                return
            await call(engine.send_digest, digest)
            stories = plural(len(digest.items), "story", "stories") if digest.items else "quiet"
            self.log(f"sent {profile.name}'s {what} {digest.id} ({stories})")
        except OccasionalError as exc:
            self.log(f"digest for {profile.name} not sent: {exc}")
