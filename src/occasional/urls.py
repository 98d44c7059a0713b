"""Checking URLs that users and feeds hand us."""

from __future__ import annotations

from urllib.parse import urlsplit

from .exceptions import InvalidURLError

__all__ = ["MAX_URL_CHARS", "check_url", "page_url"]

MAX_URL_CHARS = 2048
"""The longest URL occasional stores or fetches (the sitemaps.org limit, and what
browsers and servers reliably handle); a longer one is a mistake or an attack."""


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
    if len(candidate) > MAX_URL_CHARS:
        raise InvalidURLError(
            f"{candidate[:60]!r}… is {len(candidate):,} characters long; "
            f"URLs longer than {MAX_URL_CHARS:,} are refused"
        )
    return candidate


def page_url(value: str | None) -> str | None:
    """``value`` when a page can be fetched from it (an absolute http(s) URL of at
    most :data:`MAX_URL_CHARS`), else ``None``: ``mailto:``, ``javascript:``,
    ``data:``, a bare id. Cheap, for every feed entry; never raises."""
    if not value or len(value) > MAX_URL_CHARS:
        return None
    head = value[:8].lower()
    if head.startswith("https://"):
        host = value[8:9]
    elif head.startswith("http://"):
        host = value[7:8]
    else:
        return None
    return value if host and host not in "/?#" else None
