"""Articles, their extracted pages and stored HTML, for SqlStorage."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, or_, select, update

from ..text import plural
from ..types import Article, ExtractedPage
from .article_rows import (
    article_query,
    articles_by_ids,
    insert_row,
    keyset_after,
    to_article,
    utc_now,
)
from .base import ArticleIntent, ArticleNotFoundError
from .schema import article_html, articles, sources
from .search import index_new_articles, last_article_seq
from .sqlbase import SqlBase, chunks, insert_many

__all__ = ["ArticlesMixin", "upsert_article_rows"]

# How stored HTML is compressed, by the name kept beside each page. zlib is in
# the standard library; a faster codec can be added here without a migration.
CODECS: dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]] = {
    "zlib": (lambda data: zlib.compress(data, 6), zlib.decompress),
}
DEFAULT_CODEC = "zlib"
_PAGE_SIZE = 500

# Refresh a stored entry only when what the feed says about it changed, so a
# re-poll of an unchanged feed writes nothing (and touches no index).
_REFRESH = (
    update(articles)
    .where(
        articles.c.id == bindparam("b_id"),
        or_(
            articles.c.title.is_distinct_from(bindparam("b_title", type_=articles.c.title.type)),
            articles.c.summary.is_distinct_from(
                bindparam("b_summary", type_=articles.c.summary.type)
            ),
            articles.c.updated.is_distinct_from(
                bindparam("b_updated", type_=articles.c.updated.type)
            ),
        ),
    )
    .values(
        title=bindparam("b_title"), summary=bindparam("b_summary"), updated=bindparam("b_updated")
    )
)


def _last_per_id(items: Sequence[ArticleIntent]) -> dict[str, ArticleIntent]:
    # The same entry twice in one batch is stored once, as last given.
    batch: dict[str, ArticleIntent] = {}
    for item in items:
        batch[item.id] = item
    return batch


def _stored_ids(connection: Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(ids):
        found.update(
            connection.execute(select(articles.c.id).where(articles.c.id.in_(part))).scalars()
        )
    return found


def _refresh_row(item: ArticleIntent) -> dict[str, Any]:
    return {
        "b_id": item.id,
        "b_title": item.title,
        "b_summary": item.summary,
        "b_updated": item.updated,
    }


def upsert_article_rows(connection: Connection, items: Sequence[ArticleIntent]) -> list[str]:
    """Insert new entries, refresh the feed fields of stored ones; returns the new ids.

    Runs inside the caller's transaction (``upsert_articles``, ``record_polls``).
    """
    batch = _last_per_id(items)
    if not batch:
        return []
    now = utc_now()
    stored = _stored_ids(connection, list(batch))
    new = [item for item in batch.values() if item.id not in stored]
    old = [item for item in batch.values() if item.id in stored]
    if new:
        last = last_article_seq(connection)
        insert_many(connection, articles, [insert_row(item, now) for item in new])
        index_new_articles(connection, last)
    if old:
        connection.execute(_REFRESH, [_refresh_row(item) for item in old])
    return [item.id for item in new]


def _find_article(connection: Connection, article_id: str) -> Row[Any]:
    row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
    if row is None:
        raise ArticleNotFoundError(f"no article {article_id!r} is stored")
    return row


def _page_values(row: Row[Any], page: ExtractedPage) -> dict[str, Any]:
    # The feed's own title, authors and time win; the page fills what it lacked.
    published = row.published or page.published
    return {
        "text": page.text,
        "title": row.title or page.title or "",
        "authors": row.authors or list(page.authors),
        "published": published,
        "updated": row.updated or page.updated,
        "sort_at": published or row.fetched,
        "canonical_url": page.canonical_url,
        "language": page.language,
        "site_name": page.site_name,
        "image": page.image,
        "description": page.description,
        "source_links": list(page.source_links),
        "page_error": None,
        "page_due": None,
    }


def _store_html(connection: Connection, article_id: str, html: bytes | None, now: datetime) -> None:
    connection.execute(delete(article_html).where(article_html.c.article_id == article_id))
    if html is not None:
        packed = CODECS[DEFAULT_CODEC][0](html)
        row = {"article_id": article_id, "codec": DEFAULT_CODEC, "html": packed, "stored": now}
        connection.execute(insert(article_html).values(**row))


class ArticlesMixin(SqlBase):
    """Article methods of :class:`~occasional.storage.base.Storage`."""

    def upsert_articles(self, items: Sequence[ArticleIntent]) -> list[str]:
        """See :meth:`Storage.upsert_articles`."""
        if not items:
            return []
        with self._write(f"storing {plural(len(items), 'article')}") as connection:
            return upsert_article_rows(connection, items)

    def set_article_page(
        self,
        article_id: str,
        page: ExtractedPage,
        *,
        html: bytes | None,
        extraction: str,
        now: datetime,
    ) -> None:
        """See :meth:`Storage.set_article_page`."""
        with self._write(f"storing the page of article {article_id}") as connection:
            row = _find_article(connection, article_id)
            values = _page_values(row, page) | {"extraction": extraction, "page_fetched": now}
            connection.execute(update(articles).where(articles.c.id == article_id).values(**values))
            _store_html(connection, article_id, html, now)

    def record_page_failure(
        self,
        article_id: str,
        error: str,
        now: datetime,
        *,
        retry_at: datetime | None = None,
        fallback_text: str | None = None,
    ) -> None:
        """See :meth:`Storage.record_page_failure`."""
        with self._write(f"noting a failed page of article {article_id}") as connection:
            row = _find_article(connection, article_id)
            values: dict[str, Any] = {
                "page_attempts": articles.c.page_attempts + 1,
                "page_error": error,
                "page_due": retry_at,
            }
            if fallback_text and not row.text:
                values |= {"text": fallback_text, "extraction": "feed"}
            connection.execute(update(articles).where(articles.c.id == article_id).values(**values))

    def get_article(self, article_id: str) -> Article:
        """See :meth:`Storage.get_article`."""
        with self._read(f"reading article {article_id}") as connection:
            found = articles_by_ids(connection, [article_id])
        if article_id not in found:
            raise ArticleNotFoundError(f"no article {article_id!r} is stored")
        return found[article_id]

    def iter_articles(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        source_id: str | None = None,
        limit: int | None = None,
        ids: Sequence[str] | None = None,
    ) -> Iterator[Article]:
        """See :meth:`Storage.iter_articles`."""
        query = article_query()
        if since is not None:
            query = query.where(articles.c.sort_at >= since)
        if until is not None:
            query = query.where(articles.c.sort_at < until)
        if source_id is not None:
            query = query.where(articles.c.source_id == source_id)
        if ids is not None:
            return iter(self._articles_among(query, ids, limit))
        return self._pages(query, limit)

    def _articles_among(self, query: Any, ids: Sequence[str], limit: int | None) -> list[Article]:
        rows: list[Row[Any]] = []
        with self._read("reading articles") as connection:
            for part in chunks(list(dict.fromkeys(ids))):
                rows.extend(connection.execute(query.where(articles.c.id.in_(part))))
        rows.sort(key=lambda row: (row.sort_at, row.seq))
        return [to_article(row) for row in rows[:limit]]

    def _pages(self, query: Any, limit: int | None) -> Iterator[Article]:
        # Each page is its own short read, so a slow consumer holds no lock or snapshot.
        remaining, page_query = limit, query
        while remaining is None or remaining > 0:
            size = _PAGE_SIZE if remaining is None else min(_PAGE_SIZE, remaining)
            with self._read("reading articles") as connection:
                rows = connection.execute(page_query.limit(size)).all()
            yield from (to_article(row) for row in rows)
            if len(rows) < size:
                return
            remaining = None if remaining is None else remaining - len(rows)
            page_query = keyset_after(query, rows[-1].sort_at, rows[-1].seq)

    def due_pages(self, now: datetime, *, since: datetime, limit: int) -> list[Article]:
        """See :meth:`Storage.due_pages`."""
        query = (
            article_query()
            .where(articles.c.page_due <= now, articles.c.fetched >= since)
            .where(sources.c.enabled.is_(True), sources.c.fetch_full.is_(True))
            .where(sources.c.disabled_reason.is_(None))
            .order_by(None)
            .order_by(articles.c.sort_at.desc(), articles.c.seq.desc())
            .limit(limit)
        )
        with self._read("choosing article pages to fetch") as connection:
            return [to_article(row) for row in connection.execute(query)]

    def count_articles(self) -> int:
        """See :meth:`Storage.count_articles`."""
        with self._read("counting articles") as connection:
            return int(connection.execute(select(func.count()).select_from(articles)).scalar_one())

    def page_html(self, article_id: str) -> bytes | None:
        """See :meth:`Storage.page_html`."""
        query = select(article_html.c.codec, article_html.c.html).where(
            article_html.c.article_id == article_id
        )
        with self._read(f"reading the HTML of article {article_id}") as connection:
            row = connection.execute(query).first()
        return None if row is None else CODECS[row.codec][1](row.html)

    def prune_html(self, older_than: datetime) -> int:
        """See :meth:`Storage.prune_html`."""
        with self._write("pruning stored HTML") as connection:
            result = connection.execute(
                delete(article_html).where(article_html.c.stored < older_than)
            )
            return int(result.rowcount)
