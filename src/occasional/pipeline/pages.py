"""Article pages: fetch each due article's page (robots.txt), extract it, store it.

A page is due from the moment its entry is stored (``ArticleIntent.page_due``)
until it is stored or given up, so pages survive a poll that stops half-way::

    for article in $(storage due_pages $now --limit N); do         # parallel, robots.txt
        page=$(fetcher get $article.url && extract_page) \
          && storage set_article_page $article $page               # no longer due
          || storage record_page_failure $article $error \
                 --retry-at $(page_retry_at $error $attempts)      # or never: given up
    done                                                           # --fallback-text feed

Nothing one page does stops the others: every exception but cancellation is
that page's error, stored with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..exceptions import OccasionalError, RobotsDisallowedError, describe
from ..extract import extract_page
from ..fetch.schedule import page_retry_at
from ..text import cap_title, html_to_text
from ..types import Article, ExtractedPage, FetchResponse
from .poll import PageResult, PollContext

__all__ = ["fetch_page", "fetch_pages", "page_of"]

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


async def fetch_page(ctx: PollContext, article_id: str) -> PageResult:
    """:func:`page_of` for a stored article named by id; never raises but for cancellation."""
    try:
        article = ctx.storage.get_article(article_id)
    except Exception as exc:  # removed with its source mid-poll, or the database failed
        return PageResult(article_id, "error", _words(exc))
    return await page_of(ctx, article)


async def page_of(ctx: PollContext, article: Article) -> PageResult:
    """Fetch one article's page, extract it and store it; when that fails, keep the
    feed's text and store the error and when to try again (``how``: extracted, feed,
    robots or error). Never raises but for cancellation."""
    try:
        response = await ctx.fetcher.get(article.url, check_robots=ctx.config.fetch.respect_robots)
        page = await asyncio.to_thread(
            extract_page, response.body, response.url, extractor=ctx.config.articles.extractor
        )
        return _store(ctx, article, response, page)
    except Exception as exc:  # see the docstring: one page never stops the others
        return _failed(ctx, article, exc)


def _store(
    ctx: PollContext, article: Article, response: FetchResponse, page: ExtractedPage
) -> PageResult:
    feed_text = _feed_text(article)
    how = "extracted"
    if len(page.text) < len(feed_text) * 0.8:
        # Extraction found less than the feed itself carried: the feed's text is the better copy.
        page, how = replace(page, text=feed_text), "feed"
    if page.title:
        page = replace(page, title=cap_title(page.title))
    html = response.body if ctx.config.articles.keep_html_days > 0 else None
    ctx.storage.set_article_page(article.id, page, html=html, extraction=how, now=ctx.now)
    return PageResult(article.id, how)


def _failed(ctx: PollContext, article: Article, exc: Exception) -> PageResult:
    error = _words(exc)
    if not isinstance(exc, OccasionalError):
        log.debug("the page of %s failed unexpectedly", article.url, exc_info=exc)
    how = "robots" if isinstance(exc, RobotsDisallowedError) else "feed"
    retry_at = page_retry_at(exc, article.page_attempts + 1, ctx.now)
    try:
        ctx.storage.record_page_failure(
            article.id, error, ctx.now, retry_at=retry_at, fallback_text=_feed_text(article)
        )
    except Exception as store_exc:  # the database failed too: report both, go on
        log.warning("could not store the failed page of %s: %s", article.url, store_exc)
        return PageResult(article.id, "error", f"{error}; not stored: {_words(store_exc)}")
    return PageResult(article.id, how if isinstance(exc, OccasionalError) else "error", error)


def _feed_text(article: Article) -> str:
    try:
        return html_to_text(article.content or article.summary or "")
    except Exception:  # lxml on hostile markup: the page stage goes on without it
        log.debug("the feed text of %s could not be read", article.url, exc_info=True)
        return ""


def _words(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, OccasionalError) and str(exc) else describe(exc)


async def fetch_pages(
    ctx: PollContext,
    articles: Sequence[Article | str],
    progress: Progress | None = None,
    results: list[PageResult] | None = None,
) -> list[PageResult]:
    """Fetch, extract and store the pages of ``articles`` (stored articles, or their
    ids), as many at once as the fetcher allows; appends to ``results`` when given, so
    a caller that cancels this keeps what finished. Never raises but for cancellation."""
    results = [] if results is None else results
    queue = iter(articles)  # shared by the workers: each page is taken once

    async def work() -> None:
        for article in queue:
            if isinstance(article, str):
                results.append(await fetch_page(ctx, article))
            else:
                results.append(await page_of(ctx, article))
            if progress:
                progress(1)

    workers = min(ctx.config.fetch.concurrency, len(articles))
    await asyncio.gather(*(work() for _ in range(workers)))
    return results
