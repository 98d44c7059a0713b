"""Translating aiohttp's exceptions into occasional's, at the Fetcher's edge.

The Fetcher calls :func:`translate` in its one ``except`` around aiohttp and
raises what it returns ``from`` the original, so no aiohttp exception reaches
a caller. :func:`status_error` builds the error for a failing status.
Messages say what failed, for which URL, and what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

import aiohttp
from yarl import URL

from ..exceptions import (
    BlockedAddressError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    OccasionalError,
)
from .guard import ResolutionBlockedError

__all__ = ["status_error", "translate"]

Translator = Callable[[BaseException, str], OccasionalError]


def _host(url: str) -> str:
    return URL(url).host or url


def _dns(exc: BaseException, url: str) -> OccasionalError:
    cause = getattr(exc, "os_error", None)
    if isinstance(cause, ResolutionBlockedError):
        return BlockedAddressError(str(cause), url)
    return FetchError(f"cannot resolve {_host(url)} (DNS lookup failed); check the address", url)


def _certificate(exc: BaseException, url: str) -> OccasionalError:
    detail = getattr(exc, "certificate_error", exc)
    return FetchError(f"the TLS certificate of {_host(url)} is not valid: {detail}", url)


def _tls(exc: BaseException, url: str) -> OccasionalError:
    return FetchError(f"the TLS handshake with {_host(url)} failed: {exc}", url)


def _connect(exc: BaseException, url: str) -> OccasionalError:
    reason = getattr(getattr(exc, "os_error", None), "strerror", None) or str(exc)
    return FetchError(f"cannot connect to {_host(url)}: {reason}", url)


def _timeout(exc: BaseException, url: str) -> OccasionalError:
    return FetchTimeoutError(f"{url} did not answer in time; the server may be slow or down", url)


def _payload(exc: BaseException, url: str) -> OccasionalError:
    return FetchError(f"the response from {url} was cut short or badly encoded: {exc}", url)


def _invalid(exc: BaseException, url: str) -> OccasionalError:
    return InvalidURLError(f"{url!r} is not a URL we can fetch: {exc}")


def _disconnected(exc: BaseException, url: str) -> OccasionalError:
    return FetchError(f"{_host(url)} closed the connection before answering", url)


def _other(exc: BaseException, url: str) -> OccasionalError:
    return FetchError(f"fetching {url} failed: {exc or type(exc).__name__}", url)


# Most specific first: the first class that matches picks the translator.
_TABLE: tuple[tuple[type[BaseException], Translator], ...] = (
    (TimeoutError, _timeout),
    (aiohttp.ClientConnectorDNSError, _dns),
    (aiohttp.ClientConnectorCertificateError, _certificate),
    (aiohttp.ClientSSLError, _tls),
    (aiohttp.ClientConnectorError, _connect),
    (aiohttp.ServerDisconnectedError, _disconnected),
    (aiohttp.ClientPayloadError, _payload),
    (aiohttp.InvalidURL, _invalid),
    (aiohttp.NonHttpUrlClientError, _invalid),
    (aiohttp.ClientError, _other),
)


def translate(exc: BaseException, url: str) -> OccasionalError:
    """The occasional exception for an aiohttp (or timeout) exception raised for ``url``."""
    for kind, make in _TABLE:
        if isinstance(exc, kind):
            return make(exc, url)
    return _other(exc, url)


_HINTS: dict[int, str] = {
    401: "the server wants credentials",
    403: "the server refuses us; it may block automated readers",
    404: "check the address",
    410: "the publisher removed it for good",
    429: "the server asks us to slow down",
    503: "the server is overloaded or down for maintenance",
}


def status_error(url: str, status: int, retry_after: float | None) -> HTTPStatusError:
    """The HTTPStatusError for a failing ``status`` (``retry_after`` in seconds)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "unknown status"
    hint = _HINTS.get(status, "try again later" if status >= 500 else "check the address")
    if retry_after is not None:
        hint += f"; retry after {retry_after:.0f} s"
    message = f"{url} answered HTTP {status} {phrase}; {hint}"
    return HTTPStatusError(message, url, status=status, retry_after=retry_after)
