"""One user's view of the engine: their sources, profiles, digests, stories and state.

The web app and the Reader API call a :class:`UserScope` (from
:meth:`Engine.for_user <occasional.core.Engine.for_user>`) for everything
they show, so a user only ever sees articles of the sources they follow,
and only their own profiles, digests, feedback and read state. Methods are
synchronous and raise :class:`~occasional.exceptions.OccasionalError`
subclasses only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli_w

from . import readers
from .digest import FEEDBACK_KINDS, Profile, profile_from_mapping
from .digestjob import digest_from_json
from .exceptions import (
    DigestNotFoundError,
    InputError,
    InvalidURLError,
    ProfileError,
    SourceExistsError,
    SourceNotFoundError,
)
from .sources import parse_opml, write_opml
from .storage.accounts import ItemQuery, ItemRef, Subscription, SubscriptionChange, User
from .storage.base import Feedback
from .storage.leave import LEAVE
from .types import Article, Digest, Source, Story
from .urls import check_url

if TYPE_CHECKING:
    from .core import Engine, ImportReport

__all__ = ["CopyGroup", "StoryBrief", "StoryPage", "UserScope"]

_HEADER = "# Saved by the occasional web app; you may edit this file by hand too.\n"


@dataclass(frozen=True, slots=True)
class CopyGroup:
    """An article and the copies of it the user's sources carried, with its state."""

    lead: Article
    copies: tuple[Article, ...]
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class StoryBrief:
    """A story as a list shows it: outlets with the first reporter first."""

    story: Story
    outlets: tuple[str, ...]
    articles: int
    copies: int


@dataclass(frozen=True, slots=True)
class StoryPage:
    """A story with its copy groups (original first) and every article by time."""

    story: Story
    groups: tuple[CopyGroup, ...]
    timeline: tuple[Article, ...]


def _outlet(article: Article) -> str:
    return article.source_title or article.source_url


def _when(article: Article) -> datetime:
    return article.published or article.fetched or datetime.max.replace(tzinfo=UTC)


class UserScope:
    """What one user may see and change (see the module docstring)."""

    def __init__(self, engine: Engine, user: User) -> None:
        self.engine = engine
        self.user = user
        self.storage = engine.storage

    def _now(self) -> datetime:
        return self.engine.clock()

    # --- sources ----------------------------------------------------------------

    def subscriptions(self) -> list[Subscription]:
        """Every source the user follows, paused ones included."""
        return self.storage.subscriptions(self.user.id)

    def source_ids(self) -> list[str]:
        """The ids of the sources the user follows actively."""
        return [s.source.id for s in self.storage.subscriptions(self.user.id, active_only=True)]

    def subscription(self, source_id: str) -> Subscription:
        """One subscription; SourceNotFoundError when the user does not follow it."""
        for item in self.subscriptions():
            if source_id in (item.source.id, item.source.url):
                return item
        raise SourceNotFoundError(f"you do not follow a source {source_id!r}", url=source_id)

    def follow(
        self, url: str, *, tags: Sequence[str] = (), title: str | None = None
    ) -> Subscription:
        """Follow a feed or site: a stored source is shared, a new one is discovered and added.

        Raises InvalidURLError, FetchError, DiscoveryError.
        """
        url = check_url(url)
        try:
            source = self.storage.get_source(url)
        except SourceNotFoundError:
            try:
                source = self.engine.new_source(url)
            except SourceExistsError as exc:  # discovery led to a stored feed
                source = self.storage.get_source(exc.url or url)
        sub = self.storage.subscribe(
            self.user.id, source.id, now=self._now(), tags=tags, title=title
        )
        self.engine._sync_polling(source.id)
        return sub

    def edit(
        self, source_id: str, *, tags: Sequence[str] | None = None, title: str | None = None
    ) -> Subscription:
        """Change the user's tags or title for a source (``None`` keeps them)."""
        change = SubscriptionChange(
            tags=LEAVE if tags is None else tuple(t.strip() for t in tags if t.strip()),
            title=LEAVE if title is None else (title.strip() or None),
        )
        return self.storage.update_subscription(self.user.id, source_id, change)

    def set_active(self, source_id: str, active: bool) -> Subscription:
        """Pause or resume a subscription; a source nobody reads any more stops polling."""
        sub = self.storage.update_subscription(
            self.user.id, source_id, SubscriptionChange(active=active)
        )
        self.engine._sync_polling(source_id)
        return sub

    def unfollow(self, source_id: str) -> Source:
        """Stop following a source; one nobody follows any more is removed with its articles."""
        source = self.subscription(source_id).source
        if self.storage.unsubscribe(self.user.id, source.id) == 0:
            self.storage.remove_source(source.id)
        return source

    def import_opml(self, data: bytes) -> ImportReport:
        """Follow every feed of an OPML document (folders become tags); nothing is fetched."""
        from .core import ImportReport

        document = parse_opml(data)
        added: list[Source] = []
        skipped = list(document.errors)
        for outline in document.outlines:
            try:
                url = check_url(outline.url)
            except InvalidURLError as exc:
                skipped.append(f"{outline.url}: {exc}")
                continue
            try:
                source = self.storage.get_source(url)
            except SourceNotFoundError:
                source = self.storage.add_source(
                    url, title=outline.title, site_url=outline.site_url, now=self._now()
                )
            self.storage.subscribe(self.user.id, source.id, now=self._now(), tags=outline.tags)
            self.engine._sync_polling(source.id)
            added.append(source)
        return ImportReport(tuple(added), tuple(skipped))

    def export_opml(self) -> str:
        """The user's subscriptions as OPML, with their tags as folders."""
        sources = [
            replace(
                s.source,
                settings=replace(s.source.settings, tags=s.tags, title=s.title),
            )
            for s in self.subscriptions()
        ]
        return write_opml(sources)

    # --- profiles -----------------------------------------------------------------

    @property
    def _user_folder(self) -> str | None:
        return None if self.user.owner else self.user.name

    def key(self, name: str) -> str:
        """The storage key of one of the user's profiles."""
        return readers.key_for(self._user_folder, name)

    def profiles(self) -> dict[str, Profile]:
        """The user's profiles by their short name (the default one when there are none)."""
        found = readers.load_reader_profiles(self.engine.config.home, self._user_folder)
        return {readers.split_key(key)[1] or key: profile for key, profile in found.items()}

    def profile(self, name: str | None = None) -> Profile:
        """One of the user's profiles by short name (the default or first without one)."""
        profiles = self.profiles()
        if not profiles:
            raise ProfileError("you have no profile switched on; add one, or switch one on")
        if name is None:
            return profiles.get("default") or profiles[sorted(profiles)[0]]
        if name not in profiles:
            raise ProfileError(f"you have no profile {name!r}")
        return profiles[name]

    def _profile_path(self, name: str) -> Path:
        home = readers.profiles_home(self.engine.config.home, self._user_folder)
        return home / "profiles" / f"{name}.toml"

    def profile_data(self, name: str) -> dict[str, Any]:
        """A profile's file as a table ({} for a profile without a file)."""
        path = self._profile_path(name)
        if not path.exists():
            return {}
        try:
            with path.open("rb") as handle:
                return tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ProfileError(f"profile {name!r}: cannot read its file: {exc}") from exc

    def save_profile(self, name: str, data: dict[str, Any]) -> Profile:
        """Validate and write a profile file; raises ProfileError naming the first fault."""
        profile = profile_from_mapping(name, data)
        path = self._profile_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".toml.tmp")
        temporary.write_text(_HEADER + tomli_w.dumps(data), encoding="utf-8")
        temporary.replace(path)
        return replace(profile, name=self.key(name))

    def delete_profile(self, name: str) -> None:
        """Delete a profile's file (its stored digests and feedback stay)."""
        self._profile_path(self.profile(name).name.rpartition("/")[2]).unlink(missing_ok=True)

    # --- digests and feedback -------------------------------------------------------

    def make_digest(self, name: str | None = None) -> Digest:
        """Build and keep a digest for one of the user's profiles now."""
        return self.engine.digest(self.profile(name).name)

    def digests(self, name: str | None = None, limit: int = 30) -> list[Digest]:
        """A profile's stored digests, newest first."""
        key = self.profile(name).name
        return [digest_from_json(d.payload, d.id) for d in self.storage.digests(key, limit)]

    def digest(self, digest_id: str, name: str | None = None) -> Digest:
        """One stored digest of a profile; DigestNotFoundError when it is not the user's."""
        for digest in self.digests(name, limit=1000):
            if digest.id == digest_id:
                return digest
        raise DigestNotFoundError(f"no digest {digest_id!r} for this profile")

    def feedback(self, story_id: str, kind: str, name: str | None = None) -> None:
        """Record feedback on a story the user can see; InputError for an unknown kind."""
        if kind not in FEEDBACK_KINDS:
            raise InputError(
                f"feedback {kind!r} is not one of: {', '.join(sorted(FEEDBACK_KINDS))}"
            )
        self.engine.feedback(story_id, kind, profile=self.profile(name).name)

    def feedback_list(self, name: str | None = None) -> list[Feedback]:
        """A profile's feedback, newest first."""
        return list(reversed(self.storage.feedback(self.profile(name).name)))

    def undo_feedback(self, feedback_id: str, name: str | None = None) -> bool:
        """Take back one feedback entry; False when it was not there."""
        return self.storage.remove_feedback(self.profile(name).name, feedback_id)

    # --- stories ------------------------------------------------------------------

    def _members(self, stories: Sequence[Story]) -> dict[str, list[Article]]:
        ids = [aid for story in stories for aid in story.article_ids]
        mine = set(self.source_ids())
        found: dict[str, list[Article]] = {}
        for article in self.storage.iter_articles(ids=ids) if ids else ():
            if article.source_id in mine and article.story:
                found.setdefault(article.story, []).append(article)
        return found

    def _brief(self, story: Story, members: list[Article]) -> StoryBrief:
        ordered = sorted(members, key=lambda a: (a.copy_of is not None, _when(a)))
        outlets = tuple(dict.fromkeys(_outlet(a) for a in ordered))
        copies = sum(1 for a in members if a.copy_of)
        return StoryBrief(story, outlets, len(members), copies)

    def stories(self, *, days: int = 7, limit: int = 50, offset: int = 0) -> list[StoryBrief]:
        """Stories with articles from the user's sources, newest activity first."""
        stories = self.storage.list_stories(since=self._now() - timedelta(days=days))
        members = self._members(stories)
        briefs = [self._brief(s, members[s.id]) for s in stories if s.id in members]
        return briefs[offset : offset + limit]

    def search(self, query: str, *, limit: int = 50) -> list[StoryBrief]:
        """Stories whose articles (from the user's sources) match a full-text query."""
        mine = set(self.source_ids())
        story_ids = dict.fromkeys(
            a.story
            for a in self.storage.search(query, limit=500)
            if a.source_id in mine and a.story
        )
        stories = []
        for story_id in list(story_ids)[:limit]:
            stories.append(self.storage.get_story(story_id or ""))
        members = self._members(stories)
        return [self._brief(s, members[s.id]) for s in stories if s.id in members]

    def story(self, story_id: str) -> StoryPage:
        """A story's page; StoryNotFoundError when none of its articles is the user's."""
        story = self.storage.get_story(story_id)
        members = self._members([story]).get(story.id, [])
        if not members:
            from .exceptions import StoryNotFoundError

            raise StoryNotFoundError(f"no story {story_id!r} among your sources")
        states = self.storage.item_states(self.user.id, [a.id for a in members])
        present = {a.id for a in members}
        groups: list[CopyGroup] = []
        for lead in sorted(members, key=_when):
            if lead.copy_of in present:
                continue
            copies = tuple(a for a in members if a.copy_of == lead.id)
            read, starred = states.get(lead.id, (False, False))
            groups.append(CopyGroup(lead, copies, read, starred))
        return StoryPage(story, tuple(groups), tuple(sorted(members, key=_when)))

    # --- read and starred state -------------------------------------------------------

    def mark(
        self, article_ids: Sequence[str], *, read: bool | None = None, starred: bool | None = None
    ) -> int:
        """Mark articles and every copy of them; returns how many articles changed state."""
        groups = self.storage.copy_groups(article_ids)
        every = list(dict.fromkeys(aid for members in groups.values() for aid in members))
        self.storage.set_item_state(
            self.user.id, every, now=self._now(), read=read, starred=starred
        )
        return len(every)

    def items(self, query: ItemQuery) -> list[ItemRef]:
        """Folded items of the user's sources (the query's user is forced to this one)."""
        return self.storage.items(replace(query, user_id=self.user.id))

    def starred(self, limit: int = 100) -> list[Article]:
        """The user's starred items, newest first."""
        refs = self.items(ItemQuery(self.user.id, self.source_ids(), starred=True, limit=limit))
        by_id = {a.id: a for a in self.storage.iter_articles(ids=[r.article_id for r in refs])}
        return [by_id[r.article_id] for r in refs if r.article_id in by_id]
