"""The shell that calls the stages in order.

Nothing here decides anything: the decisions live in pure functions
(:mod:`occasional.fetch.schedule`, :mod:`occasional.stories`,
:mod:`occasional.digest`), and the I/O lives in adapters (the fetcher, the
storage). One poll cycle, drawn as shell pseudocode::

    for source in $(storage due_sources $now); do            # parallel, bounded
        response=$(fetcher get $source.url --etag --last-modified)
        feed=$(parse_feed $response || sitemap_as_feed $response)
        echo $source $(entries_to_intents $feed)
    done | batch --polls 200 --ms 50 | while read polls; do   # storage record_polls:
        new=$(storage upsert_articles $polls.entries)           #   one transaction
        storage update_source $(decide $source $outcome $new $now)  # next poll, backoff
        storage record_fetch $source $outcome
    done
    for article in $new; do                                    # parallel, robots.txt
        page=$(fetcher get $article.url --check-robots)
        storage set_article_page $article $(extract_page $page || feed content)
    done
    storage set_copies  $(find_copies $(window))               # pure
    storage set_stories $(cluster_stories $(window) --previous) # pure

Polls are committed in batches, each its own transaction, so a crash mid-poll
loses nothing already committed (the sources of an unfinished batch are simply
polled again), and a failing source never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial

from .config import Config
from .exceptions import (
    ExtractionError,
    FetchError,
    OccasionalError,
    RobotsDisallowedError,
)
from .extract import extract_page
from .fetch.client import Fetcher
from .fetch.schedule import (
    PollBounds,
    PollOutcome,
    decide,
    outcome_from_error,
    outcome_from_response,
)
from .sources import parse_feed, parse_sitemap, sitemap_as_feed
from .storage.base import (
    ArticleIntent,
    FetchLogEntry,
    PollWrite,
    SourceChange,
    Storage,
    make_article_id,
)
from .storage.batch import BatchWriter
from .stories import StoryOverride, build_stories, cluster_stories, copy_groups
from .text import html_to_text
from .types import Article, Doc, EntryData, FeedData, FetchResponse, Source, Story

__all__ = [
    "PageResult",
    "PollContext",
    "PollReport",
    "SourceResult",
    "article_doc",
    "fetch_pages",
    "poll_sources",
    "refresh_stories",
]

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What one poll of one source did."""

    source_id: str
    url: str
    status: str
    new_articles: tuple[str, ...] = ()
    entries: int = 0
    http_status: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PageResult:
    """What fetching one article's page did (``how``: extracted, feed, robots, error)."""

    article_id: str
    how: str
    error: str | None = None


@dataclass(slots=True)
class PollReport:
    """Everything one poll cycle did, for the CLI and the demo to show."""

    sources: list[SourceResult] = field(default_factory=list)
    pages: list[PageResult] = field(default_factory=list)

    @property
    def new_articles(self) -> list[str]:
        """Ids of the articles this cycle stored for the first time."""
        return [aid for result in self.sources for aid in result.new_articles]


def entries_to_intents(source: Source, feed: FeedData, now: datetime) -> list[ArticleIntent]:
    """Turn parsed entries into intents to store; entries without identity are dropped."""
    return [_intent(source, entry, now) for entry in feed.entries if entry.key]


def _intent(source: Source, entry: EntryData, now: datetime) -> ArticleIntent:
    return ArticleIntent(
        id=make_article_id(source.id, entry.key),
        fetched=now,
        source_id=source.id,
        entry_key=entry.key,
        url=entry.link or entry.guid or source.url,
        title=(entry.title or "").strip(),
        summary=entry.summary,
        content=entry.content,
        authors=entry.authors,
        published=entry.published,
        updated=entry.updated,
        categories=entry.categories,
        enclosures=tuple(
            {"url": e.url, "type": e.type, "length": e.length} for e in entry.enclosures
        ),
    )


# --- polling ------------------------------------------------------------------

# Finished polls are committed together: this many at most, and none waits
# longer than this many seconds for its batch.
_BATCH_POLLS = 200
_BATCH_DELAY = 0.05
# Bodies above this size are parsed in a worker thread, so one huge feed does
# not stall every other poll's network work; small ones are quicker inline.
_PARSE_INLINE_BYTES = 256 * 1024

# A poll's answer and its parsed feed (None on 304), or why there is none.
_Read = tuple[FetchResponse, FeedData | None] | PollOutcome


async def _read_source(
    fetcher: Fetcher, source: Source, now: datetime
) -> tuple[FetchResponse, FeedData | None]:
    response = await fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
    if response.not_modified:
        return response, None
    if source.kind == "sitemap":
        return response, await _read_sitemap(fetcher, response, source, now)
    return response, await _parse(response)


async def _parse(response: FetchResponse) -> FeedData:
    args = (response.body, response.url, response.content_type)
    if len(response.body) > _PARSE_INLINE_BYTES:
        return await asyncio.to_thread(parse_feed, *args)
    return parse_feed(*args)


async def _read_sitemap(
    fetcher: Fetcher, response: FetchResponse, source: Source, now: datetime
) -> FeedData:
    sitemap = parse_sitemap(response.body, response.url)
    children = list(sitemap.children)
    # An index names child sitemaps; news sitemaps hold the fresh articles, so read them first.
    children.sort(key=lambda url: ("news" not in url.lower(), url))
    for child in children[:3]:
        child_response = await fetcher.get(child)
        child_map = parse_sitemap(child_response.body, child_response.url)
        sitemap = type(sitemap)(entries=sitemap.entries + child_map.entries, children=())
    return sitemap_as_feed(sitemap, source.site_url or source.url, now)


@dataclass(frozen=True, slots=True)
class PollContext:
    """What every poll of one cycle shares."""

    storage: Storage
    fetcher: Fetcher
    config: Config
    now: datetime
    rng: random.Random


async def _fetch_and_parse(ctx: PollContext, source: Source) -> _Read:
    try:
        return await _read_source(ctx.fetcher, source, ctx.now)
    except FetchError as exc:
        return outcome_from_error(exc)
    except OccasionalError as exc:  # the answer was unusable; the other sources go on
        return PollOutcome(kind="error", error=str(exc))


def _outcome(read: _Read, new_entries: int) -> PollOutcome:
    if isinstance(read, PollOutcome):
        return read
    response, feed = read
    outcome = outcome_from_response(response, feed, new_entries)
    if feed is not None and feed.errors:
        outcome = replace(outcome, error="; ".join(feed.errors))
    return outcome


async def poll_one(ctx: PollContext, source: Source, writer: BatchWriter) -> SourceResult:
    """Poll one source and store, in ``writer``'s next batch, what it gave and when to
    poll it next; never raises (a failed write is reported as an error result)."""
    read = await _fetch_and_parse(ctx, source)
    response, feed = (None, None) if isinstance(read, PollOutcome) else read
    moved = response.permanent_redirect if response is not None else None
    # Checked before queueing: settling runs inside the batch's transaction, without reads.
    taken = moved is not None and _taken(ctx.storage, moved, source.id)
    intents = entries_to_intents(source, feed, ctx.now) if feed is not None else []
    settle = partial(_settle, ctx, source, read, taken)
    try:
        new = await writer.write(PollWrite(source.id, intents, settle))
    except OccasionalError as exc:
        log.warning("could not store the poll of %s: %s", source.url, exc)
        return SourceResult(source.id, source.url, "error", error=f"not stored: {exc}")
    outcome = _outcome(read, len(new))
    return SourceResult(
        source_id=source.id,
        url=source.url,
        status=outcome.kind,
        new_articles=tuple(new),
        entries=len(feed.entries) if feed else 0,
        http_status=outcome.http_status,
        error=outcome.error,
    )


def _settle(
    ctx: PollContext, source: Source, read: _Read, taken: bool, new: Sequence[str]
) -> tuple[SourceChange, FetchLogEntry]:
    """The source's change and log line, once its batch knows which entries were new."""
    outcome = _outcome(read, len(new))
    response, feed = (None, None) if isinstance(read, PollOutcome) else read
    change = _source_change(ctx, source, outcome, (response, feed), taken)
    entry = FetchLogEntry(
        source_id=source.id,
        url=source.url,
        started=ctx.now,
        status=outcome.http_status,
        elapsed=response.elapsed if response else 0.0,
        bytes=len(response.body) if response else 0,
        error=outcome.error,
        new_entries=len(new),
    )
    return change, entry


def _source_change(
    ctx: PollContext,
    source: Source,
    outcome: PollOutcome,
    answer: tuple[FetchResponse | None, FeedData | None],
    taken: bool,
) -> SourceChange:
    response, feed = answer
    bounds = PollBounds.from_settings(ctx.config.poll)
    decision = decide(source, outcome, ctx.now, bounds, ctx.rng)
    values: dict[str, object] = {
        "last_polled": ctx.now,
        "next_poll": decision.next_poll,
        "interval_seconds": decision.interval_seconds,
        "failures": decision.failures,
        "last_error": decision.last_error,
        "last_status": outcome.http_status,
    }
    if decision.disabled_reason:
        values["disabled_reason"] = decision.disabled_reason
    if feed is not None and feed.title and not source.title:
        values["title"] = feed.title.strip()
    if response is not None and not response.not_modified:
        values["etag"] = response.etag
        values["last_modified"] = response.last_modified
    if response is not None and response.permanent_redirect:
        values |= _moved(response.permanent_redirect, taken)
    return SourceChange(**values)  # type: ignore[arg-type]


def _moved(target: str, taken: bool) -> dict[str, object]:
    if not taken:
        return {"url": target}
    # Two sources now point at one feed: keep this one where it was, and say so.
    message = f"moved permanently to {target}, which is already another source; remove one of them"
    return {"last_error": message}


def _taken(storage: Storage, url: str, source_id: str) -> bool:
    try:
        return storage.get_source(url).id != source_id
    except OccasionalError:  # SourceNotFoundError, or any failure to look:
        # the write refuses a taken URL anyway; this check only words the error better.
        return False


async def poll_sources(
    ctx: PollContext, sources: Sequence[Source], progress: Progress | None = None
) -> PollReport:
    """Poll ``sources`` concurrently, as many at once as the fetcher allows, commit them
    in batches (each batch one transaction), and report."""
    report = PollReport()
    queue = iter(sources)  # shared by the workers: each source is taken once

    async def work(writer: BatchWriter) -> None:
        for source in queue:
            report.sources.append(await poll_one(ctx, source, writer))
            if progress:
                progress(1)

    # As many workers as the fetcher has slots, rather than a task per source: ten
    # thousand tasks queued on one semaphore cost more to wake than the polls themselves.
    workers = min(ctx.config.fetch.concurrency, len(sources))
    async with BatchWriter(ctx.storage, max_polls=_BATCH_POLLS, max_delay=_BATCH_DELAY) as writer:
        await asyncio.gather(*(work(writer) for _ in range(workers)))
    return report


# --- article pages ------------------------------------------------------------


async def fetch_page(ctx: PollContext, article_id: str) -> PageResult:
    """Fetch one article's page, extract it, store it; fall back to the feed's content."""
    article = ctx.storage.get_article(article_id)
    feed_text = html_to_text(article.content or article.summary or "")
    try:
        response = await ctx.fetcher.get(article.url, check_robots=ctx.config.fetch.respect_robots)
        page = extract_page(response.body, response.url)
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
    from .types import ExtractedPage

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


# --- copies and stories ---------------------------------------------------------


def article_doc(article: Article) -> Doc:
    """The view of an article that copy detection and clustering take."""
    return Doc(
        id=article.id,
        title=article.title,
        text=article.text or html_to_text(article.content or article.summary or ""),
        published=article.published or article.fetched,
        url=article.url,
        source=article.source_id,
        source_links=article.source_links,
        canonical_url=article.canonical_url,
    )


def refresh_stories(storage: Storage, config: Config, now: datetime) -> list[Story]:
    """Recompute copies and stories over the open window and store them.

    Deterministic: the same stored articles give the same groups and stories,
    and story ids already stored are kept (passed back as ``previous``).
    """
    since = now - timedelta(days=config.stories.window_days)
    articles = list(storage.iter_articles(since=since))
    docs = [article_doc(article) for article in articles]
    groups = copy_groups(docs, preference=config.stories.source_preference)
    copies = groups.decisions
    previous = {article.id: article.story for article in articles if article.story}
    overrides = [StoryOverride(o.kind, o.a, o.b) for o in storage.story_overrides()]
    assignments = cluster_stories(docs, previous=previous, overrides=overrides, copies=copies)
    stories = build_stories(docs, assignments)
    # What readers see of a copy is why its group's original is the original.
    stored = [replace(d, reason=groups.original_reason(d.id)) for d in copies]
    storage.set_copies(stored, {d.id: groups.original_url(d.id) for d in stored if d.copy_of})
    storage.set_stories(stories, assignments)
    return stories
