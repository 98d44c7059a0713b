"""Translate database driver errors into StorageError at the storage boundary.

Every public :class:`~occasional.storage.sql.SqlStorage` method runs inside
:func:`wrap_exceptions`, so sqlite3, psycopg and SQLAlchemy exceptions never
reach a caller raw: they arrive as
:class:`~occasional.exceptions.StorageError` with the original chained as
``__cause__``. Our own :class:`~occasional.exceptions.OccasionalError`
subclasses pass through untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy import exc as sa_exc

from ..exceptions import OccasionalError, StorageError

__all__ = ["describe", "wrap_exceptions", "wrapped"]

P = ParamSpec("P")
R = TypeVar("R")

# Driver errors that mean "the database failed". psycopg's are reached through
# SQLAlchemy's DBAPIError wrapper; sqlite3's can escape raw from PRAGMAs run on
# a bare connection, and OSError from creating folders.
_DRIVER_ERRORS: tuple[type[BaseException], ...] = (sa_exc.SQLAlchemyError, sqlite3.Error, OSError)


def describe(error: BaseException) -> str:
    """One line naming what the driver said, without SQLAlchemy's SQL dump."""
    original = getattr(error, "orig", None)
    message = str(original if original is not None else error)
    return message.strip().splitlines()[0] if message.strip() else type(error).__name__


@contextmanager
def wrap_exceptions(action: str, error: type[StorageError] = StorageError) -> Iterator[None]:
    """Run a block, turning driver errors into ``error("<action> failed: <reason>")``."""
    try:
        yield
    except OccasionalError:
        raise
    except _DRIVER_ERRORS as cause:
        raise error(f"{action} failed: {describe(cause)}") from cause


def wrapped(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator form of :func:`wrap_exceptions` for functions that return."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            with wrap_exceptions(action):
                return function(*args, **kwargs)

        return call

    return decorate
