"""Whose profile is whose: storage keys, profile folders, a reader's sources.

Profiles stay TOML files, so they can be edited by hand, kept in version
control and read by the CLI. The home's own files (``<home>/profiles``)
belong to its owner and are stored under their plain names, as before users
existed; another user's live in ``<home>/users/<user>/profiles`` and are
stored under ``<user>/<profile>`` (a profile name never holds "/"), so two
users can both have a "default" profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from .digest import Profile, ProfileSet, read_profiles
from .exceptions import UserNotFoundError
from .storage.base import Storage

__all__ = [
    "key_for",
    "load_reader_profiles",
    "profiles_home",
    "read_reader_profiles",
    "reader_sources",
    "split_key",
]


def split_key(key: str | None) -> tuple[str | None, str | None]:
    """``"bob/daily"`` → ("bob", "daily"); ``"daily"`` → (None, "daily")."""
    if key is None:
        return None, None
    user, slash, name = key.rpartition("/")
    return (user or None) if slash else None, name


def key_for(user: str | None, name: str) -> str:
    """The storage key of a user's profile (the plain name for the home's own)."""
    return f"{user}/{name}" if user else name


def profiles_home(home: Path, user: str | None) -> Path:
    """The folder whose ``profiles/`` holds a user's profile files."""
    return home / "users" / user if user else home


def read_reader_profiles(home: Path, user: str | None) -> ProfileSet:
    """A reader's usable profiles by storage key (each ``Profile.name`` is that key), and
    the files set aside, by key, with why (see :func:`occasional.digest.read_profiles`:
    ``default`` stays unless switched off; one bad file spoils no other)."""
    found = read_profiles(profiles_home(home, user))
    return ProfileSet(
        {
            key_for(user, name): replace(profile, name=key_for(user, name))
            for name, profile in found.profiles.items()
        },
        {key_for(user, name): problem for name, problem in found.problems.items()},
    )


def load_reader_profiles(home: Path, user: str | None) -> dict[str, Profile]:
    """A reader's usable profiles by storage key (see :func:`read_reader_profiles`)."""
    return read_reader_profiles(home, user).profiles


def reader_sources(storage: Storage, key: str) -> Mapping[str, tuple[str, ...]] | None:
    """The sources a profile's digest is made from: source id → the reader's tags.

    None (every source) in a home without an owner, for the home's profiles.
    """
    user_name, _ = split_key(key)
    if user_name is None:
        owner = next((user for user in storage.list_users() if user.owner), None)
        if owner is None:
            return None
        user_id = owner.id
    else:
        try:
            user_id = storage.get_user(user_name).id
        except UserNotFoundError:
            return {}
    return {s.source.id: s.tags for s in storage.subscriptions(user_id, active_only=True)}
