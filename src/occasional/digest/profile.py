"""Reader profiles: what a reader follows and mutes, the bar, the budget, when and where.

A profile lives in ``<home>/profiles/<name>.toml``::

    enabled = true             # false switches it off (its history stays)
    budget = 7                 # stories at most
    min_score = 0.2            # the bar
    languages = ["en"]
    formats = ["html"]
    top_stories = true
    quiet = "once-a-day"       # a scheduled quiet digest: "once-a-day", "always" or "never"
    deliver = ["smtp://me@mail.example.org:587?to=me@example.org&starttls=1"]

    [schedule]
    cron = "0 7 * * *"
    timezone = "Europe/Berlin"

    [follows]
    topics = ["Japan", "climate policy"]
    entities = ["Shigeru Ishiba"]
    sources = ["metro-wire", "example.com"]
    tags = ["tech"]

    [mutes]
    topics = ["football", { value = "election", until = 2026-12-01 }]

The engine calls :func:`read_profiles`, which keeps the ``default`` profile
beside the files (unless ``default.toml`` says ``enabled = false``) and sets
a bad file aside with its reason, so one mistake spoils no other profile.
:func:`load_profiles` / :func:`load_profile` are the strict readers: every
problem raises :class:`~occasional.exceptions.ProfileError` naming the
profile and the setting. The rules themselves live in
:mod:`occasional.digest.profile_schema`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter

from ..exceptions import ProfileError
from .profile_schema import validate

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_MIN_SCORE",
    "Interests",
    "Mute",
    "Profile",
    "ProfileSet",
    "Schedule",
    "default_profile",
    "load_profile",
    "load_profiles",
    "next_run",
    "profile_from_mapping",
    "quiet_digest_wanted",
    "read_profiles",
]

DEFAULT_BUDGET = 7
DEFAULT_MIN_SCORE = 0.2
# The kinds of things followed and muted, as the TOML tables name them.
INTEREST_KINDS = ("topics", "entities", "sources", "tags")


@dataclass(frozen=True, slots=True)
class Interests:
    """Things a reader follows: topic words or phrases, entities, sources, source tags.

    ``sources`` may hold source ids, feed URLs or hosts.
    """

    topics: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.topics or self.entities or self.sources or self.tags)


@dataclass(frozen=True, slots=True)
class Mute:
    """One muted thing. ``kind`` is one of topics, entities, sources, tags.

    A mute with ``until`` holds while the UTC date is before ``until``.
    """

    kind: str
    value: str
    until: date | None = None

    def active(self, now: datetime) -> bool:
        """Whether the mute holds at ``now``."""
        return self.until is None or now.astimezone(UTC).date() < self.until


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a profile's digest is due: a five-field cron expression in a time zone."""

    cron: str = "0 7 * * *"
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Profile:
    """A reader's profile. Build one from TOML with :func:`profile_from_mapping`."""

    name: str
    follows: Interests = field(default_factory=Interests)
    mutes: tuple[Mute, ...] = ()
    languages: tuple[str, ...] = ()
    budget: int = DEFAULT_BUDGET
    min_score: float = DEFAULT_MIN_SCORE
    schedule: Schedule = field(default_factory=Schedule)
    deliver: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("html",)
    top_stories: bool = False
    enabled: bool = True
    quiet: str = "once-a-day"

    def active_mutes(self, now: datetime) -> tuple[Mute, ...]:
        """The mutes that hold at ``now``."""
        return tuple(mute for mute in self.mutes if mute.active(now))


def default_profile() -> Profile:
    """The profile used when a home has none: no follows, the default bar and budget."""
    return Profile(name="default", top_stories=True)


def profile_from_mapping(name: str, data: dict[str, Any]) -> Profile:
    """Validate a parsed TOML table into a :class:`Profile`.

    Raises :class:`~occasional.exceptions.ProfileError` for a bad name, an
    unknown key, a wrong type, a bad cron expression or time zone, an unknown
    format or a delivery target we cannot use.
    """
    checked = validate(name, data)
    mutes = tuple(
        Mute(kind=kind, value=entry.value, until=entry.until)
        for kind in INTEREST_KINDS
        for entry in getattr(checked.mutes, kind)
    )
    return Profile(
        name=name,
        follows=Interests(**checked.follows.model_dump()),
        mutes=mutes,
        languages=checked.languages,
        budget=checked.budget,
        min_score=checked.min_score,
        schedule=Schedule(cron=checked.schedule.cron, timezone=checked.schedule.timezone),
        deliver=checked.deliver,
        formats=checked.formats,
        top_stories=checked.top_stories,
        enabled=checked.enabled,
        quiet=checked.quiet,
    )


def load_profile(path: Path) -> Profile:
    """Read one profile file; its name is the file name without ``.toml``.

    Raises :class:`~occasional.exceptions.ProfileError` if the file cannot be
    read or parsed, or holds an invalid profile.
    """
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"profile {path.stem!r}: cannot read {path}: {exc}") from exc
    return profile_from_mapping(path.stem, data)


def load_profiles(home: Path) -> dict[str, Profile]:
    """Every profile in ``<home>/profiles/*.toml``, by name ({} when there are none).

    Callers that need a profile anyway use :func:`default_profile`. Raises
    :class:`~occasional.exceptions.ProfileError` for the first bad file.
    """
    folder = home / "profiles"
    if not folder.is_dir():
        return {}
    return {path.stem: load_profile(path) for path in sorted(folder.glob("*.toml"))}


@dataclass(frozen=True, slots=True)
class ProfileSet:
    """A home's usable profiles by name, and the files set aside: name → what is wrong."""

    profiles: dict[str, Profile]
    problems: dict[str, str]


def read_profiles(home: Path) -> ProfileSet:
    """Every usable profile of a home, and why each unusable file was set aside.

    ``default`` is always there (the built-in :func:`default_profile`, or
    ``default.toml``) unless that file says ``enabled = false``; any profile
    switched off that way is left out. A file that cannot be read or holds an
    invalid profile is left out too and its one-line reason kept in
    ``problems``; the others are unaffected. Never raises.
    """
    profiles = {"default": default_profile()}
    problems: dict[str, str] = {}
    folder = home / "profiles"
    paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    for path in paths:
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            profiles.pop(path.stem, None)
            problems[path.stem] = str(exc)
            continue
        if profile.enabled:
            profiles[profile.name] = profile
        else:
            profiles.pop(profile.name, None)
    return ProfileSet(profiles, problems)


def next_run(profile: Profile, after: datetime) -> datetime:
    """The first time strictly after ``after`` the profile's schedule fires, in UTC.

    The cron expression is read in the profile's time zone, so "0 7 * * *" in
    Europe/Berlin stays at 07:00 local across daylight-saving changes. A naive
    ``after`` is taken as UTC.
    """
    if after.tzinfo is None:
        after = after.replace(tzinfo=UTC)
    local = after.astimezone(ZoneInfo(profile.schedule.timezone))
    following = croniter(profile.schedule.cron, local).get_next(datetime)
    return following.astimezone(UTC)


def quiet_digest_wanted(profile: Profile, now: datetime, quiet_before: Sequence[datetime]) -> bool:
    """Whether a scheduled digest with nothing to show should be sent at ``now``.

    The profile's ``quiet`` rule decides: ``"always"``, ``"never"``, or
    ``"once-a-day"`` (the default): only if none of the quiet digests kept for
    delivery at ``quiet_before`` fell on the same day in the profile's time zone.
    """
    if profile.quiet in ("always", "never"):
        return profile.quiet == "always"
    zone = ZoneInfo(profile.schedule.timezone)
    today = now.astimezone(zone).date()
    return all(moment.astimezone(zone).date() != today for moment in quiet_before)
