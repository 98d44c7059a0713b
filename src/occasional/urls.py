"""Checking URLs that users and feeds hand us, and cleaning the ones we show."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from .exceptions import InvalidURLError
from .stories.urls import is_tracking_param

__all__ = ["check_url", "output_url", "strip_tracking"]

_SHOWN_SCHEMES = frozenset({"http", "https", "mailto"})
# RFC 3986 reserved and unreserved characters, and "%" so existing escapes stay.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


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


def strip_tracking(url: str) -> str:
    """``url`` without its tracking parameters (``utm_*``, ``fbclid``, ``gclid``, …).

    Only http(s) queries are touched; the other parameters keep their order
    and spelling, and a URL without tracking parameters comes back unchanged.
    The list is the one canonical URLs use (:func:`occasional.stories.canonicalize_url`).
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.query:
        return url
    pairs = parts.query.split("&")
    kept = [pair for pair in pairs if not is_tracking_param(pair.split("=", 1)[0])]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query="&".join(kept)))


def output_url(url: str | None) -> str | None:
    """``url`` as readers get it in any digest format, or None when it is not safe to show.

    Only http, https and mailto pass; spaces and control characters reject the
    URL; tracking parameters go; quotes, angle brackets and non-ASCII are
    percent-encoded, so the URL cannot close the markup around it in any of
    our formats. The URL stored with an article is never changed.
    """
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in _SHOWN_SCHEMES:
        return None
    return quote(strip_tracking(url), safe=_URL_SAFE)
