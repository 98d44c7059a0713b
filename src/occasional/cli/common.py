"""What every ``occasional`` command shares: the consoles, user errors, the Engine, JSON, progress.

A command wrapped in :func:`user_errors` turns an OccasionalError or OSError
into one line on standard error and exit status 1; Ctrl-C exits 130.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..config import load_config
from ..core import Engine, make_engine
from ..exceptions import OccasionalError
from ..oserrors import explain_os_error
from .home import is_new_home

__all__ = [
    "F",
    "err",
    "fail",
    "fail_on_os_error",
    "get_engine",
    "out",
    "parse_since_arg",
    "print_json",
    "progress_bar",
    "user_errors",
]

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Print ``message`` as one error line on standard error and exit 1."""
    err.print("[red]error:[/red] ", markup=True, end="")
    err.print(message, markup=False)
    sys.exit(1)


def fail_on_os_error(exc: OSError) -> NoReturn:
    """One line for an OSError; a stream that cannot take output is silenced first."""
    try:
        sys.stdout.flush()
    except OSError:
        # Python flushes stdout again at exit and would print a traceback there.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    fail(explain_os_error(exc))


def user_errors(func: F) -> F:
    """Turn OccasionalError, OSError (and Ctrl-C) into one line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = func(*args, **kwargs)
        except OccasionalError as exc:
            fail(str(exc))
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # click ends quietly when a reader such as `head` stops reading
            fail_on_os_error(exc)
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)
        _announce_new_home()
        return result

    return wrapper  # type: ignore[return-value]


def _announce_new_home() -> None:
    """Say that the command made a new, empty home (after it worked: an error stays one line)."""
    ctx = click.get_current_context(silent=True)
    home = ctx.find_root().obj.get("announce_home") if ctx and ctx.find_root().obj else None
    if home is not None:
        err.print(
            f"note: created a new empty home at {home} "
            "(pick another with --home DIR or OCCASIONAL_HOME)",
            markup=False,
        )


def get_engine(ctx: click.Context, *, announce: bool = True) -> Engine:
    """The Engine over the chosen home (opened once per run); says when the home is new."""
    obj = ctx.find_root().obj
    if "engine" not in obj:
        config = load_config(obj["home"])
        obj["new_home"] = is_new_home(config)
        obj["engine"] = make_engine(config)
        if obj["new_home"] and announce:
            obj["announce_home"] = config.home
        ctx.call_on_close(obj["engine"].close)
    engine: Engine = obj["engine"]
    return engine


def print_json(data: Any) -> None:
    """Print ``data`` as one line of JSON (UTF-8, not escaped)."""
    click.echo(json.dumps(data, ensure_ascii=False))


def parse_since_arg(value: str | None) -> datetime | None:
    """A ``--since`` value (ISO date/time or a span like 7d) as a time, or None."""
    if value is None:
        return None
    from ..timeparse import parse_since

    return parse_since(value)


@contextmanager
def progress_bar(
    label: str, enabled: bool
) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """A progress bar on stderr (hidden for --json and non-terminals)."""
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not enabled or not err.is_terminal,
    )
    task = bar.add_task(label, total=None)
    with bar:
        yield (lambda n: bar.advance(task, n)), (lambda total: bar.update(task, total=total))
