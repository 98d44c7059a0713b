"""The three tasks workers run, each a thin call into :class:`WorkerRuntime`.

- ``occasional.poll_source(source, now)``: fetch, parse and store one source;
- ``occasional.fetch_page(article_id, now)``: fetch and extract one article's page;
- ``occasional.refresh_stories(now)``: copies and stories, one refresher at a time.

``now`` (ISO 8601) is the time of the cycle that enqueued the task: every task
of a cycle stores the same times, and it is what makes a poll task that runs
twice (its first worker died before acknowledging it) store nothing twice.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from celery.signals import worker_shutdown

from ..config import Config
from .app import app
from .runtime import WorkerRuntime, source_from_message

__all__ = ["fetch_page", "poll_source", "refresh_stories", "runtime"]

_lock = threading.Lock()
_runtime: WorkerRuntime | None = None


def runtime() -> WorkerRuntime:
    """This worker process's runtime, made on first use from the app's configuration."""
    global _runtime
    with _lock:
        if _runtime is None:
            config: Config = app.conf["occasional_config"]
            _runtime = WorkerRuntime(config)
        return _runtime


@worker_shutdown.connect
def _close_runtime(**_: Any) -> None:
    global _runtime
    with _lock:
        if _runtime is not None:
            _runtime.close()
            _runtime = None


@app.task(name="occasional.poll_source")
def poll_source(source: dict[str, Any], now: str) -> dict[str, Any]:
    """Poll one source (``runtime.source_message``) for the cycle of ``now``; its
    SourceResult as a dict."""
    return runtime().poll(source_from_message(source), datetime.fromisoformat(now))


@app.task(name="occasional.fetch_page")
def fetch_page(article_id: str, now: str) -> dict[str, Any]:
    """Fetch and extract one article's page; its PageResult as a dict."""
    return runtime().page(article_id, datetime.fromisoformat(now))


@app.task(name="occasional.refresh_stories")
def refresh_stories(now: str) -> int:
    """Recompute copies and stories over the open window; how many stories there are."""
    return runtime().stories(datetime.fromisoformat(now))
