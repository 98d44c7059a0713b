"""``occasional worker``: one Celery worker over the configured database and broker."""

from __future__ import annotations

import os
import socket

from ..config import Config
from . import tasks  # noqa: F401 - registers the tasks with the app
from .app import configure, require_shared_database

__all__ = ["run_worker"]


def run_worker(config: Config, concurrency: int, *, loglevel: str = "INFO") -> None:
    """Run a worker until SIGTERM or SIGINT (it finishes its running tasks first).

    Tasks run on ``concurrency`` threads; their network work shares one event loop,
    so one worker uses about one CPU core: run one worker per core (or machine).
    """
    require_shared_database(config)
    app = configure(config)
    name = f"occasional-{os.getpid()}@{socket.gethostname()}"
    app.worker_main(
        argv=[
            "worker",
            "--pool=threads",
            f"--concurrency={concurrency}",
            f"--queues={config.queue.name}",
            f"--hostname={name}",
            f"--loglevel={loglevel}",
            "--without-mingle",
            "--without-gossip",
        ]
    )
