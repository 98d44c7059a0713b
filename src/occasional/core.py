"""The Engine facade and :func:`make_engine`, the one place that picks implementations.

The CLI, the demo and plugins use only the Engine. It is synchronous; the
network work inside it runs on an event loop of its own per call.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from .accounts import Accounts
from .config import Config, load_config
from .engine_digests import DigestMethods
from .exceptions import (
    ConfigError,
    InvalidURLError,
    OccasionalError,
    QueueError,
    SourceExistsError,
    SourceNotFoundError,
)
from .extract import extract_page, get_extractor
from .fetch.client import Fetcher
from .fileio import PRIVATE_FILE, make_private_folder
from .oserrors import explain_os_error
from .pipeline import (
    PollContext,
    PollReport,
    poll_cycle,
    refresh_stories,
)
from .pipeline.processes import CycleJob, cpu_count, poll_cycle_in_processes
from .resolve import ResolvedSource, resolve_source
from .scope import UserScope
from .sources import parse_opml, write_opml
from .storage import open_storage, shared_between_processes
from .storage.accounts import User
from .storage.base import Storage
from .types import Article, ExtractedPage, Source, SourceSettings, Story
from .upkeep import Upkeep
from .urls import check_url

__all__ = ["Engine", "ImportReport", "make_engine"]

Clock = Callable[[], datetime]
Progress = Callable[[int], None]


# The home's own files besides the database (storage keeps that one private).
_PRIVATE_FILES = ("config.toml", "feedback.key")


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an OPML import added, what it skipped with the reason, and whether the file was
    damaged (then only what could be read of it was imported)."""

    added: tuple[Source, ...]
    skipped: tuple[str, ...]
    damaged: str | None = None


class Engine(DigestMethods, Upkeep, Accounts):
    """Everything occasional does, over one storage and one configuration.

    Build it with :func:`make_engine`. Methods raise subclasses of
    :class:`~occasional.exceptions.OccasionalError` only.
    """

    def __init__(self, config: Config, storage: Storage, *, clock: Clock = _utcnow) -> None:
        self.config = config
        self.storage = storage
        self.clock = clock
        self._rng = random.Random()

    def close(self) -> None:
        """Release the storage."""
        self.storage.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sources --------------------------------------------------------------

    def add_source(
        self,
        url: str,
        *,
        tags: Sequence[str] = (),
        discover: bool = True,
        fetch_full: bool | None = None,
    ) -> Source:
        """Add a feed by its URL, or a site by its URL (autodiscovery, then sitemaps).

        With ``discover=False`` the URL is stored as a feed without fetching it.
        The home's owner, when it has one, follows it. Raises SourceExistsError,
        InvalidURLError, FetchError, DiscoveryError.
        """
        return self._owned(
            self.new_source(url, tags=tags, discover=discover, fetch_full=fetch_full)
        )

    def new_source(
        self,
        url: str,
        *,
        tags: Sequence[str] = (),
        discover: bool = True,
        fetch_full: bool | None = None,
    ) -> Source:
        """Store a source as :meth:`add_source` does, without subscribing anyone to it."""
        url = check_url(url)
        self._refuse_existing(url)
        settings = SourceSettings(
            tags=tuple(tags),
            fetch_full=self.config.articles.fetch_full if fetch_full is None else fetch_full,
        )
        if not discover:
            return self.storage.add_source(url, settings=settings, now=self.clock())
        resolved = asyncio.run(self._resolve(url))
        self._refuse_existing(resolved.url)
        return self.storage.add_source(
            resolved.url,
            kind=resolved.kind,
            settings=settings,
            title=resolved.title,
            site_url=resolved.site_url,
            now=self.clock(),
        )

    def _owned(self, source: Source) -> Source:
        """A source the CLI added is followed by the home's owner, when it has one."""
        owner = self.owner()
        if owner is not None:
            self.storage.subscribe(owner.id, source.id, now=self.clock(), tags=source.settings.tags)
        return source

    def _refuse_existing(self, url: str) -> None:
        try:
            existing = self.storage.get_source(url)
        except SourceNotFoundError:
            return
        raise SourceExistsError(f"{url} is already a source (id {existing.id})", url)

    async def _resolve(self, url: str) -> ResolvedSource:
        async with Fetcher(self.config.fetch) as fetcher:
            return await resolve_source(fetcher, url)

    def for_user(self, user: User) -> UserScope:
        """What one user of the web app or the Reader API may see and change."""
        return UserScope(self, user)

    def remove_source(self, id_or_url: str) -> Source:
        """Remove a source and its articles; returns what was removed."""
        source = self.storage.get_source(id_or_url)
        self.storage.remove_source(source.id)
        return source

    def sources(self, *, tag: str | None = None) -> list[Source]:
        """Every stored source, optionally only those with ``tag``."""
        return self.storage.list_sources(tag=tag)

    def import_opml(self, data: bytes) -> ImportReport:
        """Add every feed and sitemap of an OPML document; folders become tags.

        Nothing is fetched. A damaged document adds what could be read of it and
        says so in :attr:`ImportReport.damaged`.
        """
        document = parse_opml(data)
        added: list[Source] = []
        skipped = list(document.errors)
        for outline in document.outlines:
            try:
                url = check_url(outline.url)
                self._refuse_existing(url)
            except (InvalidURLError, SourceExistsError) as exc:
                skipped.append(f"{outline.url}: {exc}")
                continue
            settings = SourceSettings(tags=outline.tags, fetch_full=self.config.articles.fetch_full)
            source = self.storage.add_source(
                url,
                kind=outline.kind,
                settings=settings,
                title=outline.title,
                site_url=outline.site_url,
                now=self.clock(),
            )
            added.append(self._owned(source))
        return ImportReport(tuple(added), tuple(skipped), document.damaged)

    def export_opml(self) -> str:
        """Every source as an OPML document; tags become folders."""
        return write_opml(self.storage.list_sources())

    # --- polling ----------------------------------------------------------------

    def poll(
        self,
        *,
        everything: bool = False,
        stories: bool = True,
        progress: Progress | None = None,
        on_total: Callable[[int], None] | None = None,
        queue: bool = False,
        jobs: int | None = None,
    ) -> PollReport:
        """Poll due sources (or all enabled ones), fetch the pages that are due (new ones
        and earlier ones waiting to be retried), update stories; all sources and pages
        within ``poll.deadline``. A source's or a page's failure is its own error, in
        the report and stored with it; ConfigError for an unknown ``articles.extractor``.

        Stories are refreshed only when the poll stored something (new articles or
        pages): otherwise they would come out the same, at a cost that grows with
        the window (seconds for tens of thousands of articles). With ``queue`` the
        work goes to the task queue's workers (PostgreSQL only) and this waits for
        them; raises QueueError when they cannot be reached.

        ``jobs`` (default ``poll.jobs``; 0: one per CPU core) is how many processes
        share the sources (and then the pages) out by host; an in-memory database,
        and a poll of fewer than a hundred, stay in this process.
        """
        get_extractor(self.config.articles.extractor)
        now = self.clock()
        if everything:
            sources = [s for s in self.storage.list_sources(enabled_only=True)]
        else:
            sources = self.storage.due_sources(now)
        if queue:
            options = {"stories": stories, "progress": progress, "on_total": on_total}
            queued: PollReport = _queue_client().poll_through_queue(
                self.config, self.storage, sources, now, **options
            )
            return queued
        report = self._poll_here(sources, now, jobs, progress, on_total)
        self._prune(now)
        if stories and _changed(report):
            refresh_stories(self.storage, self.config, self.clock())
        return report

    def _prune(self, now: datetime) -> None:
        """Drop fetched HTML past its retention; the extracted text stays."""
        self.storage.prune_html(now - timedelta(days=self.config.articles.keep_html_days))

    def _poll_here(
        self,
        sources: Sequence[Source],
        now: datetime,
        jobs: int | None,
        progress: Progress | None,
        on_total: Callable[[int], None] | None,
    ) -> PollReport:
        processes = self._processes(jobs)
        if processes <= 1:
            return asyncio.run(self._poll(sources, now, progress, on_total))
        deadline = time.monotonic() + self.config.poll.deadline
        job = CycleJob(self.config, now, deadline, self._rng.getrandbits(62))
        return poll_cycle_in_processes(self.storage, job, sources, processes, progress, on_total)

    def _processes(self, jobs: int | None) -> int:
        if not shared_between_processes(self.config.database):
            return 1  # another process would open a database of its own
        wanted = self.config.poll.jobs if jobs is None else jobs
        return wanted or cpu_count()

    async def _poll(
        self,
        sources: Sequence[Source],
        now: datetime,
        progress: Progress | None,
        on_total: Callable[[int], None] | None,
    ) -> PollReport:
        async with Fetcher(self.config.fetch) as fetcher:
            ctx = PollContext(self.storage, fetcher, self.config, now, self._rng)
            return await poll_cycle(ctx, sources, progress, on_total)

    # --- articles --------------------------------------------------------------

    def extract(self, url: str | None = None, *, html: bytes | None = None) -> ExtractedPage:
        """Extract one page fetched from ``url``, or given as ``html`` (found at ``url``)."""
        if html is not None:
            return extract_page(html, url)
        if url is None:
            raise InvalidURLError("extract needs a URL or an HTML file")
        return asyncio.run(self._extract_url(check_url(url)))

    async def _extract_url(self, url: str) -> ExtractedPage:
        async with Fetcher(self.config.fetch) as fetcher:
            response = await fetcher.get(url, check_robots=self.config.fetch.respect_robots)
        return extract_page(response.body, response.url)

    def articles(
        self, *, since: datetime | None = None, limit: int | None = None, source: str | None = None
    ) -> Iterator[Article]:
        """Stored articles, oldest first."""
        source_id = self.storage.get_source(source).id if source else None
        return self.storage.iter_articles(since=since, limit=limit, source_id=source_id)

    def search(self, query: str, *, limit: int = 20) -> list[Article]:
        """Full-text search over titles and texts, best first."""
        return self.storage.search(query, limit=limit)

    # --- stories -----------------------------------------------------------------

    def refresh_stories(self) -> list[Story]:
        """Recompute copies and stories over the open window."""
        return refresh_stories(self.storage, self.config, self.clock())

    def split_story(self, article_id: str) -> Story:
        """Take an article out of its story, for good; returns the story it now leads."""
        article = self.storage.get_article(article_id)
        self.storage.add_story_override("split", article.id, article.story or "", self.clock())
        self.refresh_stories()
        return self._story_of(article.id)

    def merge_stories(self, a: str, b: str) -> Story:
        """Join two stories (each named by a story id or one of its article ids), for good."""
        first, second = self._member(a), self._member(b)
        self.storage.add_story_override("merge", first, second, self.clock())
        self.refresh_stories()
        return self._story_of(first)

    def _member(self, story_or_article: str) -> str:
        """An article id standing for a story: the article itself, or the story's first."""
        try:
            return self.storage.get_article(story_or_article).id
        except OccasionalError:
            return self.storage.get_story(story_or_article).article_ids[0]

    def _story_of(self, article_id: str) -> Story:
        story = self.storage.get_article(article_id).story
        return self.storage.get_story(story or "")

    def stories(self, *, since: datetime | None = None) -> list[Story]:
        """Stored stories, newest activity first."""
        return self.storage.list_stories(since=since)


def _changed(report: PollReport) -> bool:
    """Whether a poll stored anything that copies and stories are computed from."""
    return bool(report.new_articles or report.pages)


def _queue_client() -> ModuleType:
    """The task queue's client module; QueueError when the queue extra is missing."""
    try:
        from .queue import client
    except ImportError as exc:
        raise QueueError(
            f"the task queue needs the queue extra ({exc.name} is missing): "
            "pip install 'occasional[queue]'"
        ) from exc
    return client


def make_engine(
    config: Config | None = None,
    *,
    home: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    clock: Clock = _utcnow,
) -> Engine:
    """Build an Engine: read the settings (unless given), open the storage, wire the stages."""
    if config is None:
        config = load_config(home, overrides)
    try:
        make_private_folder(config.home)
    except OSError as exc:
        hint = "pick another home with --home DIR or OCCASIONAL_HOME"
        message = explain_os_error(exc, "create the home folder", config.home, hint)
        raise ConfigError(message) from exc
    for name in _PRIVATE_FILES:  # homes made before these were created private
        with contextlib.suppress(OSError):
            if (config.home / name).stat().st_mode & 0o077:
                (config.home / name).chmod(PRIVATE_FILE)
    return Engine(config, open_storage(config.database), clock=clock)
