"""The Engine facade and :func:`make_engine`, the one place that picks implementations.

The CLI, the demo and plugins use only the Engine. It is synchronous; the
network work inside it runs on an event loop of its own per call.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import digestjob, sending
from .config import Config, load_config
from .digest import Feedback as DigestFeedback
from .digest import Profile, quiet_digest_wanted, read_profiles
from .exceptions import (
    ConfigError,
    DigestNotFoundError,
    InvalidURLError,
    OccasionalError,
    ProfileError,
    SourceExistsError,
    SourceNotFoundError,
)
from .extract import extract_page
from .fetch.client import Fetcher
from .fileio import make_private_folder
from .oserrors import explain_os_error
from .pipeline import (
    PollContext,
    PollReport,
    fetch_pages,
    poll_sources,
    refresh_stories,
)
from .resolve import ResolvedSource, resolve_source
from .sources import parse_opml, write_opml
from .storage import open_storage
from .storage.base import Storage, new_digest_id
from .types import Article, Digest, ExtractedPage, Source, SourceSettings, Story
from .upkeep import Upkeep
from .urls import check_url

__all__ = ["Engine", "ImportReport", "make_engine"]

Clock = Callable[[], datetime]
Progress = Callable[[int], None]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an OPML import added, what it skipped with the reason, and whether the file was
    damaged (then only what could be read of it was imported)."""

    added: tuple[Source, ...]
    skipped: tuple[str, ...]
    damaged: str | None = None


def _is_quiet(payload: Any) -> bool:
    """Whether a stored digest payload showed no story."""
    return isinstance(payload, dict) and not payload.get("stories")


class _Digests:
    """The Engine's digest methods (kept apart to keep each part small)."""

    config: Config
    storage: Storage
    clock: Clock

    def profiles(self) -> dict[str, Profile]:
        """Every usable profile: ``default`` (unless switched off) and ``<home>/profiles/*.toml``.

        A file holding an invalid profile is left out; :meth:`profile_problems` says why.
        """
        return read_profiles(self.config.home).profiles

    def profile_problems(self) -> dict[str, str]:
        """Profile files set aside because they are invalid: name → one line saying why."""
        return read_profiles(self.config.home).problems

    def profile(self, name: str | None = None) -> Profile:
        """One profile by name; without a name ``default``, or the only one there is.

        Raises ProfileError for an unknown or invalid profile, saying what to do.
        """
        found = read_profiles(self.config.home)
        profiles = found.profiles
        if name is None:
            if "default" in profiles or len(profiles) != 1:
                name = "default"
            else:
                (name,) = profiles
        if name in found.problems:
            raise ProfileError(found.problems[name])
        if name not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise ProfileError(
                f"no profile {name!r} (known: {known}); name one with --profile, "
                f"or write {self.config.home / 'profiles' / (name + '.toml')}"
            )
        return profiles[name]

    def digest(
        self, profile: str | None = None, *, keep: bool = True, for_delivery: bool = False
    ) -> Digest:
        """Build a profile's digest now; with ``keep`` it is stored and remembered.

        Without ``keep`` it is a preview: it has no id and uses nothing up. With
        ``for_delivery`` it stays pending until it is sent (see :meth:`send_digest`).
        """
        if keep:
            return self.keep_digest(self.draft_digest(profile), for_delivery=for_delivery)
        return digestjob.build_for(self.storage, self.config, self.profile(profile), self.clock())

    def draft_digest(self, profile: str | None = None) -> Digest:
        """Build a profile's digest now, with the id it will be kept under, but do not keep it.

        Write it out first, then :meth:`keep_digest` it: a digest that could
        not be written then uses none of its stories up.
        """
        built = digestjob.build_for(self.storage, self.config, self.profile(profile), self.clock())
        return replace(built, id=new_digest_id())

    def scheduled_digest(self, profile: str | None = None) -> Digest | None:
        """Build and keep, for delivery, the digest a profile's schedule calls for now.

        Returns None (keeping nothing) on a quiet day the profile's ``quiet`` rule
        does not want a digest for.
        """
        chosen = self.profile(profile)
        draft = self.draft_digest(chosen.name)
        if not draft.items:
            kept = self.storage.digests(chosen.name, limit=50)
            quiet = [d.generated for d in kept if d.for_delivery and _is_quiet(d.payload)]
            if not quiet_digest_wanted(chosen, draft.generated, quiet):
                return None
        return self.keep_digest(draft, for_delivery=True)

    def keep_digest(self, digest: Digest, *, for_delivery: bool = False) -> Digest:
        """Store a drafted digest; from then on its stories count as shown.

        ``for_delivery`` marks it to be sent: it stays pending until it is.
        """
        return digestjob.keep(self.storage, digest, for_delivery=for_delivery)

    def stored_digest(self, profile: str | None = None, *, digest_id: str | None = None) -> Digest:
        """A stored digest: the one with ``digest_id``, else the profile's newest.

        Raises DigestNotFoundError when there is none. Reading it uses nothing up.
        """
        if digest_id is not None:
            stored = self.storage.get_digest(digest_id)
        else:
            name = self.profile(profile).name
            newest = self.storage.digests(name, limit=1)
            if not newest:
                raise DigestNotFoundError(
                    f"profile {name!r} has no stored digest yet; `occasional digest` makes one"
                )
            stored = newest[0]
        return digestjob.digest_from_json(stored.payload, stored.id)

    def send_digest(self, digest: Digest) -> None:
        """Deliver a kept digest to the targets of its profile that have not taken it yet.

        Raises DeliveryError: the digest stays pending for a retry, or is given up
        when its targets refused it for good too often (see :mod:`occasional.sending`).
        """
        profile = self.profile(digest.profile)
        asyncio.run(sending.send(self.storage, self.config, digest, profile, self.clock()))

    def pending_digest(self, profile: str | None = None) -> Digest | None:
        """The profile's oldest kept digest still waiting for delivery, or None."""
        pending = sending.pending_digests(self.storage, self.profile(profile).name)
        if not pending:
            return None
        return digestjob.digest_from_json(pending[0].payload, pending[0].id)

    def retry_unsent(self, *, due_only: bool = False) -> list[str]:
        """Send every pending digest again (``due_only``: those whose backoff has passed).

        Returns what still fails, one line each.
        """
        return asyncio.run(
            sending.retry_unsent(
                self.storage, self.config, self.profiles(), self.clock(), due_only=due_only
            )
        )

    def feedback(self, story_id: str, kind: str, *, profile: str | None = None) -> None:
        """Record a reader's feedback on a story (like, dislike, more, less, opened, mute-source).

        Raises StoryNotFoundError for an unknown story, InputError for an unknown kind.
        """
        name = self.profile(profile).name
        self.storage.get_story(story_id)
        DigestFeedback(story_id=story_id, kind=kind, time=self.clock())  # validates the kind
        self.storage.add_feedback(name, story_id, kind, self.clock())


class Engine(_Digests, Upkeep):
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
        Raises SourceExistsError, InvalidURLError, FetchError, DiscoveryError.
        """
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

    def _refuse_existing(self, url: str) -> None:
        try:
            existing = self.storage.get_source(url)
        except SourceNotFoundError:
            return
        raise SourceExistsError(f"{url} is already a source (id {existing.id})", url)

    async def _resolve(self, url: str) -> ResolvedSource:
        async with Fetcher(self.config.fetch) as fetcher:
            return await resolve_source(fetcher, url)

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
            added.append(
                self.storage.add_source(
                    url,
                    kind=outline.kind,
                    settings=settings,
                    title=outline.title,
                    site_url=outline.site_url,
                    now=self.clock(),
                )
            )
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
    ) -> PollReport:
        """Poll due sources (or all enabled ones), fetch new pages, update stories."""
        now = self.clock()
        if everything:
            sources = [s for s in self.storage.list_sources(enabled_only=True)]
        else:
            sources = self.storage.due_sources(now)
        report = asyncio.run(self._poll(sources, now, progress, on_total))
        self._prune(now)
        if stories:
            refresh_stories(self.storage, self.config, self.clock())
        return report

    def _prune(self, now: datetime) -> None:
        """Drop fetched HTML past its retention; the extracted text stays."""
        self.storage.prune_html(now - timedelta(days=self.config.articles.keep_html_days))

    async def _poll(
        self,
        sources: Sequence[Source],
        now: datetime,
        progress: Progress | None,
        on_total: Callable[[int], None] | None,
    ) -> PollReport:
        async with Fetcher(self.config.fetch) as fetcher:
            ctx = PollContext(self.storage, fetcher, self.config, now, self._rng)
            if on_total:
                on_total(len(sources))
            report = await poll_sources(ctx, sources, progress)
            full = {s.id for s in sources if s.settings.fetch_full}
            wanted = [
                r
                for result in report.sources
                if result.source_id in full
                for r in result.new_articles
            ]
            if on_total:
                on_total(len(sources) + len(wanted))
            report.pages.extend(await fetch_pages(ctx, wanted, progress))
        return report

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
    return Engine(config, open_storage(config.database), clock=clock)
