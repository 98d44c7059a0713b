"""The Celery application: one per process, configured from the ``[queue]`` settings.

Tasks are acknowledged late (after they ran) and given back when their worker
is lost, so a worker killed mid-task loses nothing: its tasks run again
elsewhere (at once on RabbitMQ; after ``queue.visibility_timeout`` on Redis).
Running a task again is harmless (see :mod:`occasional.queue.tasks`).
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from ..config import Config
from ..exceptions import QueueError

__all__ = ["app", "configure", "limiter_url", "require_shared_database"]

app = Celery("occasional", set_as_current=False)

_FALLBACK_REDIS = "redis://127.0.0.1:6379/0"


def _is_redis(url: str) -> bool:
    return url.startswith(("redis://", "rediss://", "redis+socket://"))


def limiter_url(config: Config) -> str:
    """The Redis of the shared per-host limits."""
    queue = config.queue
    if queue.limiter_url:
        return queue.limiter_url
    return queue.broker_url if _is_redis(queue.broker_url) else _FALLBACK_REDIS


def _backend(config: Config) -> str:
    queue = config.queue
    if queue.result_backend:
        return queue.result_backend
    return queue.broker_url if _is_redis(queue.broker_url) else "rpc://"


def require_shared_database(config: Config) -> None:
    """Raise QueueError unless the database is one that workers can share (PostgreSQL)."""
    if not config.database.startswith("postgresql"):
        raise QueueError(
            "the task queue needs PostgreSQL: its workers share one database, which SQLite "
            "cannot be across processes and machines; set database_url "
            "(OCCASIONAL_DATABASE_URL) to postgresql+psycopg://…, or poll without --queue"
        )


def configure(config: Config) -> Celery:
    """Point :data:`app` at the configured broker and backend; returns it."""
    queue = config.queue
    settings: dict[str, Any] = {
        "broker_url": queue.broker_url,
        "result_backend": _backend(config),
        "task_default_queue": queue.name,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_expires": 24 * 3600,
        "result_extended": False,
        # One message at a time per slot: a dying worker then strands few tasks.
        "worker_prefetch_multiplier": 1,
        "worker_hijack_root_logger": False,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "broker_connection_retry_on_startup": True,
        # A dead worker's unacknowledged tasks go back to the queue after the visibility
        # timeout (Redis), looked for as often as that: not kombu's default of 100 s.
        "broker_transport_options": {
            "visibility_timeout": queue.visibility_timeout,
            "unacked_restore_interval": min(10, queue.visibility_timeout),
            "unacked_restore_throttle": 1,
            "global_keyprefix": f"{queue.name}:",
        },
        "result_backend_transport_options": {"visibility_timeout": queue.visibility_timeout},
        "task_track_started": False,
    }
    app.conf.update(settings)
    app.conf["occasional_config"] = config
    return app
