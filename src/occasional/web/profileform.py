"""The profile form: a profile file's table ↔ form fields, and errors by field (pure).

:func:`form_values` fills the form from a profile file's table;
:func:`table_from_form` turns a submitted form back into the table that
:func:`occasional.digest.profile_from_mapping` validates; :func:`field_errors`
checks it with the same rules and names the field each fault belongs to, so
the page can show it beside that field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from ..digest.profile_schema import ProfileFile

__all__ = [
    "INTEREST_KINDS",
    "NAME",
    "MuteRow",
    "field_errors",
    "form_values",
    "table_from_form",
]

INTEREST_KINDS = ("topics", "entities", "sources", "tags")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
#: Empty mute rows offered for new mutes.
NEW_MUTES = 2


@dataclass(frozen=True, slots=True)
class MuteRow:
    """One row of the mutes table in the form."""

    kind: str
    value: str
    until: str


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _plain_lines(text: str) -> list[str]:
    # Delivery targets may hold commas in their query strings: one per line only.
    return [line.strip() for line in text.splitlines() if line.strip()]


def form_values(table: Mapping[str, Any]) -> dict[str, Any]:
    """The form's fields for a profile file's table (defaults where it is silent)."""
    defaults = ProfileFile()
    schedule = table.get("schedule", {})
    follows = table.get("follows", {})
    values: dict[str, Any] = {
        "budget": str(table.get("budget", defaults.budget)),
        "min_score": str(table.get("min_score", defaults.min_score)),
        "languages": ", ".join(table.get("languages", ())),
        "formats": list(table.get("formats", defaults.formats)),
        "deliver": "\n".join(table.get("deliver", ())),
        "top_stories": bool(table.get("top_stories", defaults.top_stories)),
        "schedule.cron": schedule.get("cron", defaults.schedule.cron),
        "schedule.timezone": schedule.get("timezone", defaults.schedule.timezone),
    }
    for kind in INTEREST_KINDS:
        values[f"follows.{kind}"] = "\n".join(follows.get(kind, ()))
    values["mutes"] = _mute_rows(table.get("mutes", {}))
    return values


def _mute_rows(mutes: Mapping[str, Any]) -> list[MuteRow]:
    rows = []
    for kind in INTEREST_KINDS:
        for entry in mutes.get(kind, ()):
            if isinstance(entry, str):
                rows.append(MuteRow(kind, entry, ""))
            elif isinstance(entry, Mapping):
                until = entry.get("until")
                rows.append(MuteRow(kind, str(entry.get("value", "")), str(until or "")))
    return rows + [MuteRow("topics", "", "") for _ in range(NEW_MUTES)]


def _number(text: str) -> Any:
    """An int or float when ``text`` is one, else the text (the schema then names it)."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _until(text: str) -> Any:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text  # the schema reports it beside the mutes


def table_from_form(form: Mapping[str, str], lists: Mapping[str, list[str]]) -> dict[str, Any]:
    """The profile table a submitted form describes.

    ``form`` holds single fields, ``lists`` the repeated ones (``formats``,
    ``mute_kind``, ``mute_value``, ``mute_until``).
    """
    table: dict[str, Any] = {
        "budget": _number(form.get("budget", "").strip()),
        "min_score": _number(form.get("min_score", "").strip()),
        "formats": [name for name in lists.get("formats", []) if name],
        "top_stories": form.get("top_stories") == "on",
        "schedule": {
            "cron": form.get("schedule.cron", "").strip(),
            "timezone": form.get("schedule.timezone", "").strip(),
        },
    }
    if languages := _lines(form.get("languages", "")):
        table["languages"] = languages
    if deliver := _plain_lines(form.get("deliver", "")):
        table["deliver"] = deliver
    follows = {k: v for k in INTEREST_KINDS if (v := _plain_lines(form.get(f"follows.{k}", "")))}
    if follows:
        table["follows"] = follows
    mutes: dict[str, list[dict[str, Any]]] = {}
    rows = zip(
        lists.get("mute_kind", []),
        lists.get("mute_value", []),
        lists.get("mute_until", []),
        strict=False,
    )
    for kind, value, until in rows:
        if not value.strip():
            continue
        entry: dict[str, Any] = {"value": value.strip()}
        if until.strip():
            entry["until"] = _until(until.strip())
        mutes.setdefault(kind if kind in INTEREST_KINDS else "topics", []).append(entry)
    if mutes:
        table["mutes"] = mutes
    return table


def _message(error: Mapping[str, Any]) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    if error["type"] == "extra_forbidden":
        return "not a setting a profile has"
    return str(error["msg"])


def _field(location: Iterable[Any]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in ("schedule", "follows") and len(parts) > 1:
        return f"{parts[0]}.{parts[1]}"
    return parts[0] if parts else "form"


def field_errors(name: str, table: Mapping[str, Any]) -> dict[str, str]:
    """Field name → what is wrong with it ({} when the profile is valid)."""
    errors: dict[str, str] = {}
    if not NAME.fullmatch(name):
        errors["name"] = "letters, digits, '-', '_' or '.', at most 64, starting with a letter"
    try:
        ProfileFile.model_validate(dict(table))
    except ValidationError as exc:
        for error in exc.errors():
            errors.setdefault(_field(error["loc"]), _message(dict(error)))
    return errors
