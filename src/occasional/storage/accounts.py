"""The users' part of the Storage protocol: logins, sessions, subscriptions, read state.

Callers: the ``occasional user`` commands (users), the web app and the Reader
API (sessions, subscriptions, item state, the folded item listing), and the
Engine's per-user scope (subscriptions, which narrow a user's digests).

Sources stay shared: a subscription links a user to a stored source, so a
source several users follow is stored and fetched once. Read and starred
state is kept per article and written for every article of a copy group at
once; an item (one copy group) is read when its original is.

Every method runs in one transaction and raises StorageError when the
database fails, like the rest of :class:`~occasional.storage.base.Storage`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ..types import Source
from .leave import LEAVE, Leave

__all__ = [
    "AccountStore",
    "ItemQuery",
    "ItemRef",
    "Session",
    "Subscription",
    "SubscriptionChange",
    "User",
]


@dataclass(frozen=True, slots=True)
class User:
    """A user of the web app and the Reader API.

    ``owner`` marks the user the home belongs to: the first one added, who took
    over what the home held before it had users, and whom the CLI acts for.
    """

    id: str
    name: str
    owner: bool
    created: datetime
    password_hash: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class Session:
    """A login: a browser session (``kind`` "web") or a Reader API token ("api")."""

    user_id: str
    kind: str
    csrf: str
    created: datetime
    expires: datetime


@dataclass(frozen=True, slots=True)
class Subscription:
    """A user's subscription to a stored source, with the user's own title and tags.

    ``active`` is false while the user has paused it: its articles then stay out
    of the user's digests, stories and Reader API.
    """

    user_id: str
    source: Source
    title: str | None
    tags: tuple[str, ...]
    active: bool
    added: datetime

    @property
    def name(self) -> str:
        """What to call the source: the user's title, the source's, else its URL."""
        return self.title or self.source.settings.title or self.source.title or self.source.url


@dataclass(frozen=True, slots=True)
class SubscriptionChange:
    """What :meth:`AccountStore.update_subscription` changes; ``LEAVE`` keeps a field."""

    title: str | Leave | None = LEAVE
    tags: tuple[str, ...] | Leave = LEAVE
    active: bool | Leave = LEAVE


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """Which folded items to list: one item per copy group with an article from
    ``source_ids``, filtered by state and time, newest first unless ``oldest_first``.

    ``after`` is the (sort time, seq) of the last item of the previous page.
    """

    user_id: str
    source_ids: Sequence[str]
    read: bool | None = None
    starred: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    oldest_first: bool = False
    limit: int = 20
    after: tuple[datetime, int] | None = None


@dataclass(frozen=True, slots=True)
class ItemRef:
    """One folded item: the original of a copy group (or a lone article) and its state.

    ``seq`` is the article's stable integer number (the Reader API's item id).
    """

    seq: int
    article_id: str
    sort_at: datetime
    source_id: str
    read: bool
    starred: bool


class AccountStore(Protocol):
    """Users, sessions, subscriptions and item state (see the module docstring)."""

    # --- users: the `occasional user` commands

    def add_user(self, name: str, password_hash: str, *, owner: bool, now: datetime) -> User:
        """Store a new user. Raises UserExistsError when the name is taken."""

    def get_user(self, name_or_id: str) -> User:
        """One user by name or id, with the password hash. Raises UserNotFoundError."""

    def list_users(self) -> list[User]:
        """Every user, in the order they were added."""

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        """Replace a user's password hash. Raises UserNotFoundError."""

    def remove_user(self, user_id: str) -> None:
        """Delete a user with their sessions, subscriptions and item state.
        Raises UserNotFoundError."""

    # --- sessions: the web app's logins and the Reader API's tokens

    def add_session(
        self,
        token_hash: str,
        user_id: str,
        *,
        kind: str,
        csrf: str,
        now: datetime,
        expires: datetime,
    ) -> None:
        """Store a login under the hash of its token."""

    def get_session(self, token_hash: str, now: datetime) -> Session | None:
        """The login with that token hash, or None when unknown or expired."""

    def remove_session(self, token_hash: str) -> None:
        """End one login (log out); unknown hashes are ignored."""

    def remove_sessions(self, user_id: str, *, before: datetime | None = None) -> int:
        """End a user's logins (all, or those that expired before ``before``)."""

    # --- subscriptions: the web app's Sources page and the Reader API

    def subscribe(
        self,
        user_id: str,
        source_id: str,
        *,
        now: datetime,
        tags: Sequence[str] = (),
        title: str | None = None,
    ) -> Subscription:
        """Subscribe a user to a stored source; an existing subscription is kept as it is
        and made active. Raises SourceNotFoundError, UserNotFoundError."""

    def subscriptions(self, user_id: str, *, active_only: bool = False) -> list[Subscription]:
        """A user's subscriptions in the order they were added."""

    def update_subscription(
        self, user_id: str, source_id: str, change: SubscriptionChange
    ) -> Subscription:
        """Change a subscription; raises SourceNotFoundError when there is none."""

    def unsubscribe(self, user_id: str, source_id: str) -> int:
        """End a subscription; returns how many users still follow the source.
        Raises SourceNotFoundError when there is none."""

    def subscribers(self, source_id: str) -> dict[str, bool]:
        """The users following a source: user id → whether their subscription is active."""

    # --- read and starred state, and the folded item listing

    def set_item_state(
        self,
        user_id: str,
        article_ids: Sequence[str],
        *,
        now: datetime,
        read: bool | None = None,
        starred: bool | None = None,
    ) -> None:
        """Mark articles read or unread, starred or not (``None`` leaves that flag)."""

    def item_states(self, user_id: str, article_ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        """Article id → (read, starred) for the given articles that have any state."""

    def items(self, query: ItemQuery) -> list[ItemRef]:
        """One page of folded items (see :class:`ItemQuery`)."""

    def unread_counts(
        self, user_id: str, source_ids: Sequence[str]
    ) -> dict[str, tuple[int, datetime]]:
        """Unread folded items per source: count and newest time. An item counts for
        its original's source when that is among ``source_ids``, else for the first
        of them that carries a copy."""

    def copy_groups(self, article_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Each given article id → every article id of its copy group, original first.
        Unknown ids are left out."""

    def article_seqs(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Article id → its stable integer number (unknown ids are left out)."""

    def articles_by_seq(self, seqs: Sequence[int]) -> dict[int, str]:
        """Stable integer number → article id (unknown numbers are left out)."""

    # --- feedback undo and per-user data

    def remove_feedback(self, profile: str, feedback_id: str) -> bool:
        """Delete one of a profile's feedback entries; False when it was not there."""

    def forget_profiles(self, prefix: str) -> int:
        """Delete the digests and feedback of every profile whose name starts with
        ``prefix`` (a removed user's); returns how many rows went."""
