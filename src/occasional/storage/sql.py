"""SqlStorage: the Storage protocol on SQLAlchemy Core (SQLite or PostgreSQL).

Build one with :func:`occasional.storage.open_storage`, which also migrates
the schema. Each group of methods lives in its own module; this class only
combines them.
"""

from __future__ import annotations

from .base import Storage
from .search import SearchMixin
from .sql_accounts import UsersMixin
from .sql_articles import ArticlesMixin
from .sql_digests import DigestsMixin
from .sql_items import ItemsMixin
from .sql_polls import PollsMixin
from .sql_sources import SourcesMixin
from .sql_stories import StoriesMixin

__all__ = ["SqlStorage"]


class SqlStorage(
    SourcesMixin,
    ArticlesMixin,
    PollsMixin,
    SearchMixin,
    StoriesMixin,
    DigestsMixin,
    UsersMixin,
    ItemsMixin,
):
    """Implements :class:`~occasional.storage.base.Storage`; thread-safe via its pool."""


def _conforms(storage: SqlStorage) -> Storage:  # pragma: no cover
    # Never called: mypy checks here that SqlStorage implements the protocol.
    return storage
