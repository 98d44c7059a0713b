"""Signed feedback links: made by renderers, checked by the server."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from occasional.exceptions import ConfigError, InputError
from occasional.render import FEEDBACK_ACTIONS, FeedbackSigner
from test_render_fixtures import NOW

SECRET = b"feedback-test-secret-0123456789"
SIGNER = FeedbackSigner(SECRET, "https://news.example.org/", ttl=timedelta(days=7))


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.mark.parametrize("action", FEEDBACK_ACTIONS)
def test_a_signed_link_verifies_to_its_fields(action: str) -> None:
    url = SIGNER.url("st-1", action, "alice", now=NOW)
    assert url.startswith("https://news.example.org/feedback?")
    verified = SIGNER.verify(query_of(url), NOW + timedelta(days=1))
    assert (verified.profile, verified.story_id, verified.action) == ("alice", "st-1", action)
    assert verified.expires == NOW + timedelta(days=7)


@pytest.mark.parametrize(
    ("field", "value"),
    [("story", "st-2"), ("action", "dislike"), ("profile", "bob"), ("expires", "99999999999")],
)
def test_an_edited_link_is_refused(field: str, value: str) -> None:
    query = query_of(SIGNER.url("st-1", "like", "alice", now=NOW))
    query[field] = value
    with pytest.raises(InputError, match="signature"):
        SIGNER.verify(query, NOW)


def test_an_expired_link_is_refused() -> None:
    query = query_of(SIGNER.url("st-1", "like", "alice", now=NOW))
    SIGNER.verify(query, NOW + timedelta(days=6))
    with pytest.raises(InputError, match="expired"):
        SIGNER.verify(query, NOW + timedelta(days=7, seconds=1))


def test_another_secret_does_not_verify() -> None:
    other = FeedbackSigner(b"another-secret-0123456789abcdef", "https://news.example.org")
    with pytest.raises(InputError):
        other.verify(query_of(SIGNER.url("st-1", "like", "alice", now=NOW)), NOW)


def test_missing_fields_are_named() -> None:
    query = query_of(SIGNER.url("st-1", "like", "alice", now=NOW))
    del query["sig"], query["story"]
    with pytest.raises(InputError, match="story, sig"):
        SIGNER.verify(query, NOW)
    assert issubclass(InputError, ValueError)


def test_odd_field_values_round_trip() -> None:
    url = SIGNER.url('st/1&x=<"y">', "less", "a b\u00e9", now=NOW)
    verified = SIGNER.verify(query_of(url), NOW)
    assert verified.story_id == 'st/1&x=<"y">' and verified.profile == "a b\u00e9"


def test_unknown_action_and_weak_settings_are_refused() -> None:
    with pytest.raises(InputError, match="not one of"):
        SIGNER.url("st-1", "explode", "alice", now=NOW)
    with pytest.raises(ConfigError):
        FeedbackSigner(b"short", "https://news.example.org")
    with pytest.raises(ConfigError):
        FeedbackSigner(SECRET, "javascript:alert(1)")


def test_linker_binds_profile_and_time() -> None:
    link = SIGNER.linker("alice", now=NOW)
    assert link("st-9", "mute-source") == SIGNER.url("st-9", "mute-source", "alice", now=NOW)
