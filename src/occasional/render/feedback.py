"""Signed feedback links: a reader clicks "like" in an e-mail, the server believes it.

Renderers put :meth:`FeedbackSigner.url` links on every card (through
:meth:`FeedbackSigner.linker`); ``occasional serve`` calls
:meth:`FeedbackSigner.verify` on the query string it receives. The signature
is HMAC-SHA256 over the profile, story, action and expiry, so a link cannot
be edited into another story, another reader or a later date.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from ..digest import FEEDBACK_KINDS
from ..exceptions import ConfigError, InputError
from .base import FeedbackLinker

__all__ = ["FEEDBACK_ACTIONS", "FEEDBACK_LINK_FIELDS", "FeedbackAction", "FeedbackSigner"]

#: The reactions a card offers, in the order they are shown.
FEEDBACK_ACTIONS = ("like", "dislike", "less", "mute-source")

_MIN_SECRET = 16
#: The query fields of a signed link (a confirmation form posts them back).
FEEDBACK_LINK_FIELDS = ("profile", "story", "action", "expires", "sig")
_FIELDS = FEEDBACK_LINK_FIELDS


@dataclass(frozen=True, slots=True)
class FeedbackAction:
    """A verified click: which reader, which story, which reaction."""

    profile: str
    story_id: str
    action: str
    expires: datetime


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class FeedbackSigner:
    """Makes and checks signed feedback URLs.

    ``secret`` must be at least 16 bytes (raises
    :class:`~occasional.exceptions.ConfigError` otherwise); ``base_url`` is
    where ``occasional serve`` listens, e.g. ``https://news.example.org``;
    links live ``ttl`` long (30 days by default).
    """

    def __init__(
        self, secret: bytes, base_url: str, *, ttl: timedelta = timedelta(days=30)
    ) -> None:
        if len(secret) < _MIN_SECRET:
            raise ConfigError(f"the feedback secret must be at least {_MIN_SECRET} bytes long")
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise ConfigError(f"the feedback base URL {base_url!r} must be http(s)")
        self._secret = secret
        self._endpoint = base_url.rstrip("/") + "/feedback"
        self._ttl = ttl

    def _sign(self, profile: str, story_id: str, action: str, expires: str) -> str:
        # JSON keeps the fields apart whatever characters they hold.
        payload = json.dumps(["v1", profile, story_id, action, expires]).encode("utf-8")
        return _b64(hmac.new(self._secret, payload, hashlib.sha256).digest())

    def url(self, story_id: str, action: str, profile: str, *, now: datetime | None = None) -> str:
        """A signed link for one reaction; raises InputError for an unknown action."""
        _check_action(action)
        moment = now or datetime.now(UTC)
        expires = str(int((moment + self._ttl).timestamp()))
        query = {"profile": profile, "story": story_id, "action": action, "expires": expires}
        query["sig"] = self._sign(profile, story_id, action, expires)
        return f"{self._endpoint}?{urlencode(query)}"

    def linker(self, profile: str, *, now: datetime | None = None) -> FeedbackLinker:
        """A ``(story_id, action) -> url`` callable for :class:`RenderOptions.feedback`."""

        def link(story_id: str, action: str) -> str:
            return self.url(story_id, action, profile, now=now)

        return link

    def verify(self, query: Mapping[str, str], now: datetime) -> FeedbackAction:
        """Check a clicked link's query; raises InputError if forged, edited or expired."""
        missing = [name for name in _FIELDS if not query.get(name)]
        if missing:
            raise InputError(f"feedback link lacks {', '.join(missing)}")
        profile, story, action = query["profile"], query["story"], query["action"]
        expected = self._sign(profile, story, action, query["expires"])
        if not hmac.compare_digest(expected.encode(), query["sig"].encode()):
            raise InputError("feedback link signature does not match; the link was altered")
        expires = _expiry(query["expires"])
        if now >= expires:
            raise InputError("feedback link has expired; use the link in a newer digest")
        _check_action(action)
        return FeedbackAction(profile=profile, story_id=story, action=action, expires=expires)


def _check_action(action: str) -> None:
    if action not in FEEDBACK_KINDS:
        allowed = ", ".join(sorted(FEEDBACK_KINDS))
        raise InputError(f"feedback action {action!r} is not one of: {allowed}")


def _expiry(value: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise InputError(f"feedback link expiry {value!r} is not a time") from exc
