"""The Engine's upkeep methods: per-source settings, re-extraction, the digest archive.

A mixin of :class:`~occasional.core.Engine`, kept apart so each part stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .config import Config
from .digestjob import digest_from_json
from .exceptions import ConfigError, ExtractionError
from .extract import extract_page
from .render import write_archive
from .storage.accounts import SubscriptionChange
from .storage.base import SourceChange, Storage
from .types import Source

__all__ = ["ReextractReport", "SourceEdit", "Upkeep"]


@dataclass(frozen=True, slots=True)
class SourceEdit:
    """What ``occasional set`` changes on a source; ``None`` leaves a field as it is."""

    tags: Sequence[str] | None = None
    enabled: bool | None = None
    fetch_full: bool | None = None
    poll_min_seconds: int | None = None
    poll_max_seconds: int | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class ReextractReport:
    """How many stored pages were extracted again, and how many failed."""

    done: int
    failed: int


class Upkeep:
    """Per-source settings, re-extraction from kept HTML, and the static digest archive."""

    config: Config
    storage: Storage
    clock: Callable[[], datetime]

    def configure_source(self, id_or_url: str, edit: SourceEdit) -> Source:
        """Change a source's settings; enabling a disabled one clears its reason, polls it soon.

        Raises SourceNotFoundError, or ConfigError for poll bounds that contradict each other.
        """
        source = self.storage.get_source(id_or_url)
        old = source.settings
        settings = replace(
            old,
            tags=tuple(edit.tags) if edit.tags is not None else old.tags,
            enabled=old.enabled if edit.enabled is None else edit.enabled,
            fetch_full=old.fetch_full if edit.fetch_full is None else edit.fetch_full,
            poll_min_seconds=edit.poll_min_seconds or old.poll_min_seconds,
            poll_max_seconds=edit.poll_max_seconds or old.poll_max_seconds,
            title=edit.title if edit.title is not None else old.title,
        )
        if settings.poll_min_seconds > settings.poll_max_seconds:
            raise ConfigError(
                f"{source.url}: the shortest poll interval ({settings.poll_min_seconds} s) is "
                f"longer than the longest ({settings.poll_max_seconds} s)"
            )
        if edit.enabled:
            change = SourceChange(settings=settings, disabled_reason=None, next_poll=None)
        else:
            change = SourceChange(settings=settings)
        changed = self.storage.update_source(source.id, change)
        if edit.tags is not None:
            self._owner_tags(changed)
        return changed

    def _owner_tags(self, source: Source) -> None:
        """The owner's subscription keeps the tags the CLI gives a source."""
        for user in self.storage.list_users():
            if user.owner and user.id in self.storage.subscribers(source.id):
                change = SubscriptionChange(tags=source.settings.tags)
                self.storage.update_subscription(user.id, source.id, change)

    def reextract(self, *, since: datetime | None = None) -> ReextractReport:
        """Extract every article whose fetched HTML is still kept again (after an upgrade, say)."""
        done = failed = 0
        for article in list(self.storage.iter_articles(since=since)):
            html = self.storage.page_html(article.id)
            if html is None:
                continue
            try:
                page = extract_page(html, article.url)
            except ExtractionError:
                failed += 1
                continue
            self.storage.set_article_page(
                article.id, page, html=html, extraction="extracted", now=self.clock()
            )
            done += 1
        return ReextractReport(done, failed)

    def archive(self, folder: Path, *, profile: str = "default", limit: int = 365) -> Path:
        """Write a profile's stored digests as a static HTML archive; returns its index page."""
        stored = self.storage.digests(profile, limit=limit)
        return write_archive([digest_from_json(d.payload, d.id) for d in stored], folder)
