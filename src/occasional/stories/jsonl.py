"""Reading docs from JSON Lines, as the ``cluster`` and ``copies`` commands take them.

Called by the CLI with the lines of an input file. Each line is an object
with ``id``, ``title``, ``text``, ``published`` (ISO 8601 or null) and
optionally ``url``, ``source``, ``source_links`` and ``canonical_url``.
A bad line does not stop the rest: :func:`read_docs` skips it and reports
``"line N: why"``. Pure; nothing raises.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ..types import Doc

__all__ = ["MAX_LINE_CHARS", "read_docs"]

#: Longer lines are refused rather than parsed (a runaway file, not an article).
MAX_LINE_CHARS = 5_000_000


class _BadLine(Exception):
    """Why one line was skipped (internal: becomes an error string)."""


def read_docs(lines: Iterable[str]) -> tuple[list[Doc], list[str]]:
    """Parse JSONL lines into docs; returns ``(docs, errors)``.

    Blank lines are ignored. Ids (strings or numbers) become strings; a
    ``published`` without an offset is taken as UTC; null, missing or
    future dates are kept as given (the clusterer orders undated docs last).
    """
    docs: list[Doc] = []
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            docs.append(_doc(_object(line)))
        except _BadLine as exc:
            errors.append(f"line {number}: {exc}")
    return docs, errors


def _object(line: str) -> Mapping[str, Any]:
    if len(line) > MAX_LINE_CHARS:
        raise _BadLine(f"longer than {MAX_LINE_CHARS} characters")
    try:
        value = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise _BadLine(f"not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise _BadLine("not a JSON object")
    return value


def _doc(obj: Mapping[str, Any]) -> Doc:
    raw_id = obj.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | float) or raw_id == "":
        raise _BadLine("'id' must be a non-empty string or number")
    return Doc(
        id=str(raw_id),
        title=_text(obj, "title"),
        text=_text(obj, "text"),
        published=_published(obj.get("published")),
        url=_optional(obj, "url"),
        source=_optional(obj, "source"),
        source_links=_links(obj.get("source_links")),
        canonical_url=_optional(obj, "canonical_url"),
    )


def _text(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _BadLine(f"'{key}' must be a string")
    return value


def _optional(obj: Mapping[str, Any], key: str) -> str | None:
    return _text(obj, key) or None


def _published(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _BadLine("'published' must be an ISO 8601 string or null")
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except ValueError:
        raise _BadLine(f"'published' is not ISO 8601: {value[:40]!r}") from None
    except OverflowError:  # year 1 or 9999 pushed out of range by its offset
        raise _BadLine(f"'published' is out of range in UTC: {value[:40]!r}") from None


def _links(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _BadLine("'source_links' must be a list of strings")
    return tuple(value)
