"""Checking URLs that users and feeds hand us, and cleaning the ones we show."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from .exceptions import InvalidURLError
from .stories.urls import is_tracking_param

__all__ = ["MAX_URL_CHARS", "check_url", "output_url", "page_url", "strip_tracking"]

MAX_URL_CHARS = 2048
"""The longest URL occasional stores or fetches (the sitemaps.org limit, and what
browsers and servers reliably handle); a longer one is a mistake or an attack."""

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
