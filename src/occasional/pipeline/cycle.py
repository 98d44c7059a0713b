"""One poll cycle under one deadline: the sources, then every page that is due.

``poll.deadline`` bounds the whole cycle, so a web of slow servers cannot hold
a poll (or ``serve``'s loop) for ever::

    deadline=$((now + poll.deadline))
    poll_sources $sources                      # until the deadline
    fetch_pages $(storage due_pages $now)      # until the deadline

What the deadline cuts is left as it was, and so is done by the next poll:
a source cut mid-poll keeps its state and stays due; a page cut mid-fetch
stays due. Polls already waiting for their batch are still stored. Both are
reported, so nothing is skipped silently.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from ..config import Config
from ..exceptions import describe
from ..storage.base import Storage
from ..types import Article, Source
from .pages import fetch_pages
from .poll import PageResult, PollContext, PollReport, SourceResult, poll_sources

__all__ = ["due_pages", "fetch_pages_until", "poll_cycle", "poll_sources_until"]

Progress = Callable[[int], None]


async def poll_cycle(
    ctx: PollContext,
    sources: Sequence[Source],
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> PollReport:
    """Poll ``sources``, then fetch the pages due now, within ``poll.deadline``.

    ``on_total`` hears how many steps (sources, then sources and pages) the
    cycle has; ``progress`` hears each one finish. Never raises but for
    cancellation (a failure to list the due pages is reported as the pages'
    error).
    """
    report = PollReport()
    deadline = asyncio.get_running_loop().time() + ctx.config.poll.deadline
    if on_total:
        on_total(len(sources))
    await poll_sources_until(ctx, sources, deadline, progress, report)
    if asyncio.get_running_loop().time() >= deadline:
        return report
    articles = due_pages(ctx.storage, ctx.config, ctx.now, report)
    if on_total:
        on_total(len(sources) + len(articles))
    await fetch_pages_until(ctx, articles, deadline, progress, report)
    return report


async def poll_sources_until(
    ctx: PollContext,
    sources: Sequence[Source],
    deadline: float,
    progress: Progress | None,
    report: PollReport,
) -> None:
    """:func:`poll_sources` until ``deadline`` (on the event loop's clock, which is
    :func:`time.monotonic`); the sources it did not reach are reported as cut."""
    if await _until(deadline, poll_sources(ctx, sources, progress, report)):
        _cut_sources(ctx, sources, report)


async def fetch_pages_until(
    ctx: PollContext,
    articles: Sequence[Article],
    deadline: float,
    progress: Progress | None,
    report: PollReport,
) -> None:
    """:func:`fetch_pages` until ``deadline``; the pages it did not reach are reported as cut."""
    started = len(report.pages)
    if await _until(deadline, fetch_pages(ctx, articles, progress, report.pages)):
        _cut_pages(ctx, [a.id for a in articles], report, started)


async def _until(deadline: float, work: Awaitable[object]) -> bool:
    """Run ``work`` until ``deadline``; whether the deadline cut it short."""
    try:
        async with asyncio.timeout_at(deadline) as scope:
            await work
    except TimeoutError:
        if scope.expired():
            return True
        raise
    return False


def due_pages(storage: Storage, config: Config, now: datetime, report: PollReport) -> list[Article]:
    """The pages due now, at most ``articles.pages_per_poll``; a failure to list them is
    reported as the pages' error (and none are returned)."""
    since = now - timedelta(days=config.stories.window_days)
    try:
        return storage.due_pages(now, since=since, limit=config.articles.pages_per_poll)
    except Exception as exc:  # the sources are stored; their pages wait for the next poll
        report.pages.append(PageResult("", "error", f"could not list due pages: {describe(exc)}"))
        return []


def _deadline_note(ctx: PollContext, what: str) -> str:
    return (
        f"the poll's deadline ({ctx.config.poll.deadline} s, poll.deadline) passed before "
        f"{what}; it is done by the next poll"
    )


def _cut_sources(ctx: PollContext, sources: Sequence[Source], report: PollReport) -> None:
    done = {result.source_id for result in report.sources}
    note = _deadline_note(ctx, "this source was polled")
    report.sources.extend(
        SourceResult(s.id, s.url, "error", error=note) for s in sources if s.id not in done
    )


def _cut_pages(ctx: PollContext, ids: list[str], report: PollReport, started: int) -> None:
    done = {result.article_id for result in report.pages[started:]}
    note = _deadline_note(ctx, "its page was fetched")
    report.pages.extend(PageResult(aid, "error", note) for aid in ids if aid not in done)
