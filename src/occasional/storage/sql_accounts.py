"""Users, sessions and subscriptions, for SqlStorage (see :mod:`.accounts`)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, or_, select, update

from ..exceptions import SourceNotFoundError, UserExistsError, UserNotFoundError
from .accounts import Session, Subscription, SubscriptionChange, User
from .leave import LEAVE
from .schema import digest_shown, digests, feedback, sessions, subscriptions, users
from .sql_sources import _load
from .sqlbase import SqlBase

__all__ = ["UsersMixin"]


def _user(row: Row[Any]) -> User:
    return User(row.id, row.name, row.owner, row.created, row.password_hash)


def _find_user(connection: Connection, name_or_id: str) -> Row[Any]:
    query = select(users).where(or_(users.c.id == name_or_id, users.c.name == name_or_id))
    row = connection.execute(query).first()
    if row is None:
        raise UserNotFoundError(f"no user {name_or_id!r}; `occasional user list` shows them")
    return row


def _subscription(connection: Connection, row: Row[Any]) -> Subscription:
    tags = tuple(str(tag) for tag in row.tags or ())
    source = _load(connection, row.source_id)
    return Subscription(row.user_id, source, row.title, tags, row.active, row.added)


def _subscription_row(connection: Connection, user_id: str, source_id: str) -> Row[Any]:
    query = select(subscriptions).where(
        subscriptions.c.user_id == user_id, subscriptions.c.source_id == source_id
    )
    row = connection.execute(query).first()
    if row is None:
        raise SourceNotFoundError(f"you do not follow source {source_id!r}", url=source_id)
    return row


class UsersMixin(SqlBase):
    """User, session and subscription methods of the Storage protocol."""

    # --- users

    def add_user(self, name: str, password_hash: str, *, owner: bool, now: datetime) -> User:
        """See :meth:`AccountStore.add_user`."""
        user_id = secrets.token_hex(6)
        row = {
            "id": user_id,
            "name": name,
            "password_hash": password_hash,
            "owner": owner,
            "created": now,
        }
        with self._write(f"adding user {name}") as connection:
            taken = connection.execute(select(users.c.id).where(users.c.name == name)).first()
            if taken is not None:
                raise UserExistsError(f"a user named {name!r} exists already")
            connection.execute(insert(users).values(**row))
        return User(user_id, name, owner, now, password_hash)

    def get_user(self, name_or_id: str) -> User:
        """See :meth:`AccountStore.get_user`."""
        with self._read(f"reading user {name_or_id}") as connection:
            return _user(_find_user(connection, name_or_id))

    def list_users(self) -> list[User]:
        """See :meth:`AccountStore.list_users`."""
        query = select(users).order_by(users.c.created, users.c.name)
        with self._read("listing users") as connection:
            return [_user(row) for row in connection.execute(query)]

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        """See :meth:`AccountStore.set_password_hash`."""
        statement = update(users).where(users.c.id == user_id).values(password_hash=password_hash)
        with self._write("changing a password") as connection:
            if connection.execute(statement).rowcount == 0:
                raise UserNotFoundError(f"no user {user_id!r}")

    def remove_user(self, user_id: str) -> None:
        """See :meth:`AccountStore.remove_user`."""
        with self._write("removing a user") as connection:
            if connection.execute(delete(users).where(users.c.id == user_id)).rowcount == 0:
                raise UserNotFoundError(f"no user {user_id!r}")

    # --- sessions

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
        """See :meth:`AccountStore.add_session`."""
        row = {
            "token_hash": token_hash,
            "user_id": user_id,
            "kind": kind,
            "csrf": csrf,
            "created": now,
            "expires": expires,
        }
        with self._write("starting a session") as connection:
            connection.execute(insert(sessions).values(**row))

    def get_session(self, token_hash: str, now: datetime) -> Session | None:
        """See :meth:`AccountStore.get_session`."""
        query = select(sessions).where(
            sessions.c.token_hash == token_hash, sessions.c.expires > now
        )
        with self._read("reading a session") as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return Session(row.user_id, row.kind, row.csrf, row.created, row.expires)

    def remove_session(self, token_hash: str) -> None:
        """See :meth:`AccountStore.remove_session`."""
        with self._write("ending a session") as connection:
            connection.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    def remove_sessions(self, user_id: str, *, before: datetime | None = None) -> int:
        """See :meth:`AccountStore.remove_sessions`."""
        statement = delete(sessions).where(sessions.c.user_id == user_id)
        if before is not None:
            statement = statement.where(sessions.c.expires <= before)
        with self._write("ending sessions") as connection:
            return int(connection.execute(statement).rowcount)

    # --- subscriptions

    def subscribe(
        self,
        user_id: str,
        source_id: str,
        *,
        now: datetime,
        tags: Sequence[str] = (),
        title: str | None = None,
    ) -> Subscription:
        """See :meth:`AccountStore.subscribe`."""
        with self._write("subscribing") as connection:
            _find_user(connection, user_id)
            source = _load(connection, source_id)
            query = select(subscriptions.c.user_id).where(
                subscriptions.c.user_id == user_id, subscriptions.c.source_id == source.id
            )
            if connection.execute(query).first() is None:
                row = {
                    "user_id": user_id,
                    "source_id": source.id,
                    "title": title,
                    "tags": list(dict.fromkeys(tags)),
                    "active": True,
                    "added": now,
                }
                connection.execute(insert(subscriptions).values(**row))
            else:
                connection.execute(
                    update(subscriptions)
                    .where(
                        subscriptions.c.user_id == user_id,
                        subscriptions.c.source_id == source.id,
                    )
                    .values(active=True)
                )
            return _subscription(connection, _subscription_row(connection, user_id, source.id))

    def subscriptions(self, user_id: str, *, active_only: bool = False) -> list[Subscription]:
        """See :meth:`AccountStore.subscriptions`."""
        query = (
            select(subscriptions)
            .where(subscriptions.c.user_id == user_id)
            .order_by(subscriptions.c.added, subscriptions.c.source_id)
        )
        if active_only:
            query = query.where(subscriptions.c.active.is_(True))
        with self._read("reading subscriptions") as connection:
            return [_subscription(connection, row) for row in connection.execute(query).all()]

    def update_subscription(
        self, user_id: str, source_id: str, change: SubscriptionChange
    ) -> Subscription:
        """See :meth:`AccountStore.update_subscription`."""
        values: dict[str, Any] = {}
        if change.title is not LEAVE:
            values["title"] = change.title
        if change.tags is not LEAVE:
            values["tags"] = list(dict.fromkeys(change.tags))
        if change.active is not LEAVE:
            values["active"] = change.active
        with self._write("changing a subscription") as connection:
            _subscription_row(connection, user_id, source_id)
            if values:
                connection.execute(
                    update(subscriptions)
                    .where(
                        subscriptions.c.user_id == user_id,
                        subscriptions.c.source_id == source_id,
                    )
                    .values(**values)
                )
            return _subscription(connection, _subscription_row(connection, user_id, source_id))

    def unsubscribe(self, user_id: str, source_id: str) -> int:
        """See :meth:`AccountStore.unsubscribe`."""
        with self._write("unsubscribing") as connection:
            _subscription_row(connection, user_id, source_id)
            connection.execute(
                delete(subscriptions).where(
                    subscriptions.c.user_id == user_id, subscriptions.c.source_id == source_id
                )
            )
            left = select(func.count()).where(subscriptions.c.source_id == source_id)
            return int(connection.execute(left).scalar() or 0)

    def subscribers(self, source_id: str) -> dict[str, bool]:
        """See :meth:`AccountStore.subscribers`."""
        query = select(subscriptions.c.user_id, subscriptions.c.active).where(
            subscriptions.c.source_id == source_id
        )
        with self._read("reading subscribers") as connection:
            return {user: bool(active) for user, active in connection.execute(query)}

    # --- feedback undo and a removed user's data

    def remove_feedback(self, profile: str, feedback_id: str) -> bool:
        """See :meth:`AccountStore.remove_feedback`."""
        if not feedback_id.isdigit():
            return False
        statement = delete(feedback).where(
            feedback.c.profile == profile, feedback.c.seq == int(feedback_id)
        )
        with self._write("undoing feedback") as connection:
            return bool(connection.execute(statement).rowcount)

    def forget_profiles(self, prefix: str) -> int:
        """See :meth:`AccountStore.forget_profiles`."""
        if not prefix:
            raise ValueError("forget_profiles needs a non-empty prefix")

        def owned(column: Any) -> Any:
            # substr, not LIKE: "_" in a name would be a LIKE wildcard.
            return func.substr(column, 1, len(prefix)) == prefix

        with self._write("removing a user's digests and feedback") as connection:
            ids = select(digests.c.id).where(owned(digests.c.profile))
            gone = connection.execute(
                delete(digest_shown).where(digest_shown.c.digest_id.in_(ids))
            ).rowcount
            gone += connection.execute(delete(digests).where(owned(digests.c.profile))).rowcount
            gone += connection.execute(delete(feedback).where(owned(feedback.c.profile))).rowcount
            return int(gone)
