"""A poll cycle through the task queue: enqueue, wait, report what ``poll`` reports.

Called by ``occasional poll --queue`` and ``occasional serve --queue``::

    sources=$(interleave due_sources --by-host)        # a free worker meets many hosts
    for s in $sources; do enqueue poll_source $s $now; done; wait      # one task a source
    for a in $(storage due_pages); do enqueue fetch_page $a $now; done; wait  # one a page
    enqueue refresh_stories $now; wait           # one writer, if anything was stored

The workers store everything; this side only sends messages and collects
results. Raises :class:`~occasional.exceptions.QueueError` when the database
is SQLite, the broker cannot be reached, or no worker answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from celery import Celery
from celery.result import AsyncResult, ResultSet
from kombu.exceptions import KombuError, OperationalError

from ..config import Config
from ..exceptions import QueueError
from ..fetch.hostqueue import host_of, interleave
from ..pipeline import PageResult, PollReport, SourceResult
from ..storage.base import Storage
from ..types import Source
from . import tasks
from .app import configure, require_shared_database
from .runtime import result_from_dict, source_message

__all__ = ["poll_through_queue"]

Progress = Callable[[int], None]
# How long workers have to answer the first ping.
_PING_SECONDS = 2.0


def _broker_error(config: Config, exc: BaseException) -> QueueError:
    return QueueError(
        f"cannot reach the task broker at {config.queue.broker_url}: {exc}; "
        "is it running? (queue.broker_url, OCCASIONAL_QUEUE_BROKER_URL)"
    )


def _require_worker(app: Celery, config: Config) -> None:
    try:
        answers = app.control.ping(timeout=_PING_SECONDS, limit=1)
    except (OperationalError, KombuError, OSError) as exc:
        raise _broker_error(config, exc) from exc
    if not answers:
        raise QueueError(
            f"no worker answers on {config.queue.broker_url}: start one with `occasional worker` "
            "(same database_url and queue settings)"
        )


def _send(app: Celery, task: Any, calls: Sequence[tuple[Any, ...]], config: Config) -> list[Any]:
    try:
        with app.producer_or_acquire() as producer:
            return [task.apply_async(args, producer=producer) for args in calls]
    except (OperationalError, KombuError, OSError) as exc:
        raise _broker_error(config, exc) from exc


def _gather(results: list[AsyncResult[Any]], progress: Progress | None) -> dict[str, Any]:
    """Every result by task id (a failed task's exception as its value), as they arrive."""
    values: dict[str, Any] = {}

    def arrived(task_id: str, value: Any) -> None:
        values[task_id] = value
        if progress:
            progress(1)

    if results:
        ResultSet(results).join_native(callback=arrived, propagate=False)
    return values


def _source_results(
    sent: list[AsyncResult[Any]], order: Sequence[Source], values: dict[str, Any]
) -> list[SourceResult]:
    results: list[SourceResult] = []
    for message, source in zip(sent, order, strict=True):
        value = values.get(message.id)
        if not isinstance(value, dict):  # the task itself failed: say so for its source
            error = f"the worker failed on it: {value!r}"
            results.append(SourceResult(source.id, source.url, "error", error=error))
            continue
        results.append(result_from_dict(value))
    return results


def _due_pages(storage: Storage, config: Config, now: datetime) -> list[str]:
    """The pages due now, new or to retry, as an in-process poll takes them."""
    since = now - timedelta(days=config.stories.window_days)
    due = storage.due_pages(now, since=since, limit=config.articles.pages_per_poll)
    return [article.id for article in due]


def _page_results(sent: list[AsyncResult[Any]], values: dict[str, Any]) -> list[PageResult]:
    pages: list[PageResult] = []
    for message in sent:
        value = values.get(message.id)
        if isinstance(value, dict):
            pages.append(PageResult(**value))
        else:
            pages.append(PageResult("", "error", f"the worker failed on it: {value!r}"))
    return pages


def poll_through_queue(
    config: Config,
    storage: Storage,
    sources: Sequence[Source],
    now: datetime,
    *,
    stories: bool = True,
    progress: Progress | None = None,
    on_total: Progress | None = None,
) -> PollReport:
    """Poll ``sources`` through the workers; the same report an in-process poll gives."""
    require_shared_database(config)
    app = configure(config)
    _require_worker(app, config)
    order = list(interleave(sources, lambda source: host_of(source.url)))
    stamp = now.isoformat()
    if on_total:
        on_total(len(order))
    calls = [(source_message(source), stamp) for source in order]
    sent = _send(app, tasks.poll_source, calls, config)
    report = PollReport()
    report.sources = _source_results(sent, order, _gather(sent, progress))
    wanted = _due_pages(storage, config, now)
    if on_total:
        on_total(len(order) + len(wanted))
    page_tasks = _send(app, tasks.fetch_page, [(aid, stamp) for aid in wanted], config)
    report.pages = _page_results(page_tasks, _gather(page_tasks, progress))
    if stories and (report.new_articles or report.pages):  # as an in-process poll decides
        (refresh,) = _send(app, tasks.refresh_stories, [(stamp,)], config)
        _gather([refresh], None)
    return report
