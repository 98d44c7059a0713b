"""The Storage contract, run on every backend.

SQLite (a file under tmp_path) always runs. PostgreSQL runs when
OCCASIONAL_TEST_POSTGRES_URL names a server (each test gets its own schema,
dropped afterwards), and is skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import zlib
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, inspect, make_url, select, text

from occasional.exceptions import (
    InputError,
    MigrationError,
    SourceExistsError,
    SourceNotFoundError,
    StorageError,
    StoryNotFoundError,
)
from occasional.storage import (
    LEAVE,
    ArticleIntent,
    ArticleNotFoundError,
    DigestNotFoundError,
    FetchLogEntry,
    PollWrite,
    SourceChange,
    SqlStorage,
    Storage,
    make_article_id,
    open_storage,
    wrap_exceptions,
)
from occasional.storage.errors import wrapped
from occasional.storage.migrate import current_revision, head_revision, upgrade
from occasional.storage.schema import article_html, metadata
from occasional.types import (
    CopyDecision,
    ExtractedPage,
    Source,
    SourceSettings,
    Story,
    StoryAssignment,
)

POSTGRES_URL = os.environ.get("OCCASIONAL_TEST_POSTGRES_URL")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# --- backends ----------------------------------------------------------------


SKIP_POSTGRES = (
    "PostgreSQL backend not tested: set OCCASIONAL_TEST_POSTGRES_URL, e.g. "
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    return str(request.param)


@contextmanager
def postgres_schema():
    """A fresh, empty schema on the test server, dropped afterwards; yields its URL."""
    assert POSTGRES_URL is not None
    schema = f"t_{uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def database_url(backend: str, tmp_path: Path):
    """A URL of an empty database (no schema yet) on each backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'home' / 'occasional.sqlite'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Migrated once; each test copies the file, which is much faster than migrating.
    path = tmp_path_factory.mktemp("template") / "occasional.sqlite"
    open_storage(f"sqlite:///{path}").close()
    return path


@pytest.fixture(scope="session")
def migrated_postgres():
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    with postgres_schema() as url:
        open_storage(url).close()
        yield url


def empty_tables(storage: SqlStorage) -> None:
    names = ", ".join(table.name for table in metadata.sorted_tables)
    with storage.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest, tmp_path: Path):
    """An opened, migrated, empty storage on each backend."""
    if backend == "sqlite":
        path = tmp_path / "occasional.sqlite"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        storage = open_storage(f"sqlite:///{path}")
    else:
        storage = open_storage(request.getfixturevalue("migrated_postgres"))
        empty_tables(storage)
    yield storage
    storage.close()


def add(store: SqlStorage, url: str = "https://news.example/feed", **kwargs) -> Source:
    return store.add_source(url, now=kwargs.pop("now", NOW), **kwargs)


def intent(source: Source, key: str, **fields) -> ArticleIntent:
    values = {
        "id": make_article_id(source.id, key),
        "source_id": source.id,
        "url": f"https://news.example/{key}",
        "title": f"Article {key}",
        "entry_key": key,
        "summary": f"summary of {key}",
        "published": NOW + timedelta(minutes=int(key) if key.isdigit() else 0),
        "fetched": NOW,
    }
    return ArticleIntent(**(values | fields))


def batch(source: Source, count: int, start: int = 0) -> list[ArticleIntent]:
    return [intent(source, str(n)) for n in range(start, start + count)]


# --- opening and migrations --------------------------------------------------


def test_open_migrates_an_empty_database_to_head(store: SqlStorage) -> None:
    with store.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        tables = set(inspect(connection).get_table_names())
    assert {"sources", "articles", "stories", "digests", "state"} <= tables
    assert isinstance(store, Storage)


def test_reopen_keeps_data_and_applies_nothing(database_url: str) -> None:
    first = open_storage(database_url)
    source = add(first)
    first.upsert_articles(batch(source, 3))
    first.close()
    second = open_storage(database_url)
    with second.engine.begin() as connection:
        assert upgrade(connection) == []
    assert second.count_articles() == 3
    assert second.get_source(source.id) == source
    second.close()


def test_schema_module_matches_the_migrations(store: SqlStorage) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def ours(_object, name, kind, _reflected, _compare_to) -> bool:
        # The full-text index is created in SQL by the migration, not modelled.
        return not (name or "").startswith(("articles_fts", "ix_articles_fts", "alembic_"))

    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": ours, "compare_type": True}
        )
        assert compare_metadata(context, metadata) == []


def test_failed_migration_changes_nothing(database_url: str) -> None:
    # A table in the way makes the first migration fail half-way through.
    if database_url.startswith("sqlite"):
        Path(make_url(database_url).database or "").parent.mkdir(parents=True)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE stories (x INTEGER)"))
    with pytest.raises(MigrationError, match="migrating"):
        open_storage(database_url)
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert "sources" not in tables
    assert "alembic_version" not in tables


def test_unwritable_path_is_a_clear_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot create the database folder") as caught:
        open_storage(f"sqlite:///{blocker / 'sub' / 'db.sqlite'}")
    assert isinstance(caught.value.__cause__, OSError)


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url at all", "not a database URL"), ("mysql://u@h/db", "supported databases")],
)
def test_bad_urls_are_storage_errors(url: str, message: str) -> None:
    with pytest.raises(StorageError, match=message):
        open_storage(url)


def test_unreachable_server_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="opening the database") as caught:
        open_storage("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert caught.value.__cause__ is not None


def test_in_memory_sqlite_works() -> None:
    store = open_storage("sqlite://")
    add(store)
    assert len(store.list_sources()) == 1
    store.close()


def test_a_newer_schema_is_refused(database_url: str) -> None:
    open_storage(database_url).close()
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(MigrationError, match="newer occasional"):
        open_storage(database_url)


def test_wrap_exceptions_chains_driver_errors_and_passes_ours() -> None:
    cause = sqlite3.OperationalError("disk I/O error")
    with (
        pytest.raises(StorageError, match="reading x failed: disk I/O error") as caught,
        wrap_exceptions("reading x"),
    ):
        raise cause
    assert caught.value.__cause__ is cause
    with pytest.raises(SourceNotFoundError), wrap_exceptions("reading x"):
        raise SourceNotFoundError("gone")

    @wrapped("counting")
    def broken() -> int:
        raise sqlite3.DatabaseError("file is not a database")

    with pytest.raises(StorageError, match="counting failed: file is not a database"):
        broken()


def test_sqlite_pragmas_are_set(tmp_path: Path) -> None:
    store = open_storage(f"sqlite:///{tmp_path / 'p.sqlite'}")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        # 1 is NORMAL: safe under WAL, and no disk sync at every commit.
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    store.close()


def test_sqlite_search_index_stays_consistent(tmp_path: Path) -> None:
    store = open_storage(f"sqlite:///{tmp_path / 'fts.sqlite'}")
    gone, kept = add(store, "https://a.example/f"), add(store, "https://b.example/f")
    store.upsert_articles(batch(gone, 20) + batch(kept, 20))
    first = intent(kept, "0")
    store.upsert_articles([replace(first, title="Renamed")])
    page = ExtractedPage(text="page words")
    store.set_article_page(first.id, page, html=b"<p>x</p>", extraction="x", now=NOW)
    store.remove_source(gone.id)
    with store.engine.begin() as connection:
        # Raises if the external-content index disagrees with the articles table.
        connection.exec_driver_sql(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
        )
    assert [a.id for a in store.search("renamed page words")] == [first.id]
    store.close()


@pytest.mark.postgres
@pytest.mark.slow  # CREATE DATABASE copies a template and checkpoints: seconds
def test_postgres_database_is_created_when_missing() -> None:
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    name = f"occasional_t_{uuid4().hex[:10]}"
    url = make_url(POSTGRES_URL).set(database=name)
    store = open_storage(url.render_as_string(hide_password=False))
    try:
        assert store.count_articles() == 0
    finally:
        store.close()
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}"')
        admin.dispose()


# --- sources -----------------------------------------------------------------


def test_add_and_get_source_by_id_or_url(store: SqlStorage) -> None:
    source = add(store, title="News", site_url="https://news.example/")
    assert source.added == NOW
    assert store.get_source(source.id) == source
    assert store.get_source(source.url) == source
    assert len(source.id) <= 12
    with pytest.raises(SourceExistsError, match=source.id):
        add(store)
    with pytest.raises(SourceNotFoundError):
        store.get_source("nope")


def test_source_ids_survive_a_hash_collision(store: SqlStorage) -> None:
    first = add(store, "https://a.example/f")
    # The first source moves, so its id (derived from the old URL) is taken
    # by a source with another URL when the old URL is added again.
    store.update_source(first.id, SourceChange(url="https://a.example/new"))
    again = add(store, "https://a.example/f")
    assert again.id != first.id
    assert store.get_source(first.id).url == "https://a.example/new"


def test_tags_round_trip_and_select(store: SqlStorage) -> None:
    tagged = add(store, "https://a.example/f", settings=SourceSettings(tags=("world", "eu")))
    add(store, "https://b.example/f", settings=SourceSettings(tags=("tech",)))
    assert store.get_source(tagged.id).settings.tags == ("world", "eu")
    assert [s.id for s in store.list_sources(tag="eu")] == [tagged.id]
    changed = store.update_source(
        tagged.id, SourceChange(settings=SourceSettings(tags=("eu", "politics")))
    )
    assert changed.settings.tags == ("eu", "politics")
    assert store.list_sources(tag="world") == []


def test_update_source_leaves_or_clears(store: SqlStorage) -> None:
    source = add(store, title="Old", site_url="https://news.example/")
    change = SourceChange(etag='"v1"', failures=2, last_polled=NOW, site_url=None)
    updated = store.update_source(source.id, change)
    assert updated.title == "Old"  # left alone
    assert updated.site_url is None  # cleared
    assert (updated.etag, updated.failures, updated.last_polled) == ('"v1"', 2, NOW)
    assert store.update_source(source.id, SourceChange()) == updated
    other = add(store, "https://other.example/feed")
    with pytest.raises(SourceExistsError):
        store.update_source(other.id, SourceChange(url=source.url))
    with pytest.raises(SourceNotFoundError):
        store.update_source("missing", SourceChange(failures=1))
    assert LEAVE is SourceChange().title


def test_list_enabled_and_due_sources(store: SqlStorage) -> None:
    never = add(store, "https://a.example/f")
    later = add(store, "https://b.example/f")
    overdue = add(store, "https://c.example/f")
    off = add(store, "https://d.example/f", settings=SourceSettings(enabled=False))
    broken = add(store, "https://e.example/f")
    store.update_source(later.id, SourceChange(next_poll=NOW + timedelta(hours=1)))
    store.update_source(overdue.id, SourceChange(next_poll=NOW - timedelta(hours=1)))
    store.update_source(broken.id, SourceChange(disabled_reason="gone (410)"))
    assert [s.id for s in store.due_sources(NOW)] == [never.id, overdue.id]
    assert [s.id for s in store.due_sources(NOW, limit=1)] == [never.id]
    enabled = {s.id for s in store.list_sources(enabled_only=True)}
    assert enabled == {never.id, later.id, overdue.id}
    assert off.id in {s.id for s in store.list_sources()}


def test_remove_source_takes_its_articles(store: SqlStorage) -> None:
    gone = add(store, "https://a.example/f")
    kept = add(store, "https://b.example/f")
    store.upsert_articles([*batch(gone, 2), intent(kept, "k", title="Kept elephants")])
    store.upsert_articles([intent(gone, "z", title="Doomed elephants")])
    store.record_fetch(FetchLogEntry(gone.id, gone.url, NOW, status=200))
    store.remove_source(gone.url)
    assert store.count_articles() == 1
    assert [a.title for a in store.search("elephants")] == ["Kept elephants"]
    assert store.fetch_log(gone.id) == []
    with pytest.raises(SourceNotFoundError):
        store.remove_source(gone.id)


def test_fetch_log_newest_first(store: SqlStorage) -> None:
    source = add(store)
    for n in range(5):
        entry = FetchLogEntry(
            source.id, source.url, NOW + timedelta(minutes=n), 200, 0.5, n, None, n
        )
        store.record_fetch(entry)
    log = store.fetch_log(source.id, limit=3)
    assert [entry.new_entries for entry in log] == [4, 3, 2]
    assert log[0].started == NOW + timedelta(minutes=4)
    assert store.prune_fetch_log(NOW + timedelta(minutes=2)) == 2
    assert [entry.new_entries for entry in store.fetch_log(source.id)] == [4, 3, 2]


# --- articles ----------------------------------------------------------------


def test_upserting_twice_stores_once(store: SqlStorage) -> None:
    source = add(store)
    items = batch(source, 20)
    assert store.upsert_articles(items) == [item.id for item in items]
    assert store.upsert_articles(items) == []
    assert store.upsert_articles(items + items) == []
    assert store.count_articles() == 20
    assert store.upsert_articles([]) == []


def test_changed_entry_refreshes_feed_fields_but_keeps_page_text(store: SqlStorage) -> None:
    source = add(store)
    first = intent(source, "1", content="feed text")
    store.upsert_articles([first])
    store.set_article_page(
        first.id, ExtractedPage(text="page text"), html=None, extraction="t", now=NOW
    )
    later = NOW + timedelta(hours=1)
    store.upsert_articles([replace(first, title="Fixed title", summary="new", updated=later)])
    article = store.get_article(first.id)
    assert (article.title, article.summary, article.updated) == ("Fixed title", "new", later)
    assert article.text == "page text"
    assert article.extraction == "t"


def test_a_failing_batch_rolls_back_only_itself(store: SqlStorage) -> None:
    source = add(store)
    store.upsert_articles(batch(source, 5))
    orphan = replace(intent(source, "99"), source_id="no-such-source")
    with pytest.raises(StorageError, match="storing"):
        store.upsert_articles([*batch(source, 5, start=5), orphan])
    assert store.count_articles() == 5
    assert len(store.upsert_articles(batch(source, 5, start=5))) == 5


def test_naive_times_are_refused(store: SqlStorage) -> None:
    source = add(store)
    with pytest.raises(StorageError, match="naive datetime"):
        store.upsert_articles([intent(source, "1", published=datetime(2026, 1, 1))])
    assert store.count_articles() == 0


@pytest.mark.slow  # starts a second Python process
def test_a_crash_mid_write_loses_nothing_committed(database_url: str) -> None:
    store = open_storage(database_url)
    source = add(store)
    store.upsert_articles(batch(source, 3))
    store.close()
    # A separate process dies (no cleanup at all) inside an open write transaction.
    script = textwrap.dedent(
        f"""
        import os
        from sqlalchemy import text
        from occasional.storage import open_storage
        store = open_storage({database_url!r})
        with store._writer.begin() as connection:
            connection.execute(text("DELETE FROM articles"))
            os._exit(3)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert done.returncode == 3
    reopened = open_storage(database_url)
    assert reopened.count_articles() == 3
    reopened.close()


def test_page_metadata_html_and_pruning(store: SqlStorage) -> None:
    source = add(store)
    item = intent(source, "1", published=None)
    store.upsert_articles([item])
    page = ExtractedPage(
        text="Full text.",
        title="Page title",
        authors=("A. Writer",),
        published=NOW - timedelta(days=1),
        canonical_url="https://origin.example/story",
        site_name="Origin",
        language="en",
        image="https://origin.example/i.jpg",
        source_links=("https://wire.example/1", "https://wire.example/2"),
    )
    html = b"<html><body>" + b"<p>news</p>" * 500 + b"</body></html>"
    store.set_article_page(item.id, page, html=html, extraction="trafilatura", now=NOW)
    article = store.get_article(item.id)
    assert article.text == "Full text."
    assert article.title == item.title  # the feed's title wins
    assert article.authors == ("A. Writer",)
    assert article.published == page.published
    assert article.source_links == page.source_links
    assert (article.canonical_url, article.site_name, article.language) == (
        "https://origin.example/story",
        "Origin",
        "en",
    )
    assert store.page_html(item.id) == html
    with store.engine.connect() as connection:
        stored = connection.execute(select(article_html.c.html)).scalar_one()
    assert len(stored) < len(html) / 5
    assert zlib.decompress(stored) == html
    assert store.prune_html(NOW) == 0
    assert store.prune_html(NOW + timedelta(seconds=1)) == 1
    assert store.page_html(item.id) is None
    with pytest.raises(ArticleNotFoundError):
        store.set_article_page("missing", page, html=None, extraction="x", now=NOW)


def pending(store: SqlStorage, at: datetime = NOW, since: datetime = NOW, limit: int = 10):
    return [a.url.rsplit("/", 1)[1] for a in store.due_pages(at, since=since, limit=limit)]


def test_pages_are_due_from_storing_until_stored_or_given_up(store: SqlStorage) -> None:
    full = add(store, "https://a.example/f")
    feed_only = add(store, "https://b.example/f", settings=SourceSettings(fetch_full=False))
    due = [replace(item, page_due=NOW) for item in batch(full, 4) + batch(feed_only, 2, start=10)]
    no_page = intent(full, "linkless", text="The feed's own text.", page_due=None)
    store.upsert_articles([*due, no_page])
    assert pending(store) == ["3", "2", "1", "0"]  # newest first; feed-only sources never
    assert pending(store, limit=2) == ["3", "2"]
    assert pending(store, at=NOW - timedelta(seconds=1)) == []
    assert pending(store, since=NOW + timedelta(seconds=1)) == []  # read too long ago
    assert store.get_article(no_page.id).text == "The feed's own text."
    # Stored re-reads of the entries change nothing about their pages.
    store.upsert_articles([replace(item, title="Retitled") for item in due])
    assert pending(store) == ["3", "2", "1", "0"]

    ids = {a.url.rsplit("/", 1)[1]: a.id for a in store.iter_articles(source_id=full.id)}
    store.set_article_page(ids["3"], ExtractedPage(text="page"), html=None, extraction="x", now=NOW)
    later = NOW + timedelta(minutes=10)
    store.record_page_failure(ids["2"], "timed out", NOW, retry_at=later, fallback_text="feed")
    store.record_page_failure(ids["1"], "HTTP 404", NOW, retry_at=None, fallback_text="feed")
    assert pending(store) == ["0"]
    assert pending(store, at=later) == ["2", "0"]
    retried = store.get_article(ids["2"])
    assert (retried.page_attempts, retried.page_error, retried.text) == (1, "timed out", "feed")
    assert retried.extraction == "feed"
    store.record_page_failure(ids["2"], "timed out again", later, retry_at=None, fallback_text="x")
    again = store.get_article(ids["2"])
    assert (again.page_attempts, again.page_error, again.text) == (2, "timed out again", "feed")
    assert pending(store, at=NOW + timedelta(days=1)) == ["0"]
    assert store.get_article(ids["3"]).page_attempts == 0
    with pytest.raises(ArticleNotFoundError):
        store.record_page_failure("missing", "x", NOW)


def test_pages_of_disabled_sources_wait(store: SqlStorage) -> None:
    source = add(store, "https://a.example/f")
    store.upsert_articles([replace(item, page_due=NOW) for item in batch(source, 2)])
    store.update_source(source.id, SourceChange(disabled_reason="feed is gone (HTTP 410)"))
    assert pending(store) == []
    store.update_source(source.id, SourceChange(disabled_reason=None))
    assert pending(store) == ["1", "0"]
    store.update_source(source.id, SourceChange(settings=SourceSettings(fetch_full=False)))
    assert pending(store) == []


def _old_database(database_url: str, revision: str) -> None:
    """A database at ``revision``, holding :func:`_old_rows`."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from occasional.storage.migrate import _script

    if database_url.startswith("sqlite"):
        Path(make_url(database_url).database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url)
    script = _script()
    with engine.begin() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "fn": lambda rev, _context: script._upgrade_revs(revision, rev),
                "transactional_ddl": True,
                "script": script,
            },
        )
        with Operations.context(context):
            context.run_migrations()
        _old_rows(connection)
    engine.dispose()


def test_sqlite_search_finds_articles_indexed_before_and_after_revision_0006(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    _old_database(url, "0003")  # its rows indexed by the per-row trigger
    store = open_storage(url)
    source = store.get_source("s1")
    store.upsert_articles(batch(source, 30))  # indexed a batch at a time
    store.upsert_articles([replace(intent(source, "3"), title="Renamed")])
    store.upsert_articles(batch(source, 30))  # the same titles again: nothing re-indexed
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
        )
        rows = connection.exec_driver_sql("SELECT count(*) FROM articles_fts").scalar()
    assert rows == 5 + 30
    assert [a.id for a in store.search("a2")] == ["a2"]
    assert [a.id for a in store.search("article 7")] == [intent(source, "7").id]
    assert store.search("renamed") == []  # the feed's title came back unchanged
    store.close()


def test_pages_never_fetched_before_revision_0002_become_due(database_url: str) -> None:
    _old_database(database_url, "0001")
    store = open_storage(database_url)
    try:
        urls = [a.url for a in store.due_pages(NOW, since=NOW - timedelta(days=1), limit=10)]
        mended = {a.id: a.url for a in store.iter_articles()}
    finally:
        store.close()
    assert urls == ["https://a.example/never"]
    # A bare guid or a javascript: link stored as a URL now points to the source's site.
    assert mended["a4"] == "https://a.example/" and mended["a5"] == "https://b.example/f"


def _old_rows(connection) -> None:
    import sqlalchemy as sa

    when = sa.DateTime(timezone=True)
    source_table = sa.table(
        "sources", *(sa.column(n) for n in ("id", "url", "kind", "enabled", "fetch_full")),
        sa.column("site_url"), sa.column("poll_min_seconds"), sa.column("poll_max_seconds"),
        sa.column("failures"),
        sa.column("added", when),
    )  # fmt: skip
    article_table = sa.table(
        "articles", *(sa.column(n) for n in ("id", "source_id", "entry_key", "url", "title")),
        sa.column("extraction"), sa.column("page_attempts"), sa.column("fetched", when),
        sa.column("sort_at", when), sa.column("page_fetched", when),
    )  # fmt: skip
    common = {"kind": "feed", "enabled": True, "poll_min_seconds": 0, "poll_max_seconds": 0}
    connection.execute(
        source_table.insert(),
        [
            {"id": "s1", "url": "https://a.example/f", "fetch_full": True, "site_url": "https://a.example/"}
            | common | {"failures": 0, "added": NOW},
            {"id": "s2", "url": "https://b.example/f", "fetch_full": False, "site_url": None}
            | common | {"failures": 0, "added": NOW},
        ],
    )  # fmt: skip
    rows = [
        ("a1", "s1", "https://a.example/never", None),
        ("a2", "s1", "https://a.example/done", NOW),
        ("a3", "s2", "https://b.example/feed-only", None),
        ("a4", "s1", "guid-not-a-url", None),
        ("a5", "s2", "JavaScript:alert(1)", None),
    ]
    connection.execute(
        article_table.insert(),
        [
            {"id": aid, "source_id": sid, "entry_key": aid, "url": url, "title": aid,
             "extraction": "feed", "page_attempts": 0, "fetched": NOW, "sort_at": NOW,
             "page_fetched": fetched}
            for aid, sid, url, fetched in rows
        ],
    )  # fmt: skip


def test_iter_articles_orders_filters_and_pages(store: SqlStorage) -> None:
    a = add(store, "https://a.example/f", title="Feed A")
    b = add(store, "https://b.example/f")
    store.upsert_articles(batch(a, 1100))
    undated = intent(b, "u", published=None, fetched=NOW + timedelta(minutes=5))
    store.upsert_articles([undated])
    everything = list(store.iter_articles())
    assert len(everything) == 1101
    keys = [(x.published or x.fetched, x.id) for x in everything]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    assert everything[0].source_url == a.url and everything[0].source_title == "Feed A"
    since, until = NOW + timedelta(minutes=5), NOW + timedelta(minutes=8)
    window = list(store.iter_articles(since=since, until=until))
    assert {x.url.rsplit("/", 1)[1] for x in window} == {"5", "6", "7", "u"}
    assert [x.id for x in store.iter_articles(source_id=b.id)] == [undated.id]
    assert len(list(store.iter_articles(limit=501))) == 501
    picked = [intent(a, "9").id, intent(a, "3").id, "unknown"]
    assert [x.id for x in store.iter_articles(ids=picked)] == [picked[1], picked[0]]


def test_get_article_missing(store: SqlStorage) -> None:
    with pytest.raises(ArticleNotFoundError):
        store.get_article("nope")


# --- many polls in one transaction --------------------------------------------


def settle_as(change: SourceChange, seen: dict[str, list[str]], source: Source):
    """A settle function that records the new ids it was given and logs them."""

    def settle(new):
        seen[source.id] = list(new)
        return change, FetchLogEntry(source.id, source.url, NOW, 200, 0.1, 10, None, len(new))

    return settle


def poll_of(source: Source, items, seen, **change) -> PollWrite:
    polled = SourceChange(last_polled=NOW, next_poll=NOW + timedelta(hours=1), **change)
    return PollWrite(source.id, items, settle_as(polled, seen, source))


def test_record_polls_stores_articles_changes_and_log(store: SqlStorage) -> None:
    a, b = add(store, "https://a.example/f"), add(store, "https://b.example/f")
    seen: dict[str, list[str]] = {}
    store.upsert_articles(batch(b, 2))
    polls = [
        poll_of(a, batch(a, 3), seen, etag='"e1"', failures=0),
        poll_of(b, batch(b, 4), seen, last_error="odd", failures=2),
    ]
    news = store.record_polls(polls)
    assert news == [[i.id for i in batch(a, 3)], [i.id for i in batch(b, 2, start=2)]]
    assert seen == {a.id: news[0], b.id: news[1]}
    assert store.count_articles() == 7
    stored_a, stored_b = store.get_source(a.id), store.get_source(b.id)
    assert (stored_a.etag, stored_a.failures, stored_a.last_error) == ('"e1"', 0, None)
    assert (stored_b.etag, stored_b.failures, stored_b.last_error) == (None, 2, "odd")
    assert stored_a.next_poll == NOW + timedelta(hours=1)
    assert [entry.new_entries for entry in store.fetch_log(b.id)] == [2]
    # Polled again with nothing new: settle hears so, the log says so.
    assert store.record_polls(polls) == [[], []]
    assert seen == {a.id: [], b.id: []}
    assert [entry.new_entries for entry in store.fetch_log(a.id)] == [0, 3]
    assert store.record_polls([]) == []


def test_record_polls_with_a_removed_source_writes_nothing(store: SqlStorage) -> None:
    kept, gone = add(store, "https://a.example/f"), add(store, "https://b.example/f")
    seen: dict[str, list[str]] = {}
    polls = [poll_of(kept, batch(kept, 2), seen), poll_of(gone, batch(gone, 2), seen)]
    store.remove_source(gone.id)
    with pytest.raises(SourceNotFoundError, match="removed"):
        store.record_polls(polls)
    assert store.count_articles() == 0
    assert store.fetch_log(kept.id) == []
    assert store.get_source(kept.id).last_polled is None


def test_record_polls_moves_urls_but_never_onto_another(store: SqlStorage) -> None:
    a, b = add(store, "https://a.example/f"), add(store, "https://b.example/f")
    seen: dict[str, list[str]] = {}
    with pytest.raises(SourceExistsError):
        store.record_polls([poll_of(a, batch(a, 1), seen, url=b.url)])
    assert store.count_articles() == 0
    store.record_polls([poll_of(a, [], seen, url="https://a.example/new")])
    assert store.get_source(a.id).url == "https://a.example/new"


# --- search ------------------------------------------------------------------


@pytest.fixture
def searchable(store: SqlStorage) -> SqlStorage:
    source = add(store)
    rows = [
        ("1", "Parliament votes on the budget", "Lawmakers approved spending."),
        ("2", "Storm hits the coast", "Heavy rain and wind; the budget for repairs grows."),
        ("3", "Election results", "The elections were close in the north."),
    ]
    store.upsert_articles([intent(source, key, title=t) for key, t, _ in rows])
    for key, _, body in rows:
        page = ExtractedPage(text=body)
        store.set_article_page(intent(source, key).id, page, html=None, extraction="x", now=NOW)
    return store


def test_search_words_phrases_and_exclusions(searchable: SqlStorage) -> None:
    assert {a.title for a in searchable.search("budget")} == {
        "Parliament votes on the budget",
        "Storm hits the coast",
    }
    assert [a.title for a in searchable.search("budget parliament")] == [
        "Parliament votes on the budget"
    ]
    assert [a.title for a in searchable.search('"heavy rain"')] == ["Storm hits the coast"]
    assert searchable.search('"rain heavy"') == []
    assert [a.title for a in searchable.search("budget -storm")] == [
        "Parliament votes on the budget"
    ]
    assert [a.title for a in searchable.search("election")] == ["Election results"]  # stemmed
    assert len(searchable.search("parliament OR storm")) == 2
    assert searchable.search("parliament storm") == []
    assert len(searchable.search("the", limit=1)) <= 1


ODD_QUERIES = [
    '"', '"unbalanced', "AND", "OR (", "NOT", "*", "NEAR(a b)", "title:budget", "-", "--budget",
    "'; DROP TABLE articles; --", '""', "\\", 'a"b', "budget)", "^budget", "{budget}", "",
    "   ", "ü", "日本", "a AND OR NOT b", "budget*", "budget:*", "!!!", "(budget", "a & | ! b",
]  # fmt: skip


def test_odd_queries_never_raise(searchable: SqlStorage) -> None:
    for query in ODD_QUERIES:
        found = searchable.search(query)
        assert all(article.id for article in found), query
    # Syntax characters are taken literally: the words around them still match.
    assert [a.title for a in searchable.search("(budget) AND parliament!")] == [
        "Parliament votes on the budget"
    ]
    assert searchable.count_articles() == 3


def test_search_follows_page_text(searchable: SqlStorage) -> None:
    [article] = searchable.search("elections")
    page = ExtractedPage(text="Turnout in the referendum was high.")
    searchable.set_article_page(article.id, page, html=None, extraction="x", now=NOW)
    assert searchable.search("close north") == []
    assert [a.id for a in searchable.search("referendum turnout")] == [article.id]


# --- copies, stories, overrides ----------------------------------------------


def test_copies_round_trip(store: SqlStorage) -> None:
    source = add(store)
    original, copy, lone = batch(source, 3)
    store.upsert_articles([original, copy, lone])
    decisions = [
        CopyDecision(original.id, None, "earliest", "g1"),
        CopyDecision(copy.id, original.id, "source-link", "g1"),
        CopyDecision(lone.id, None, None, None),
    ]
    store.set_copies(decisions, {original.id: "https://wire.example/x"})
    got = store.get_article(copy.id)
    assert (got.copy_of, got.original_reason, got.original_url) == (
        original.id,
        "source-link",
        original.url,
    )
    assert store.get_article(original.id).original_url == "https://wire.example/x"
    assert store.get_article(lone.id).copy_of is None
    store.set_copies(decisions)  # idempotent
    store.set_copies([CopyDecision(copy.id, None, None, None)])
    assert store.get_article(copy.id).copy_of is None
    with pytest.raises(StorageError):
        store.set_copies([CopyDecision("ghost", None)])


def test_stories_round_trip_and_reassignment(store: SqlStorage) -> None:
    source = add(store)
    items = batch(source, 4)
    store.upsert_articles(items)
    ids = [item.id for item in items]
    one = Story("s1", "Budget vote", (ids[0], ids[1]), NOW, NOW + timedelta(hours=1), ("a",), "a")
    two = Story("s2", "Storm", (ids[2],), NOW, NOW + timedelta(hours=2), ("b", "a"), "b")
    store.set_stories([one, two], [StoryAssignment(ids[3], "s2")])
    assert store.get_story("s1") == one
    assert store.get_story("s2").article_ids == (ids[2], ids[3])
    assert [s.id for s in store.list_stories()] == ["s2", "s1"]
    assert [s.id for s in store.list_stories(since=NOW + timedelta(minutes=90))] == ["s2"]
    assert store.get_article(ids[3]).story == "s2"
    store.set_stories([one, two], [StoryAssignment(ids[3], "s2")])  # idempotent
    assert len(store.list_stories()) == 2
    # Everything of s1 moves to s2: s1 is left empty and goes.
    store.set_stories([], [StoryAssignment(ids[0], "s2"), StoryAssignment(ids[1], "s2")])
    assert [s.id for s in store.list_stories()] == ["s2"]
    assert store.get_story("s2").article_ids == tuple(ids)
    with pytest.raises(StoryNotFoundError):
        store.get_story("s1")


def test_story_overrides(store: SqlStorage) -> None:
    store.add_story_override("split", "a1", "a2", NOW)
    store.add_story_override("merge", "s1", "s2", NOW + timedelta(seconds=1))
    assert [(o.kind, o.a, o.b) for o in store.story_overrides()] == [
        ("split", "a1", "a2"),
        ("merge", "s1", "s2"),
    ]
    with pytest.raises(InputError):
        store.add_story_override("glue", "a", "b", NOW)  # type: ignore[arg-type]


# --- digests, feedback, state ------------------------------------------------


def test_digests_and_last_shown(store: SqlStorage) -> None:
    payload = {"stories": [{"id": "s1", "headline": "Budget"}], "n": 1}
    first = store.save_digest("me", NOW, payload, {"s1": "f1", "s2": "f2"})
    second = store.save_digest("me", NOW + timedelta(days=1), {"stories": []}, {"s1": "f1b"})
    store.save_digest("you", NOW, {}, {"s9": "x"})
    digests = store.digests("me")
    assert [d.id for d in digests] == [second, first]
    assert digests[1].payload == payload
    assert dict(digests[1].shown) == {"s1": "f1", "s2": "f2"}
    assert store.last_shown("me") == {"s1": "f1b", "s2": "f2"}
    assert store.last_shown("me", sent_only=True) == {}
    store.mark_digest_sent(first, NOW + timedelta(minutes=1))
    assert store.last_shown("me", sent_only=True) == {"s1": "f1", "s2": "f2"}
    assert store.digests("me", limit=5)[1].sent == NOW + timedelta(minutes=1)
    with pytest.raises(DigestNotFoundError):
        store.mark_digest_sent("nope", NOW)


def test_a_digest_is_kept_under_the_id_it_was_written_with(store: SqlStorage) -> None:
    assert store.save_digest("me", NOW, {}, {}, digest_id="0123abcd0123abcd") == "0123abcd0123abcd"
    (kept,) = store.digests("me")
    assert kept.id == "0123abcd0123abcd"
    assert store.get_digest("0123abcd0123abcd") == kept
    with pytest.raises(DigestNotFoundError, match="occasional digests"):
        store.get_digest("nope")


def test_delivery_progress_is_kept_per_digest(store: SqlStorage) -> None:
    shown_only = store.save_digest("me", NOW, {}, {})
    assert not store.get_digest(shown_only).pending, "a digest shown on a screen waits for no one"
    kept = store.save_digest("me", NOW, {}, {"s1": "f1"}, for_delivery=True)
    assert store.get_digest(kept).pending
    store.note_delivered(kept, "target-a", NOW)
    store.note_delivered(kept, "target-a", NOW)
    failed = store.note_delivery_failure(kept, "550 refused", NOW + timedelta(minutes=1))
    assert (failed.attempts, failed.delivered, failed.last_error) == (
        1,
        ("target-a",),
        "550 refused",
    )
    assert failed.pending and failed.last_attempt == NOW + timedelta(minutes=1)
    assert store.last_shown("me") == {"s1": "f1"}
    gone = store.note_delivery_failure(kept, "550 again", NOW, give_up=True)
    assert gone.attempts == 2 and gone.given_up == NOW and not gone.pending
    assert store.last_shown("me") == {}, "a digest given up on showed nobody anything"
    assert store.get_digest(kept) == gone
    store.mark_digest_sent(kept, NOW + timedelta(hours=1))
    sent = store.get_digest(kept)
    assert sent.sent and sent.given_up is None and sent.last_error is None
    assert sent.attempts == 3
    with pytest.raises(DigestNotFoundError):
        store.note_delivered("nope", "x", NOW)
    with pytest.raises(DigestNotFoundError):
        store.note_delivery_failure("nope", "x", NOW)


def test_feedback_through_one_link_is_recorded_once(store: SqlStorage) -> None:
    assert store.add_feedback("me", "s1", "like", NOW, link="sig-1")
    assert not store.add_feedback("me", "s1", "like", NOW + timedelta(seconds=1), link="sig-1")
    assert store.add_feedback("me", "s1", "like", NOW, link="sig-2")
    assert store.add_feedback("me", "s1", "like", NOW)
    assert store.add_feedback("me", "s1", "like", NOW)
    assert len(store.feedback("me")) == 4


def test_feedback_and_state(store: SqlStorage) -> None:
    store.add_feedback("me", "s1", "more", NOW)
    store.add_feedback("me", "s2", "mute", NOW + timedelta(seconds=1))
    store.add_feedback("you", "s1", "less", NOW)
    assert [(f.story_id, f.kind, f.created) for f in store.feedback("me")] == [
        ("s1", "more", NOW),
        ("s2", "mute", NOW + timedelta(seconds=1)),
    ]
    assert store.get_state("clusterer") is None
    store.set_state("clusterer", {"vectors": [[1, 2]], "n": 1})
    store.set_state("clusterer", {"vectors": [], "n": 2})
    assert store.get_state("clusterer") == {"vectors": [], "n": 2}


# --- concurrency -------------------------------------------------------------


def test_concurrent_writers_from_two_opens_all_land(database_url: str) -> None:
    stores = [open_storage(database_url), open_storage(database_url)]
    source = add(stores[0])
    errors: list[BaseException] = []

    def write(store: SqlStorage, offset: int) -> None:
        try:
            for n in range(20):
                store.upsert_articles(batch(source, 5, start=offset + n * 5))
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(stores[n % 2], n * 1000)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stores[1].count_articles() == 400
    for store in stores:
        store.close()


# --- round trips of every field (hypothesis) ---------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)
_MAYBE_TEXT = st.none() | _TEXT
_OFFSETS = st.integers(-23 * 60, 23 * 60).map(lambda m: timezone_of(m))
_TIMES = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(9000, 1, 1), timezones=_OFFSETS
)
_MAYBE_TIME = st.none() | _TIMES
_SECONDS = st.integers(0, 2**31 - 1)
_STRINGS = st.lists(_TEXT, max_size=4).map(tuple)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)
_PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def timezone_of(minutes: int):
    from datetime import timezone

    return timezone(timedelta(minutes=minutes))


_SETTINGS = st.builds(
    SourceSettings,
    tags=st.lists(_TEXT, max_size=4, unique=True).map(tuple),
    enabled=st.booleans(),
    fetch_full=st.booleans(),
    poll_min_seconds=_SECONDS,
    poll_max_seconds=_SECONDS,
    title=_MAYBE_TEXT,
)
_CHANGE = st.builds(
    SourceChange,
    title=_MAYBE_TEXT,
    disabled_reason=_MAYBE_TEXT,
    etag=_MAYBE_TEXT,
    last_modified=_MAYBE_TEXT,
    last_polled=_MAYBE_TIME,
    next_poll=_MAYBE_TIME,
    interval_seconds=st.none() | _SECONDS,
    failures=_SECONDS,
    last_error=_MAYBE_TEXT,
    last_status=st.none() | st.integers(100, 599),
)


@_PROPERTY
@given(
    url=_TEXT,
    kind=st.sampled_from(["feed", "sitemap"]),
    title=_MAYBE_TEXT,
    site_url=_MAYBE_TEXT,
    source_settings=_SETTINGS,
    change=_CHANGE,
    added=_TIMES,
)
def test_source_fields_round_trip(
    store: SqlStorage, url, kind, title, site_url, source_settings, change, added
) -> None:
    url = f"{url}#{uuid4().hex}"  # unique per example: the store outlives examples
    source = store.add_source(
        url, kind=kind, settings=source_settings, title=title, site_url=site_url, now=added
    )
    assert (source.url, source.kind, source.title, source.site_url) == (url, kind, title, site_url)
    assert source.settings == source_settings
    assert source.added == added
    updated = store.update_source(source.id, change)
    expected = {
        name: getattr(change, name)
        for name in SourceChange.__dataclass_fields__
        if getattr(change, name) is not LEAVE
    }
    assert updated == replace(source, **expected)
    assert store.get_source(url) == updated


@_PROPERTY
@given(
    title=_TEXT,
    summary=_MAYBE_TEXT,
    content=_MAYBE_TEXT,
    authors=_STRINGS,
    categories=_STRINGS,
    published=_MAYBE_TIME,
    updated=_MAYBE_TIME,
    fetched=_TIMES,
    enclosures=_JSON,
    key=_TEXT,
)
def test_article_fields_round_trip(
    store: SqlStorage,
    title,
    summary,
    content,
    authors,
    categories,
    published,
    updated,
    fetched,
    enclosures,
    key,
) -> None:
    source = store.add_source(f"https://feed.example/{uuid4().hex}", now=NOW)
    item = ArticleIntent(
        id=make_article_id(source.id, key),
        source_id=source.id,
        url=f"https://feed.example/{key}",
        title=title,
        entry_key=key,
        summary=summary,
        content=content,
        authors=authors,
        categories=categories,
        published=published,
        updated=updated,
        fetched=fetched,
        enclosures=enclosures,
    )
    assert store.upsert_articles([item]) == [item.id]
    article = store.get_article(item.id)
    assert (article.id, article.source_id, article.url) == (item.id, source.id, item.url)
    assert (article.title, article.summary, article.text) == (title, summary, "")
    assert (article.authors, article.categories) == (authors, categories)
    assert (article.published, article.updated, article.fetched) == (published, updated, fetched)
    assert article.source_url == source.url
    assert store.upsert_articles([item]) == []
