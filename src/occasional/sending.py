"""Delivering kept digests: each target once, retries with backoff, a bound on refusals.

The shell around the delivery registry, drawn as pseudocode::

    stored=$(storage get_digest $id)
    for target in $profile.deliver; do
        [ $(target_key $target) in $stored.delivered ] && continue   # took it before a crash
        deliver $(compose $digest) $target && storage note_delivered $id $(target_key $target)
    done
    if every target took it; then storage mark_digest_sent $id
    else storage note_delivery_failure $id [--give-up]   # refused for good GIVE_UP_AFTER times

A kept digest not yet delivered is *pending*. ``occasional digest --send`` and
``occasional serve`` send the pending one again instead of building a new one,
so failed sends never pile up; :func:`retry_unsent` sends every pending digest
whose backoff has passed. An e-mail's Message-ID is made from the digest id,
so a resend after a crash can be recognised as the same mail.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timedelta

from .config import Config
from .deliver import compose, deliver
from .digest import Profile
from .digestjob import digest_from_json, render_options
from .exceptions import DeliveryError
from .storage.base import Storage, StoredDigest
from .text import plural
from .types import Digest

__all__ = [
    "GIVE_UP_AFTER",
    "pending_digests",
    "require_targets",
    "retry_due",
    "retry_unsent",
    "send",
    "target_key",
]

#: Attempts after which a digest that targets refuse for good (5xx, unwritable) is given up.
GIVE_UP_AFTER = 3
_RETRY_FIRST = timedelta(minutes=1)
_RETRY_MOST = timedelta(hours=6)


def target_key(target: str) -> str:
    """A short key naming one delivery target in storage (the URL may hold a password)."""
    return hashlib.sha256(target.encode("utf-8")).hexdigest()[:16]


def retry_due(stored: StoredDigest, now: datetime) -> bool:
    """Whether a pending digest's backoff has passed: 1 minute, doubling, at most 6 hours."""
    if stored.last_attempt is None:
        return True
    wait = min(_RETRY_FIRST * (1 << min(max(stored.attempts - 1, 0), 20)), _RETRY_MOST)
    return now >= stored.last_attempt + wait


def pending_digests(storage: Storage, profile: str) -> list[StoredDigest]:
    """A profile's kept digests that still wait for delivery, oldest first."""
    return [d for d in reversed(storage.digests(profile, limit=50)) if d.pending]


def require_targets(profile: Profile) -> None:
    """Raise DeliveryError, saying what to add, when ``profile`` has nowhere to deliver to."""
    if not profile.deliver:
        raise DeliveryError(
            f'profile {profile.name!r} has no delivery targets; add deliver = ["smtp://…"] '
            f'or ["file:///…"] to profiles/{profile.name}.toml',
            permanent=True,
        )


async def send(
    storage: Storage, config: Config, digest: Digest, profile: Profile, now: datetime
) -> None:
    """Deliver ``digest`` to each target of ``profile`` that has not taken it yet.

    A kept digest (one with an id) is marked sent when every target took it.
    Otherwise the attempt is counted and DeliveryError raised naming every
    target that failed: the digest stays pending, or is given up when the
    targets refused it for good :data:`GIVE_UP_AFTER` times.
    """
    require_targets(profile)
    stored = storage.get_digest(digest.id) if digest.id else None
    done = set(stored.delivered) if stored else set()
    outgoing = compose(digest, formats=(*profile.formats, "text"), options=render_options(config))
    failures: list[DeliveryError] = []
    for target in profile.deliver:
        if target_key(target) in done:
            continue
        try:
            await deliver(outgoing, target)
        except DeliveryError as exc:
            failures.append(exc)
            continue
        if digest.id:
            storage.note_delivered(digest.id, target_key(target), now)
    if not failures:
        if digest.id:
            storage.mark_digest_sent(digest.id, now)
        return
    reasons = "; ".join(str(failure) for failure in failures)
    if stored is None:
        raise DeliveryError(f"digest not sent: {reasons}")
    give_up = all(f.permanent for f in failures) and stored.attempts + 1 >= GIVE_UP_AFTER
    after = storage.note_delivery_failure(stored.id, reasons, now, give_up=give_up)
    tries = plural(after.attempts, "attempt")
    if give_up:
        raise DeliveryError(
            f"gave up on digest {stored.id} after {tries}, refused for good: {reasons}; "
            f"fix profiles/{profile.name}.toml and send it with "
            f"`occasional digest --id {stored.id} --send`",
            permanent=True,
        )
    raise DeliveryError(
        f"digest {stored.id} was kept and will be sent again ({tries} so far): {reasons}"
    )


async def retry_unsent(
    storage: Storage,
    config: Config,
    profiles: Mapping[str, Profile],
    now: datetime,
    *,
    due_only: bool = False,
) -> list[str]:
    """Send every pending digest again (with ``due_only``, those whose backoff has passed).

    Returns what still failed, one line each.
    """
    problems = []
    for profile in profiles.values():
        if not profile.deliver:
            continue
        for stored in pending_digests(storage, profile.name):
            if due_only and not retry_due(stored, now):
                continue
            try:
                digest = digest_from_json(stored.payload, stored.id)
                await send(storage, config, digest, profile, now)
            except DeliveryError as exc:
                problems.append(str(exc))
    return problems
