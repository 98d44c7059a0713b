"""The rules a profile file must follow, as pydantic models (used by :mod:`.profile`).

Unknown keys are rejected, every value is checked, and :func:`validate`
turns pydantic's first complaint into one :class:`ProfileError` line naming
the profile, e.g. "profile 'alice': schedule '61 * * * *' is not a valid cron
expression: …".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..exceptions import DeliveryError, ProfileError

__all__ = ["ProfileFile", "validate"]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*")
_STRICT = ConfigDict(extra="forbid", frozen=True)


class _Interests(BaseModel):
    model_config = _STRICT

    topics: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


class _MuteEntry(BaseModel):
    model_config = _STRICT

    value: str = Field(min_length=1)
    until: date | None = None


def _entries(value: Any) -> Any:
    """Let a plain string stand for ``{value = "..."}``."""
    if isinstance(value, list | tuple):
        return [{"value": item} if isinstance(item, str) else item for item in value]
    return value


class _Mutes(BaseModel):
    model_config = _STRICT

    topics: tuple[_MuteEntry, ...] = ()
    entities: tuple[_MuteEntry, ...] = ()
    sources: tuple[_MuteEntry, ...] = ()
    tags: tuple[_MuteEntry, ...] = ()

    @field_validator("topics", "entities", "sources", "tags", mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return _entries(value)


class _Schedule(BaseModel):
    model_config = _STRICT

    cron: str = "0 7 * * *"
    timezone: str = "UTC"

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        problem = _cron_problem(value)
        if problem:
            raise ValueError(f"schedule {value!r} is not a valid cron expression: {problem}")
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"time zone {value!r} is unknown (use e.g. Europe/Berlin)") from exc
        return value


def _cron_problem(value: str) -> str | None:
    if not value.startswith("@") and len(value.split()) != 5:
        return "expected five fields (minute hour day month weekday)"
    try:
        croniter(value)
    except (CroniterError, ValueError, KeyError) as exc:
        return str(exc)
    return None


def _format_problem(name: str) -> str | None:
    # Imported here: the renderers import this package, and plugins register
    # formats before profiles are read, so the registry is the one truth.
    from ..render import renderer_names

    known = renderer_names()
    return None if name in known else f"format {name!r} is not one of: {', '.join(known)}"


def _target_problem(url: str) -> str | None:
    from ..deliver import deliverer_for  # the delivery registry, as for formats

    try:
        deliverer_for(url)
    except DeliveryError as exc:
        return f"delivery target unusable: {exc}"
    return None


def _all_valid(values: tuple[str, ...], problem_of: Callable[[str], str | None]) -> tuple[str, ...]:
    for value in values:
        problem = problem_of(value)
        if problem:
            raise ValueError(problem)
    return values


class ProfileFile(BaseModel):
    """A profile file's contents, validated."""

    model_config = _STRICT

    enabled: bool = True
    follows: _Interests = _Interests()
    mutes: _Mutes = _Mutes()
    languages: tuple[str, ...] = ()
    budget: int = Field(7, ge=1, le=100)
    min_score: float = Field(0.2, ge=-1.0, le=1.0)
    schedule: _Schedule = _Schedule()
    deliver: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("html",)
    top_stories: bool = False
    quiet: Literal["once-a-day", "always", "never"] = "once-a-day"

    @field_validator("languages")
    @classmethod
    def _valid_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        lowered = tuple(code.lower() for code in value)
        for code in lowered:
            if not _LANGUAGE.fullmatch(code):
                raise ValueError(f"language {code!r} is not a language code (e.g. en, pt-br)")
        return lowered

    @field_validator("formats")
    @classmethod
    def _valid_formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _all_valid(value, _format_problem)

    @field_validator("deliver")
    @classmethod
    def _valid_targets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _all_valid(value, _target_problem)


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown key {where!r}"
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return f"{where}: {error['msg']}"


def validate(name: str, data: dict[str, Any]) -> ProfileFile:
    """Check a profile's name and parsed TOML; raise :class:`ProfileError` on the first fault."""
    if not _NAME.fullmatch(name):
        raise ProfileError(
            f"profile {name!r}: a name is letters, digits, '-', '_' or '.' (at most 64)"
        )
    try:
        return ProfileFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ProfileError(f"profile {name!r}: {_describe(dict(first))}") from exc
