"""How fast storage takes in articles, against the raw driver as the anchor.

    python bench/storage_upsert.py [--articles 10000] [--batch 100] [--repeat 3]

Ours: ``SqlStorage.upsert_articles`` (new ids checked, executemany insert,
FTS index kept by triggers, one transaction per call), first as new articles
and then the same articles again (the idempotent re-poll path).
Anchor: plain ``sqlite3`` ``executemany`` of the same rows into the same
migrated schema, in the same batches, with no existence check. The ratio is
ours / anchor (lower is better; 1.0 would mean no overhead at all).
Set OCCASIONAL_TEST_POSTGRES_URL to time PostgreSQL too (no anchor there).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

from sqlalchemy import create_engine, make_url

from occasional.storage import ArticleIntent, SqlStorage, make_article_id, open_storage

NOW = datetime(2026, 1, 1, tzinfo=UTC)
WORDS = ["the", "minister", "said", "on", "tuesday", "that", "the", "budget", "would", "grow"]


def intents(source_id: str, count: int) -> list[ArticleIntent]:
    body = " ".join(WORDS * 20)
    return [
        ArticleIntent(
            id=make_article_id(source_id, str(n)),
            source_id=source_id,
            url=f"https://news.example/{n}",
            title=f"Budget story number {n}",
            entry_key=str(n),
            summary=body[:200],
            content=body,
            authors=("Reporter",),
            published=NOW + timedelta(seconds=n),
            categories=("politics",),
            fetched=NOW,
        )
        for n in range(count)
    ]


def timed_upserts(store: SqlStorage, items: list[ArticleIntent], size: int) -> float:
    start = time.perf_counter()
    for offset in range(0, len(items), size):
        store.upsert_articles(items[offset : offset + size])
    return time.perf_counter() - start


def anchor_rows(items: list[ArticleIntent]) -> list[tuple[object, ...]]:
    stamp = NOW.replace(tzinfo=None).isoformat(" ")
    return [
        (
            item.id,
            item.source_id,
            item.entry_key,
            item.url,
            item.title,
            item.summary,
            item.content,
            json.dumps(list(item.authors)),
            json.dumps(list(item.categories)),
            stamp,
            stamp,
            stamp,
        )
        for item in items
    ]


def timed_anchor(path: Path, items: list[ArticleIntent], size: int) -> float:
    rows = anchor_rows(items)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    sql = (
        "INSERT INTO articles (id, source_id, entry_key, url, title, summary, content, text, "
        "authors, categories, published, fetched, sort_at, source_links, extraction, "
        "page_attempts) VALUES (?,?,?,?,?,?,?,NULL,?,?,?,?,?,'[]','feed',0)"
    )
    start = time.perf_counter()
    for offset in range(0, len(rows), size):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(sql, rows[offset : offset + size])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def run_sqlite(folder: Path, count: int, size: int) -> tuple[float, float, float]:
    store = open_storage(f"sqlite:///{folder / 'ours.sqlite'}")
    source = store.add_source("https://news.example/feed", now=NOW)
    items = intents(source.id, count)
    new = timed_upserts(store, items, size)
    again = timed_upserts(store, items, size)
    assert store.count_articles() == count
    store.close()
    anchor_store = open_storage(f"sqlite:///{folder / 'anchor.sqlite'}")
    anchor_store.add_source("https://news.example/feed", now=NOW)
    anchor_store.close()
    return new, again, timed_anchor(folder / "anchor.sqlite", items, size)


def run_postgres(url: str, count: int, size: int) -> tuple[float, float]:
    # A schema of its own, dropped afterwards, so nothing else on the server is touched.
    schema = f"bench_{uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        store = open_storage(scoped.render_as_string(hide_password=False))
        source = store.add_source("https://news.example/feed", now=NOW)
        items = intents(source.id, count)
        new = timed_upserts(store, items, size)
        again = timed_upserts(store, items, size)
        store.close()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
    return new, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            runs.append(run_sqlite(Path(folder), args.articles, args.batch))
    new, again, anchor = (min(column) for column in zip(*runs, strict=True))
    print(f"{args.articles} articles in batches of {args.batch}, best of {args.repeat}")
    print(f"{'case':<38}{'seconds':>9}{'articles/s':>12}{'ratio':>8}")
    anchor_rate = args.articles / anchor
    print(f"{'sqlite3 executemany (anchor)':<38}{anchor:>9.2f}{anchor_rate:>12.0f}{1:>8.2f}")
    for label, seconds in (("SqlStorage SQLite, new", new), ("SqlStorage SQLite, again", again)):
        rate = args.articles / seconds
        print(f"{label:<38}{seconds:>9.2f}{rate:>12.0f}{seconds / anchor:>8.2f}")
    url = os.environ.get("OCCASIONAL_TEST_POSTGRES_URL")
    if url:
        pg_runs = [run_postgres(url, args.articles, args.batch) for _ in range(args.repeat)]
        pg_new, pg_again = (min(column) for column in zip(*pg_runs, strict=True))
        for label, seconds in (
            ("SqlStorage PostgreSQL, new", pg_new),
            ("SqlStorage PostgreSQL, again", pg_again),
        ):
            print(f"{label:<38}{seconds:>9.2f}{args.articles / seconds:>12.0f}{'-':>8}")


if __name__ == "__main__":
    main()
