"""JSONL input for the cluster and copies commands: good lines, bad lines, dates."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from occasional.stories.jsonl import MAX_LINE_CHARS, read_docs


def _line(**fields: object) -> str:
    return json.dumps(fields)


def test_good_lines_become_docs() -> None:
    lines = [
        _line(
            id=7,
            title="T",
            text="body",
            published="2026-03-10T08:00:00+02:00",
            url="https://a.example/x",
            source="feed",
            source_links=["https://b.example/"],
        ),
        _line(id="b", title="U", text="more", published=None),
        "",
    ]
    docs, errors = read_docs(lines)
    assert errors == []
    assert [d.id for d in docs] == ["7", "b"]
    assert docs[0].published == datetime(2026, 3, 10, 6, tzinfo=UTC)
    assert docs[0].source_links == ("https://b.example/",)
    assert docs[1].published is None and docs[1].url is None


def test_bad_lines_are_reported_by_number_and_skipped() -> None:
    lines = [
        "{not json",
        _line(id="ok", title="T", text="x", published=None),
        "[1, 2]",
        _line(title="no id", text="x"),
        _line(id="d", title="T", text="x", published="yesterday"),
        _line(id="e", title="T", text=5),
        _line(id="f", title="T", text="x", source_links="https://a.example"),
        _line(id=True, title="T", text="x"),
        "x" * (MAX_LINE_CHARS + 1),
    ]
    docs, errors = read_docs(lines)
    assert [d.id for d in docs] == ["ok"]
    numbers = [e.split(":")[0] for e in errors]
    assert numbers == [
        "line 1",
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
    ]
    assert "not valid JSON" in errors[0] and "ISO 8601" in errors[3]


def test_naive_z_and_future_dates() -> None:
    lines = [
        _line(id="n", title="", text="", published="2026-03-10T08:00:00"),
        _line(id="z", title="", text="", published="2026-03-10T08:00:00Z"),
        _line(id="f", title="", text="", published="2999-01-01T00:00:00+00:00"),
        _line(id="m", title="", text=""),
    ]
    docs, errors = read_docs(lines)
    assert errors == []
    assert docs[0].published == docs[1].published == datetime(2026, 3, 10, 8, tzinfo=UTC)
    assert docs[2].published is not None and docs[2].published.year == 2999
    assert docs[3].published is None and docs[3].title == ""
