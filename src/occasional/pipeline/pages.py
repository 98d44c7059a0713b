"""Article pages: fetch each new article's page (robots.txt), extract it, store it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..exceptions import (
    ExtractionError,
    FetchError,
    RobotsDisallowedError,
)
from ..extract import extract_page
from ..text import html_to_text
from ..types import ExtractedPage
from .poll import PageResult, PollContext

__all__ = ["fetch_page", "fetch_pages"]

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


# --- article pages ------------------------------------------------------------


async def fetch_page(ctx: PollContext, article_id: str) -> PageResult:
    """Fetch one article's page, extract it, store it; fall back to the feed's content."""
    article = ctx.storage.get_article(article_id)
    feed_text = html_to_text(article.content or article.summary or "")
    try:
        response = await ctx.fetcher.get(article.url, check_robots=ctx.config.fetch.respect_robots)
        page = await asyncio.to_thread(extract_page, response.body, response.url)
    except RobotsDisallowedError as exc:
        return _keep_feed_text(ctx, article_id, feed_text, "robots", str(exc))
    except (FetchError, ExtractionError) as exc:
        return _keep_feed_text(ctx, article_id, feed_text, "feed", str(exc))
    if len(page.text) < len(feed_text) * 0.8:
        # Extraction found less than the feed itself carried: the feed's text is the better copy.
        page = replace(page, text=feed_text)
        how = "feed"
    else:
        how = "extracted"
    html = response.body if ctx.config.articles.keep_html_days > 0 else None
    ctx.storage.set_article_page(article_id, page, html=html, extraction=how, now=ctx.now)
    return PageResult(article_id, how)


def _keep_feed_text(
    ctx: PollContext, article_id: str, feed_text: str, how: str, error: str
) -> PageResult:
    if feed_text:
        ctx.storage.set_article_page(
            article_id, ExtractedPage(text=feed_text), html=None, extraction="feed", now=ctx.now
        )
    return PageResult(article_id, how, error)


async def fetch_pages(
    ctx: PollContext, article_ids: Sequence[str], progress: Progress | None = None
) -> list[PageResult]:
    """Fetch and extract the pages of ``article_ids`` concurrently; never raises."""

    async def run(aid: str) -> PageResult:
        try:
            return await fetch_page(ctx, aid)
        finally:
            if progress:
                progress(1)

    return list(await asyncio.gather(*(run(aid) for aid in article_ids)))
