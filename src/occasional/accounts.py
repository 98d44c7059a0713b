"""The Engine's user methods: users, passwords (argon2), logins and API tokens.

A home without users works as it always did, from the CLI. The first user
added becomes its **owner**: the profiles in ``<home>/profiles``, the
feedback and digests stored under their names, and a subscription to every
stored source become theirs, so nothing is lost and the CLI keeps acting for
them. Every later user has their own profiles in
``<home>/users/<name>/profiles`` (stored under ``<name>/<profile>``) and
their own subscriptions, read and starred state.

Tokens (browser sessions and Reader API logins) are random; only their
SHA-256 is stored, so a copy of the database gives no one a login.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .config import Config
from .exceptions import InputError, LoginError, UserNotFoundError
from .storage.accounts import Session, User
from .storage.base import SourceChange, Storage

__all__ = [
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "Accounts",
    "Login",
    "check_password",
    "check_user_name",
    "token_hash",
]

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}")
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Verified when a name is unknown, so a wrong name takes as long as a wrong password.
    return _HASHER.hash(secrets.token_hex(16))


@dataclass(frozen=True, slots=True)
class Login:
    """A started login: the token to hand to the client and the session's CSRF token."""

    token: str
    csrf: str
    expires: datetime


def check_user_name(name: str) -> str:
    """``name`` when it is a valid user name; else InputError saying what is allowed."""
    if not _NAME.fullmatch(name):
        raise InputError(
            f"user name {name!r}: use letters, digits and . _ @ + - (at most 64, "
            "starting with a letter or digit)"
        )
    return name


def check_password(password: str) -> str:
    """``password`` when it is long enough and not absurdly long; else InputError."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"a password may have at most {MAX_PASSWORD} characters")
    return password


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    """Users, passwords, logins: a mixin of :class:`~occasional.core.Engine`."""

    config: Config
    storage: Storage
    clock: Callable[[], datetime]

    def add_user(self, name: str, password: str) -> User:
        """Create a user; the first (while the home has no owner) becomes its owner.

        Raises InputError for a bad name or password, UserExistsError.
        """
        check_user_name(name)
        check_password(password)
        owner = not any(user.owner for user in self.storage.list_users())
        user = self.storage.add_user(name, _HASHER.hash(password), owner=owner, now=self.clock())
        if owner:
            self._adopt_home(user)
        return user

    def _adopt_home(self, owner: User) -> None:
        """The owner follows every stored source, with its tags, as the CLI did."""
        for source in self.storage.list_sources():
            self.storage.subscribe(owner.id, source.id, now=self.clock(), tags=source.settings.tags)

    def users(self) -> list[User]:
        """Every user, in the order they were added."""
        return self.storage.list_users()

    def owner(self) -> User | None:
        """The user the home belongs to, or None in a home without one."""
        return next((user for user in self.storage.list_users() if user.owner), None)

    def set_password(self, name: str, password: str) -> User:
        """Change a user's password and end every login they had (browsers and apps)."""
        check_password(password)
        user = self.storage.get_user(name)
        self.storage.set_password_hash(user.id, _HASHER.hash(password))
        self.storage.remove_sessions(user.id)
        return user

    def remove_user(self, name: str) -> User:
        """Remove a user with their logins, subscriptions, state, profiles and digests.

        The owner's profiles, feedback and digests belong to the home and stay
        (the CLI uses them); the next user added takes them over.
        """
        user = self.storage.get_user(name)
        sources = [s.source.id for s in self.storage.subscriptions(user.id)]
        self.storage.remove_user(user.id)
        if not user.owner:
            self.storage.forget_profiles(f"{user.name}/")
            shutil.rmtree(self.config.home / "users" / user.name, ignore_errors=True)
        for source_id in sources:
            self._sync_polling(source_id)
        return user

    def _sync_polling(self, source_id: str) -> None:
        """Poll a followed source only while someone follows it actively.

        A source nobody subscribes to (the CLI's, in a home without users)
        is left alone.
        """
        followers = self.storage.subscribers(source_id)
        if not followers:
            return
        source = self.storage.get_source(source_id)
        wanted = any(followers.values())
        if source.settings.enabled != wanted:
            settings = replace(source.settings, enabled=wanted)
            self.storage.update_source(source_id, SourceChange(settings=settings))

    # --- logins

    def authenticate(self, name: str, password: str) -> User:
        """The user when name and password match; LoginError otherwise (same time either way)."""
        try:
            user = self.storage.get_user(name) if _NAME.fullmatch(name) else None
        except UserNotFoundError:
            user = None
        try:
            _HASHER.verify(user.password_hash if user else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            raise LoginError("wrong user name or password") from None
        if user is None:
            raise LoginError("wrong user name or password")
        if _HASHER.check_needs_rehash(user.password_hash):
            self.storage.set_password_hash(user.id, _HASHER.hash(password))
        return user

    def start_login(self, user: User, *, kind: str, lifetime: timedelta) -> Login:
        """Start a browser session (``kind`` "web") or an API login ("api")."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock()
        expires = now + lifetime
        self.storage.remove_sessions(user.id, before=now)
        self.storage.add_session(
            token_hash(token), user.id, kind=kind, csrf=csrf, now=now, expires=expires
        )
        return Login(token, csrf, expires)

    def login_of(self, token: str, *, kind: str) -> tuple[User, Session] | None:
        """The user and session a token stands for, or None (unknown, expired, other kind)."""
        if not token or len(token) > 256:
            return None
        session = self.storage.get_session(token_hash(token), self.clock())
        if session is None or session.kind != kind:
            return None
        try:
            return self.storage.get_user(session.user_id), session
        except UserNotFoundError:
            return None

    def end_login(self, token: str) -> None:
        """Log a token out."""
        self.storage.remove_session(token_hash(token))
