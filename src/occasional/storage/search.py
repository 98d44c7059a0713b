"""Full-text search over article titles and text, one engine per backend.

SQLite uses the FTS5 table ``articles_fts``; PostgreSQL the GIN expression
index created by the first migration. Both get the same small query
language: words are ANDed, ``a OR b`` offers alternatives, ``"a phrase"``
matches words in order, ``-word`` excludes, ``word*`` matches a prefix on
SQLite. Anything else a user types is
taken literally, so no query can raise a syntax error.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Connection, text

from ..types import Article
from .article_rows import articles_by_ids
from .sqlbase import SqlBase

__all__ = ["SearchMixin", "fts5_query", "index_new_articles", "last_article_seq"]

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"\w+")
_OPERATORS = frozenset({"AND", "OR"})


def last_article_seq(connection: Connection) -> int | None:
    """SQLite: the highest ``articles.seq`` now (0 when there is none), to pass to
    :func:`index_new_articles` after inserting; None on PostgreSQL, whose index
    follows the table by itself."""
    if connection.dialect.name != "sqlite":
        return None
    last = connection.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM articles").scalar_one()
    return int(last)


def index_new_articles(connection: Connection, after: int | None) -> None:
    """Add the articles inserted since :func:`last_article_seq` gave ``after`` to SQLite's
    full-text index, in one statement (a trigger per row cost five times as much).

    Call both inside the write transaction that inserts, so no other writer's rows
    come between (SQLite has one writer at a time). Nothing to do when ``after`` is None.
    """
    if after is None:
        return
    connection.exec_driver_sql(
        "INSERT INTO articles_fts(rowid, title, text) "
        "SELECT seq, title, text FROM articles WHERE seq > ?",
        (after,),
    )


def _phrase(token: str) -> str | None:
    words = _WORD.findall(token)
    if not words:
        return None
    prefix = "*" if token.endswith("*") and not token.startswith(('"', '-"')) else ""
    # Only word characters reach FTS5, inside a quoted phrase, so nothing the
    # user typed can be read as FTS5 syntax.
    return '"' + " ".join(words) + '"' + prefix


def fts5_query(query: str) -> str | None:
    """Translate a user's query to FTS5 syntax; None when nothing is searchable.

    A bare ``OR`` between two terms makes them alternatives and a bare ``AND``
    is dropped (terms are ANDed anyway), as PostgreSQL's websearch syntax does.
    """
    groups: list[list[str]] = []
    unwanted: list[str] = []
    either = False
    for part in _TOKEN.findall(query):
        if part in _OPERATORS:
            either = part == "OR" and bool(groups)
            continue
        negative = part.startswith("-") and len(part) > 1
        phrase = _phrase(part[1:] if negative else part)
        if phrase is None:
            continue
        if negative:
            unwanted.append(phrase)
        elif either:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        either = False
    if not groups:
        return None
    wanted = " AND ".join("(" + " OR ".join(group) + ")" for group in groups)
    return wanted + "".join(f" NOT {phrase}" for phrase in unwanted)


def _sqlite_ids(connection: Connection, query: str, limit: int) -> list[str]:
    match = fts5_query(query)
    if match is None:
        return []
    statement = text(
        "SELECT a.id FROM articles_fts JOIN articles AS a ON a.seq = articles_fts.rowid "
        "WHERE articles_fts MATCH :match ORDER BY articles_fts.rank LIMIT :limit"
    )
    return list(connection.execute(statement, {"match": match, "limit": limit}).scalars())


# Must repeat the indexed expression of the first migration exactly.
_PG_DOCUMENT = (
    "to_tsvector('english', coalesce(title, '') || ' ' || left(coalesce(text, ''), 200000))"
)


def _postgres_ids(connection: Connection, query: str, limit: int) -> list[str]:
    if not _WORD.search(query):
        return []
    # websearch_to_tsquery accepts any input without a syntax error.
    statement = text(
        f"SELECT id FROM articles, websearch_to_tsquery('english', :query) AS q "  # noqa: S608 (constant)
        f"WHERE {_PG_DOCUMENT} @@ q ORDER BY ts_rank({_PG_DOCUMENT}, q) DESC, seq LIMIT :limit"
    )
    return list(connection.execute(statement, {"query": query, "limit": limit}).scalars())


_ENGINES: dict[str, Callable[[Connection, str, int], list[str]]] = {
    "sqlite": _sqlite_ids,
    "postgresql": _postgres_ids,
}


class SearchMixin(SqlBase):
    """The search method of :class:`~occasional.storage.base.Storage`."""

    def search(self, query: str, limit: int = 20) -> list[Article]:
        """See :meth:`Storage.search`."""
        with self._read(f"searching for {query!r}") as connection:
            ids = _ENGINES[connection.dialect.name](connection, query, limit)
            found = articles_by_ids(connection, ids)
        return [found[article_id] for article_id in ids if article_id in found]
