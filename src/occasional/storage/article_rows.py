"""Reading articles back: the joined query and the row → Article mapping.

Used by the article, search and story parts of SqlStorage, so every read
returns articles carrying their source, copy and story fields the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, func, or_, select

from ..types import Article
from .base import ArticleIntent
from .schema import articles, copies, sources, story_articles
from .sqlbase import chunks

__all__ = ["article_query", "articles_by_ids", "insert_row", "keyset_after", "to_article"]

_original = articles.alias("original")


def article_query() -> Select[Any]:
    """Every article column plus source, copy and story fields, in reading order."""
    return (
        select(
            articles,
            sources.c.url.label("source_url"),
            func.coalesce(sources.c.user_title, sources.c.title).label("source_title"),
            copies.c.copy_of,
            copies.c.reason.label("original_reason"),
            func.coalesce(copies.c.original_url, _original.c.url).label("original_url"),
            story_articles.c.story_id,
        )
        .join(sources, sources.c.id == articles.c.source_id)
        .outerjoin(copies, copies.c.article_id == articles.c.id)
        .outerjoin(_original, _original.c.id == copies.c.copy_of)
        .outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
        .order_by(articles.c.sort_at, articles.c.seq)
    )


def keyset_after(query: Select[Any], sort_at: datetime, seq: int) -> Select[Any]:
    """Rows after (sort_at, seq) in reading order: pages without OFFSET's rescans."""
    later = or_(
        articles.c.sort_at > sort_at, and_(articles.c.sort_at == sort_at, articles.c.seq > seq)
    )
    return query.where(later)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def to_article(row: Row[Any]) -> Article:
    """Map one :func:`article_query` row."""
    return Article(
        id=row.id,
        source_id=row.source_id,
        url=row.url,
        title=row.title,
        text=row.text or "",
        source_url=row.source_url,
        source_title=row.source_title,
        canonical_url=row.canonical_url,
        summary=row.summary,
        content=row.content,
        authors=_strings(row.authors),
        published=row.published,
        updated=row.updated,
        language=row.language,
        site_name=row.site_name,
        image=row.image,
        categories=_strings(row.categories),
        source_links=_strings(row.source_links),
        fetched=row.fetched,
        extraction=row.extraction,
        copy_of=row.copy_of,
        original_url=row.original_url,
        original_reason=row.original_reason,
        story=row.story_id,
        page_attempts=row.page_attempts,
        page_error=row.page_error,
    )


def articles_by_ids(connection: Connection, ids: Sequence[str]) -> dict[str, Article]:
    """The stored articles among ``ids``, by id (unknown ids are absent)."""
    found: dict[str, Article] = {}
    for part in chunks(list(dict.fromkeys(ids))):
        for row in connection.execute(article_query().where(articles.c.id.in_(part))):
            found[row.id] = to_article(row)
    return found


def insert_row(item: ArticleIntent, now: datetime) -> dict[str, Any]:
    """The articles row for a new entry.

    Its ``text`` is what the intent carries, usually nothing until
    :meth:`set_article_page`: feed content is often HTML, and turning it into
    text is the pipeline's call, not ours.
    """
    fetched = item.fetched or now
    return {
        "id": item.id,
        "source_id": item.source_id,
        "entry_key": item.entry_key,
        "url": item.url,
        "title": item.title,
        "summary": item.summary,
        "content": item.content,
        "text": item.text,
        "authors": list(item.authors),
        "categories": list(item.categories),
        "enclosures": item.enclosures,
        "published": item.published,
        "updated": item.updated,
        "fetched": fetched,
        "sort_at": item.published or fetched,
        "source_links": [],
        "extraction": "feed",
        "page_attempts": 0,
        "page_due": item.page_due,
    }


def utc_now() -> datetime:
    """The time stored for entries whose intent names none."""
    return datetime.now(UTC)
