"""The Engine's digest side: profiles, digests, delivery and feedback.

:class:`DigestMethods` is mixed into :class:`occasional.core.Engine`; the
work itself is in :mod:`occasional.digestjob` (build, keep, read back) and
:mod:`occasional.sending` (deliver, retry, give up).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from . import digestjob, readers, sending
from .config import Config
from .digest import Feedback as DigestFeedback
from .digest import Profile, quiet_digest_wanted
from .exceptions import DigestNotFoundError, ProfileError, SourceNotFoundError
from .storage.base import Storage, new_digest_id
from .types import Digest

__all__ = ["DigestMethods"]

Clock = Callable[[], datetime]


def _is_quiet(payload: Any) -> bool:
    """Whether a stored digest payload showed no story."""
    return isinstance(payload, dict) and not payload.get("stories")


class DigestMethods:
    """The Engine's profile, digest, delivery and feedback methods."""

    config: Config
    storage: Storage
    clock: Clock

    def profiles(self, user: str | None = None) -> dict[str, Profile]:
        """A reader's usable profiles: the home's (``<home>/profiles/*.toml``, the owner's)
        or a user's, ``default`` among them unless switched off. Each profile's ``name`` is
        the key its digests and feedback are stored under (``user/profile`` for a user
        other than the owner). An invalid file is left out; :meth:`profile_problems` says
        why."""
        return readers.read_reader_profiles(self.config.home, user).profiles

    def profile_problems(self, user: str | None = None) -> dict[str, str]:
        """Profile files set aside because they are invalid: key → one line saying why."""
        return readers.read_reader_profiles(self.config.home, user).problems

    def reader_profiles(self) -> dict[str, Profile]:
        """Every reader's profiles by storage key: the home's, then each user's."""
        found = dict(self.profiles())
        for user in self._other_users():
            found.update(self.profiles(user))
        return found

    def reader_profile_problems(self) -> dict[str, str]:
        """Every reader's profile files set aside, by storage key, with why."""
        found = dict(self.profile_problems())
        for user in self._other_users():
            found.update(self.profile_problems(user))
        return found

    def _other_users(self) -> list[str]:
        return [user.name for user in self.storage.list_users() if not user.owner]

    def profile(self, name: str | None = None) -> Profile:
        """One profile by name or ``user/name`` key; without a name ``default``, or the
        only one there is.

        Raises ProfileError for an unknown or invalid profile, saying what to do.
        """
        user, short = readers.split_key(name)
        found = readers.read_reader_profiles(self.config.home, user)
        profiles = found.profiles
        if short is None:
            default = readers.key_for(user, "default")
            key = default if default in profiles or len(profiles) != 1 else next(iter(profiles))
        else:
            key = readers.key_for(user, short)
        if key in found.problems:
            raise ProfileError(found.problems[key])
        if key not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            folder = readers.profiles_home(self.config.home, user) / "profiles"
            short_name = readers.split_key(key)[1] or "default"
            raise ProfileError(
                f"no profile {key!r} (known: {known}); name one with --profile, "
                f"or write {folder / (short_name + '.toml')}"
            )
        return profiles[key]

    def _build(self, chosen: Profile) -> Digest:
        """Build (not keep) ``chosen``'s digest now, from the reader's subscriptions."""
        sources = readers.reader_sources(self.storage, chosen.name)
        return digestjob.build_for(self.storage, self.config, chosen, self.clock(), sources)

    def digest(
        self, profile: str | None = None, *, keep: bool = True, for_delivery: bool = False
    ) -> Digest:
        """Build a profile's digest now; with ``keep`` it is stored and remembered.

        Without ``keep`` it is a preview: it has no id and uses nothing up. With
        ``for_delivery`` it stays pending until it is sent (see :meth:`send_digest`).
        """
        if keep:
            return self.keep_digest(self.draft_digest(profile), for_delivery=for_delivery)
        return self._build(self.profile(profile))

    def draft_digest(self, profile: str | None = None) -> Digest:
        """Build a profile's digest now, with the id it will be kept under, but do not keep it.

        Write it out first, then :meth:`keep_digest` it: a digest that could
        not be written then uses none of its stories up.
        """
        return replace(self._build(self.profile(profile)), id=new_digest_id())

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
                self.storage, self.config, self.reader_profiles(), self.clock(), due_only=due_only
            )
        )

    def feedback(
        self, story_id: str, kind: str, *, profile: str | None = None, link: str | None = None
    ) -> bool:
        """Record a reader's feedback on a story (like, dislike, more, less, opened, mute-source).

        ``link`` names the signed link it came through: a second click of one link
        records nothing. Returns whether it was recorded. Raises StoryNotFoundError for
        an unknown story, InputError for an unknown kind.
        """
        name = self.profile(profile).name
        self.storage.get_story(story_id)
        DigestFeedback(story_id=story_id, kind=kind, time=self.clock())  # validates the kind
        return self.storage.add_feedback(name, story_id, kind, self.clock(), link=link)

    def story_outlet(self, story_id: str) -> str:
        """The outlet that "mute-source" on a story mutes: the one that reported it first.

        Raises StoryNotFoundError.
        """
        story = self.storage.get_story(story_id)
        first = story.first_source
        if not first and story.article_ids:
            first = self.storage.get_article(story.article_ids[0]).source_id
        try:
            source = self.storage.get_source(first or "")
        except SourceNotFoundError:
            return first or "its first source"
        return source.settings.title or source.title or source.url
