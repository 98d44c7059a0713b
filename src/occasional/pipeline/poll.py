"""Polling sources: fetch, parse, store in batches, decide when to poll next."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial

from ..config import Config
from ..exceptions import FetchError, OccasionalError, describe
from ..fetch.client import Fetcher
from ..fetch.hostqueue import HostQueue, host_of
from ..fetch.schedule import (
    PollBounds,
    PollOutcome,
    decide,
    outcome_from_error,
    outcome_from_response,
)
from ..gcpause import collector_relaxed
from ..sources import newest_entries, parse_feed, parse_sitemap, sitemap_as_feed
from ..storage.base import (
    ArticleIntent,
    FetchLogEntry,
    PollWrite,
    SourceChange,
    Storage,
    make_article_id,
)
from ..storage.batch import BatchWriter
from ..text import cap_title, html_to_text
from ..types import EntryData, FeedData, FetchResponse, Source
from ..urls import page_url

__all__ = [
    "PageResult",
    "PollContext",
    "PollReport",
    "SourceResult",
    "entries_to_intents",
    "poll_one",
    "poll_sources",
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
    """Turn parsed entries into intents to store; entries without identity are dropped.

    An entry's URL is its link, else its guid when that is a URL; only an
    http(s) URL counts (never ``javascript:``, ``data:``, ``mailto:``), and one
    over :data:`~occasional.urls.MAX_URL_CHARS` does not. An entry with no such
    URL has no page: it points to the site, keeps the feed's text and is
    never fetched. Titles are capped at :data:`~occasional.text.MAX_TITLE_CHARS`,
    and a time more than a day ahead of ``now`` is unknown.
    """
    home = page_url(source.site_url) or page_url(feed.link) or source.url
    wants_page = source.settings.fetch_full
    return [_intent(source, entry, now, home, wants_page) for entry in feed.entries if entry.key]


def _intent(
    source: Source, entry: EntryData, now: datetime, home: str, wants_page: bool
) -> ArticleIntent:
    url = page_url(entry.link) or page_url(entry.guid)
    key = _entry_key(entry.key)
    return ArticleIntent(
        id=make_article_id(source.id, key),
        fetched=now,
        source_id=source.id,
        entry_key=key,
        url=url or home,
        title=cap_title(entry.title or ""),
        summary=entry.summary,
        content=entry.content,
        authors=entry.authors,
        published=_not_ahead(entry.published, now),
        updated=_not_ahead(entry.updated, now),
        categories=entry.categories,
        enclosures=tuple(
            {"url": e.url, "type": e.type, "length": e.length}
            for e in entry.enclosures
            if page_url(e.url)
        ),
        text=None if url else html_to_text(entry.content or entry.summary or "") or None,
        page_due=now if url and wants_page else None,
    )


# Keys this long are hashed: an index refuses them (PostgreSQL's B-tree rows stop
# at about 2.7 kB), and a key of megabytes is a broken feed's title.
_MAX_KEY_CHARS = 512
_AHEAD = timedelta(days=1)


def _entry_key(key: str) -> str:
    if len(key) <= _MAX_KEY_CHARS:
        return key
    return "blake2b:" + hashlib.blake2b(key.encode("utf-8", "surrogatepass")).hexdigest()


def _not_ahead(when: datetime | None, now: datetime) -> datetime | None:
    # A year-9999 date would keep an article "newest" for ever.
    return when if when is None or when <= now + _AHEAD else None


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


async def _read_source(ctx: PollContext, source: Source) -> tuple[FetchResponse, FeedData | None]:
    fetcher = ctx.fetcher
    response = await fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
    if response.not_modified:
        return response, None
    if source.kind == "sitemap":
        return response, await _read_sitemap(fetcher, response, source, ctx.now)
    return response, newest_entries(await _parse(response), ctx.config.poll.max_entries)


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
    """What every poll of one cycle shares.

    ``once``: store a source's poll only if it was not polled in this cycle yet (the
    task queue, which may run a task twice); see :attr:`PollWrite.cycle`.
    """

    storage: Storage
    fetcher: Fetcher
    config: Config
    now: datetime
    rng: random.Random
    once: bool = False


async def _fetch_and_parse(ctx: PollContext, source: Source) -> _Read:
    try:
        return await _read_source(ctx, source)
    except FetchError as exc:
        return outcome_from_error(exc)
    except OccasionalError as exc:  # the answer was unusable; the other sources go on
        return PollOutcome(kind="error", error=str(exc))
    except Exception as exc:  # a parser's bug is this source's error, not the poll's end
        log.debug("reading %s failed unexpectedly", source.url, exc_info=True)
        return PollOutcome(kind="error", error=f"could not read the feed: {describe(exc)}")


def _outcome(read: _Read, new_entries: int) -> PollOutcome:
    if isinstance(read, PollOutcome):
        return read
    response, feed = read
    outcome = outcome_from_response(response, feed, new_entries)
    if feed is not None and feed.errors:
        outcome = replace(outcome, error="; ".join(feed.errors))
    return outcome


async def poll_one(
    ctx: PollContext, source: Source, writer: BatchWriter, read: Callable[[], None] | None = None
) -> SourceResult:
    """Poll one source and store, in ``writer``'s next batch, what it gave and when to
    poll it next. Never raises but for cancellation: whatever goes wrong is stored
    as this source's error where it can be, and always reported in the result.

    ``read`` is called once the source's answer is in (fetched and parsed, or failed),
    before the poll waits for its batch: the caller may start the host's next poll.
    """
    try:
        return await _poll_one(ctx, source, writer, read)
    except Exception as exc:  # see the docstring: one source never stops the others
        log.debug("polling %s failed unexpectedly", source.url, exc_info=True)
        error = f"not stored: {exc}" if isinstance(exc, OccasionalError) else describe(exc)
        log.warning("could not poll %s: %s", source.url, error)
        return SourceResult(source.id, source.url, "error", error=error)


async def _poll_one(
    ctx: PollContext, source: Source, writer: BatchWriter, done_reading: Callable[[], None] | None
) -> SourceResult:
    read = await _fetch_and_parse(ctx, source)
    if done_reading:
        done_reading()
    try:
        intents = _intents(ctx, source, read)
    except Exception as exc:  # a bug in turning entries into rows: store the error instead
        log.debug("the entries of %s could not be stored", source.url, exc_info=True)
        read = PollOutcome(kind="error", error=f"could not store its entries: {describe(exc)}")
        intents = []
    response = None if isinstance(read, PollOutcome) else read[0]
    moved = response.permanent_redirect if response is not None else None
    # Checked before queueing: settling runs inside the batch's transaction, without reads.
    taken = moved is not None and _taken(ctx.storage, moved, source.id)
    settle = partial(_settle, ctx, source, read, taken)
    cycle = ctx.now if ctx.once else None
    new = await writer.write(PollWrite(source.id, intents, settle, cycle))
    outcome = _outcome(read, len(new))
    feed = None if isinstance(read, PollOutcome) else read[1]
    return SourceResult(
        source_id=source.id,
        url=source.url,
        status=outcome.kind,
        new_articles=tuple(new),
        entries=len(feed.entries) if feed else 0,
        http_status=outcome.http_status,
        error=outcome.error,
    )


def _intents(ctx: PollContext, source: Source, read: _Read) -> list[ArticleIntent]:
    feed = None if isinstance(read, PollOutcome) else read[1]
    return entries_to_intents(source, feed, ctx.now) if feed is not None else []


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
        values["title"] = cap_title(feed.title)
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


class _Slot:
    """A host's slot in a :class:`HostQueue`, freed once however often it is asked."""

    __slots__ = ("_host", "_queue")

    def __init__(self, queue: HostQueue[Source], host: str) -> None:
        self._queue: HostQueue[Source] | None = queue
        self._host = host

    def free(self) -> None:
        if self._queue is not None:
            self._queue.finish(self._host)
            self._queue = None


async def poll_sources(
    ctx: PollContext,
    sources: Sequence[Source],
    progress: Progress | None = None,
    report: PollReport | None = None,
) -> PollReport:
    """Poll ``sources`` concurrently, as many at once as the fetcher allows, commit them
    in batches (each batch one transaction), and report (into ``report`` when given,
    so a caller that cancels this keeps what finished). Never raises but for
    cancellation; polls already queued for a batch are stored even then.

    Workers take sources host by host in turn (:class:`HostQueue`), never more of one
    host at once than ``fetch.per_host``, so a list grouped by site keeps every slot busy.
    """
    report = PollReport() if report is None else report
    queue = HostQueue(sources, lambda source: host_of(source.url), ctx.config.fetch.per_host)

    async def work(writer: BatchWriter) -> None:
        while len(queue):
            taken = queue.take()
            if taken is None:  # every host with sources left is busy
                await queue.wait()
                continue
            host, source = taken
            # The host's slot is free once its answer is read, not once its batch is
            # committed: a slow commit must not hold the network back.
            slot = _Slot(queue, host)
            try:
                report.sources.append(await poll_one(ctx, source, writer, slot.free))
            finally:
                slot.free()
            if progress:
                progress(1)

    # As many workers as the fetcher has slots, and a batch's worth more (the polls
    # waiting for their commit), rather than a task per source: ten thousand tasks
    # queued on one semaphore cost more to wake than the polls themselves.
    workers = min(ctx.config.fetch.concurrency + _BATCH_POLLS, len(sources))
    with collector_relaxed():
        async with BatchWriter(ctx.storage, max_polls=_BATCH_POLLS, max_delay=_BATCH_DELAY) as w:
            await asyncio.gather(*(work(w) for _ in range(workers)))
    return report
