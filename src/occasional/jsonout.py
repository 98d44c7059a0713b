"""The JSON shapes the CLI promises (see the README's "Output for scripts").

Fields are added freely and never renamed or dropped without a deprecation.
Times are ISO 8601 with offset, or null; ids are strings.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .types import Article, ExtractedPage, Source, Story

if TYPE_CHECKING:
    from .pipeline import SourceResult

__all__ = ["article_json", "iso", "page_json", "poll_result_json", "source_json", "story_json"]


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset, or None."""
    return value.isoformat() if value else None


def page_json(page: ExtractedPage) -> dict[str, Any]:
    """``extract --json``: one extracted page."""
    return {
        "title": page.title,
        "text": page.text,
        "authors": list(page.authors),
        "published": iso(page.published),
        "updated": iso(page.updated),
        "canonical_url": page.canonical_url,
        "site_name": page.site_name,
        "language": page.language,
        "image": page.image,
        "description": page.description,
        "source_links": list(page.source_links),
    }


def source_json(source: Source) -> dict[str, Any]:
    """``sources --json``: one source with its settings and health."""
    return {
        "id": source.id,
        "url": source.url,
        "kind": source.kind,
        "title": source.title,
        "site_url": source.site_url,
        "tags": list(source.settings.tags),
        "enabled": source.settings.enabled and not source.disabled_reason,
        "disabled_reason": source.disabled_reason,
        "fetch_full": source.settings.fetch_full,
        "added": iso(source.added),
        "last_polled": iso(source.last_polled),
        "next_poll": iso(source.next_poll),
        "failures": source.failures,
        "last_status": source.last_status,
        "last_error": source.last_error,
    }


def article_json(article: Article, *, with_text: bool = True) -> dict[str, Any]:
    """``export articles --format jsonl`` and ``articles --json``: one article."""
    data: dict[str, Any] = {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "source": article.source_url,
        "source_id": article.source_id,
        "source_title": article.source_title,
        "title": article.title,
        "published": iso(article.published),
        "authors": list(article.authors),
        "language": article.language,
        "source_links": list(article.source_links),
        "copy_of": article.copy_of,
        "original_url": article.original_url,
        "original_reason": article.original_reason,
        "story": article.story,
    }
    if with_text:
        data["text"] = article.text
    return data


def story_json(story: Story, articles: list[Article] | None = None) -> dict[str, Any]:
    """``stories --json``: one story with its articles' ids (and titles when given)."""
    data: dict[str, Any] = {
        "id": story.id,
        "label": story.label,
        "first_seen": iso(story.first_seen),
        "last_seen": iso(story.last_seen),
        "sources": list(story.sources),
        "first_source": story.first_source,
        "articles": list(story.article_ids),
    }
    if articles is not None:
        data["items"] = [article_json(a, with_text=False) for a in articles]
    return data


def poll_result_json(result: SourceResult) -> dict[str, Any]:
    """``poll --json`` (in process or through the queue): one polled source."""
    return {
        "source": result.source_id,
        "url": result.url,
        "status": result.status,
        "http_status": result.http_status,
        "entries": result.entries,
        "new": len(result.new_articles),
        "error": result.error,
    }
