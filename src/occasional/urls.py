"""Checking URLs that users and feeds hand us."""

from __future__ import annotations

from urllib.parse import urlsplit

from .exceptions import InvalidURLError

__all__ = ["check_url"]


def check_url(url: str) -> str:
    """Return ``url`` stripped if it is an absolute http(s) URL with a host.

    A bare host ("example.com/news") gets ``https://``. Raises
    :class:`~occasional.exceptions.InvalidURLError` saying what is wrong.
    """
    candidate = url.strip()
    if not candidate:
        raise InvalidURLError("empty URL")
    if "://" not in candidate and not candidate.startswith(
        ("mailto:", "javascript:", "data:", "file:")
    ):
        candidate = "https://" + candidate
    try:
        parts = urlsplit(candidate)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidURLError(f"{url!r} is not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise InvalidURLError(
            f"{url!r}: only http and https URLs can be fetched, not {parts.scheme}:"
        )
    if not parts.hostname or any(ch.isspace() for ch in candidate):
        raise InvalidURLError(f"{url!r} is not a valid URL: it has no host or contains spaces")
    return candidate
