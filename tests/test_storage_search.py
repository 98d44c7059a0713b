"""The user query → FTS5 translation: whatever is typed, SQLite accepts the result."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from occasional.storage.search import fts5_query


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize='porter unicode61')"
    )
    rows = [("Budget vote", "the parliament approved the budget"), ("Storm", "heavy rain fell")]
    connection.executemany("INSERT INTO t VALUES (?, ?)", rows)
    return connection


def matches(connection: sqlite3.Connection, query: str) -> list[str]:
    match = fts5_query(query)
    if match is None:
        return []
    return [row[0] for row in connection.execute("SELECT title FROM t WHERE t MATCH ?", (match,))]


_SYNTAX = st.sampled_from([*"\"*-()^:+{}[],.;!?'\\ ", "AND", "OR", "NOT", "NEAR", " "])
_QUERIES = st.lists(_SYNTAX | st.text(max_size=6), max_size=10).map("".join)


@settings(max_examples=300, deadline=None)
@given(query=_QUERIES)
def test_any_query_is_valid_fts5(fts: sqlite3.Connection, query: str) -> None:
    assert isinstance(matches(fts, query), list)


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("budget", ["Budget vote"]),
        ("BUDGET!!", ["Budget vote"]),
        ("budg*", ["Budget vote"]),
        ('"heavy rain"', ["Storm"]),
        ('"rain heavy"', []),
        ("budget OR storm", ["Budget vote", "Storm"]),
        ("budget -parliament", []),
        ("-budget", []),
        # Punctuation inside a word joins its parts into a phrase, taken literally.
        ("budget-vote", ["Budget vote"]),
        ("NEAR(budget vote)", []),
        ("title:storm", []),
    ],
)
def test_query_meaning(fts: sqlite3.Connection, query: str, titles: list[str]) -> None:
    assert sorted(matches(fts, query)) == titles


def test_nothing_searchable_is_none() -> None:
    assert fts5_query(' -- ** "" ') is None
    assert fts5_query("-only") is None
