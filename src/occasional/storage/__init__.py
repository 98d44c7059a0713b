"""Storage: everything occasional keeps between runs, behind one protocol.

:func:`open_storage` opens (creating and migrating) a SQLite or PostgreSQL
database and returns a :class:`SqlStorage`, which implements
:class:`Storage`. Writes go through the small frozen intents defined in
:mod:`occasional.storage.base`; reads return :mod:`occasional.types` objects.
"""

from .accounts import (
    AccountStore,
    ItemQuery,
    ItemRef,
    Session,
    Subscription,
    SubscriptionChange,
    User,
)
from .base import (
    LEAVE,
    ArticleIntent,
    ArticleNotFoundError,
    DigestNotFoundError,
    Feedback,
    FetchLogEntry,
    Leave,
    OverrideKind,
    PollWrite,
    SourceChange,
    Storage,
    StoredDigest,
    StoryOverride,
    make_article_id,
    new_digest_id,
)
from .batch import BatchWriter
from .engine import open_storage, shared_between_processes
from .errors import wrap_exceptions
from .sql import SqlStorage

__all__ = [
    "LEAVE",
    "AccountStore",
    "ArticleIntent",
    "ArticleNotFoundError",
    "BatchWriter",
    "DigestNotFoundError",
    "Feedback",
    "FetchLogEntry",
    "ItemQuery",
    "ItemRef",
    "Leave",
    "OverrideKind",
    "PollWrite",
    "Session",
    "SourceChange",
    "SqlStorage",
    "Storage",
    "StoredDigest",
    "StoryOverride",
    "Subscription",
    "SubscriptionChange",
    "User",
    "make_article_id",
    "new_digest_id",
    "open_storage",
    "shared_between_processes",
    "wrap_exceptions",
]
