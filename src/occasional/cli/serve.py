"""Commands that keep running or run the whole job: serve, worker, demo."""

from __future__ import annotations

from pathlib import Path

import click

from ..exceptions import QueueError
from .common import err, get_engine, out, user_errors

__all__ = ["demo", "serve", "worker"]


@click.command()
@click.option("--host", help="Listen address for feedback links (default: serve.host).")
@click.option("--port", type=int, help="Port for feedback links (default: serve.port).")
@click.option(
    "--queue",
    "queued",
    is_flag=True,
    help="Poll through `occasional worker` processes instead of in this one (PostgreSQL only).",
)
@click.pass_context
@user_errors
def serve(ctx: click.Context, host: str | None, port: int | None, queued: bool) -> None:
    """Poll sources, send digests on their schedules, answer feedback links; Ctrl-C stops."""
    from ..serve import serve_forever

    engine = get_engine(ctx)
    if queued:
        from ..queue.app import require_shared_database

        require_shared_database(engine.config)
    serve_forever(engine, host=host, port=port, log=err.print, queue=queued)


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 1000),
    default=64,
    show_default=True,
    help="Tasks this worker runs at once (most of them wait on the network).",
)
@click.pass_context
@user_errors
def worker(ctx: click.Context, concurrency: int) -> None:
    """Run one task-queue worker over the configured database and broker (PostgreSQL only).

    Stops after its running tasks on SIGTERM or Ctrl-C. Run one per CPU core or machine.
    """
    engine = get_engine(ctx)  # opening it migrates the database before any task runs
    config = engine.config
    engine.close()
    try:
        from ..queue.worker import run_worker
    except ImportError as exc:
        raise QueueError(
            f"`occasional worker` needs the queue extra ({exc.name} is missing): "
            "pip install 'occasional[queue]'"
        ) from exc
    run_worker(config, concurrency)


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Where the demo writes its home and results.",
)
@user_errors
def demo(out_dir: Path) -> None:
    """Run the whole job on the bundled sample news web (loopback only) and show the result."""
    from ..demojob import run_demo

    run_demo(out_dir, out)
