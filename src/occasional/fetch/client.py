"""The HTTP client every network read in occasional goes through.

:class:`Fetcher` wraps one ``aiohttp.ClientSession`` and adds what a polite,
safe feed reader needs; the pipeline, feed discovery and article extraction
call :meth:`Fetcher.get`. One request, drawn as a pipeline::

    get(url)
      | check scheme and host                      -> InvalidURLError
      | robots.txt allows it? (check_robots=True)  -> RobotsDisallowedError
      | for each hop (at most fetch.max_redirects redirects):
      |     wait for a slot on the hop's host, then for a global slot
      |     guard the address (IP literal here, names in the resolver)
      |                                            -> BlockedAddressError
      |     GET, conditional headers, honest User-Agent
      |     3xx: next hop; 304: not modified; other non-2xx -> HTTPStatusError
      |     2xx: read the body, decompressed, capped -> ResponseTooLargeError
      | detect the charset
      -> FetchResponse

aiohttp's exceptions never escape: :func:`~occasional.fetch.errors.translate`
turns them into :class:`~occasional.exceptions.FetchError` subclasses
(timeouts into :class:`~occasional.exceptions.FetchTimeoutError`).

This is the hot path of every poll, so the URL is parsed once (a ``yarl.URL``
travels through the hops and into aiohttp), slots are plain counters rather
than context managers, and response headers are handed on without a copy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from ..config import FetchSettings
from ..exceptions import (
    FetchError,
    InvalidURLError,
    OccasionalError,
    ResponseTooLargeError,
    RobotsDisallowedError,
)
from ..types import FetchResponse
from .charset import detect_encoding
from .errors import status_error, translate
from .guard import AddressGuard, GuardedResolver
from .headers import parse_retry_after
from .politeness import Gate, HostLimits, HostSlots
from .robots import RobotsCache

__all__ = ["Fetcher", "parse_url"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})


def parse_url(url: str) -> URL:
    """``url`` as an absolute http(s) URL; raises InvalidURLError otherwise."""
    try:
        parsed = URL(url.strip())
    except (TypeError, ValueError) as exc:
        raise InvalidURLError(f"{url!r} is not a valid URL: {exc}") from exc
    if parsed.scheme not in {"http", "https"}:
        raise InvalidURLError(f"{url!r} is not an http(s) URL; only http and https are fetched")
    if not parsed.host:
        raise InvalidURLError(f"{url!r} has no host name")
    return parsed.with_fragment(None)


@dataclass(frozen=True, slots=True)
class _Hop:
    """One answered request of a redirect chain."""

    url: URL
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes = b""
    location: URL | None = None


@dataclass(slots=True)
class _Chain:
    """Where a redirect chain has got to."""

    url: URL
    hops: int = 0
    permanent: URL | None = None
    only_permanent: bool = True

    def follow(self, status: int, target: URL) -> None:
        """Move to ``target``; a leading run of 301/308 is what callers may store."""
        self.only_permanent = self.only_permanent and status in _PERMANENT
        if self.only_permanent:
            self.permanent = target
        self.url = target
        self.hops += 1


class Fetcher:
    """Async HTTP client: limits, address guard, redirects, caps, robots.txt.

    Use as ``async with Fetcher(settings) as fetcher: await fetcher.get(url)``.
    ``robots`` is shared if given (e.g. across runs); otherwise each Fetcher
    keeps its own :class:`~occasional.fetch.robots.RobotsCache`. ``hosts``
    replaces the per-host limits of this process with others that behave the
    same (the task queue's workers share theirs through Redis).
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        robots: RobotsCache | None = None,
        hosts: HostSlots | None = None,
    ) -> None:
        self.settings = settings
        self.guard = AddressGuard(settings.allow_networks)
        self.robots = robots if robots is not None else RobotsCache()
        self._hosts: HostSlots = hosts if hosts is not None else HostLimits(settings.per_host)
        self._global = Gate(settings.concurrency)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        # The connector's limits repeat ours as a backstop; ours bind first, so a
        # queued request waits outside aiohttp, before its timeout starts.
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(self.guard),
            limit=self.settings.concurrency,
            limit_per_host=self.settings.per_host,
        )
        timeout = aiohttp.ClientTimeout(
            total=self.settings.read_timeout, sock_connect=self.settings.connect_timeout
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            headers={"User-Agent": self.settings.user_agent},
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = False,
        accept: str | None = None,
    ) -> FetchResponse:
        """GET ``url``, following redirects; see the module docstring for the steps.

        ``etag``/``last_modified`` make the request conditional (a 304 gives
        ``not_modified=True``). ``check_robots`` consults robots.txt (when
        ``fetch.respect_robots`` is on) and honours its Crawl-delay. Raises
        InvalidURLError, RobotsDisallowedError, BlockedAddressError,
        HTTPStatusError, ResponseTooLargeError, FetchTimeoutError, FetchError.
        """
        target = parse_url(url)
        if self._session is None:
            raise RuntimeError("use the Fetcher as 'async with Fetcher(settings) as fetcher'")
        if check_robots and self.settings.respect_robots:
            await self._obey_robots(target)
        headers = _request_headers(etag, last_modified, accept)
        started = time.monotonic()
        # The hops run in this frame rather than a helper coroutine: thousands of
        # requests wait at once, and every extra frame each holds is more for the
        # garbage collector to walk.
        chain = _Chain(target)
        while (hop := await self._hop(chain.url, headers)).location is not None:
            self._count_redirect(chain, target)
            chain.follow(hop.status, hop.location)
        return _response(chain, hop, time.monotonic() - started, (etag, last_modified))

    async def _obey_robots(self, url: URL) -> None:
        text = str(url)
        if not await self.robots.allowed(self, text):
            message = f"robots.txt of {url.host} forbids {text} to our User-Agent; it is skipped"
            note = self.robots.note(text)
            raise RobotsDisallowedError(note or message, text, temporary=note is not None)
        await self._hosts.wait_turn(url.host or "", self.robots.crawl_delay(text))

    def _count_redirect(self, chain: _Chain, first: URL) -> None:
        if chain.hops >= self.settings.max_redirects:
            message = (
                f"{first} redirected more than {self.settings.max_redirects} times "
                "(a loop?); raise fetch.max_redirects if the chain is genuine"
            )
            raise FetchError(message, str(first))

    async def _hop(self, url: URL, headers: dict[str, str]) -> _Hop:
        host = url.host or ""
        self.guard.check_host(host, str(url))
        # Host first, then global: a request queued behind a busy host must not
        # sit on a global slot that requests to idle hosts could use.
        # Most requests find both slots free: take them without a coroutine call.
        if not self._hosts.try_acquire(host):
            await self._hosts.acquire(host)
        try:
            if not self._global.try_acquire():
                await self._global.acquire()
            try:
                async with self._open().get(url, headers=headers, allow_redirects=False) as resp:
                    return await self._answer(url, resp)
            except OccasionalError:  # ours already (some mix in TimeoutError)
                raise
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise translate(exc, str(url)) from exc
            finally:
                self._global.release()
        finally:
            self._hosts.release(host)

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the Fetcher is closed")
        return self._session

    async def _answer(self, url: URL, resp: aiohttp.ClientResponse) -> _Hop:
        # resp.headers is already a read-only view that outlives the connection.
        headers = resp.headers
        status = resp.status
        if status in _REDIRECTS and headers.get("Location"):
            return _Hop(url, status, headers, location=_redirect_target(url, headers["Location"]))
        if status == 304 or 200 <= status < 300:
            body = b"" if status == 304 else await _read_capped(resp, self.settings.max_bytes, url)
            return _Hop(url, status, headers, body)
        retry_after = parse_retry_after(headers.get("Retry-After"), datetime.now(UTC))
        raise status_error(str(url), status, retry_after)


def _request_headers(
    etag: str | None, last_modified: str | None, accept: str | None
) -> dict[str, str]:
    headers = {"Accept": accept or "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _redirect_target(url: URL, location: str) -> URL:
    try:
        joined = url.join(URL(location))
    except ValueError as exc:
        raise InvalidURLError(f"{url} redirected to an invalid URL {location!r}") from exc
    if joined.scheme not in {"http", "https"}:
        raise InvalidURLError(f"{url} redirected to {location!r}, which is not http(s)")
    return joined.with_fragment(None)


async def _read_capped(resp: aiohttp.ClientResponse, limit: int, url: URL) -> bytes:
    """The decompressed body, refusing to hold more than ``limit`` bytes of it."""
    declared = resp.content_length
    if declared is not None and declared > limit and not resp.headers.get("Content-Encoding"):
        raise _too_large(url, limit)
    chunks: list[bytes] = []
    size = 0
    # readany() hands over whatever is buffered (b"" at the end): fewer, larger
    # chunks than a fixed-size iterator, and the cap is still checked on each.
    while chunk := await resp.content.readany():
        size += len(chunk)
        if size > limit:
            raise _too_large(url, limit)
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large(url: URL, limit: int) -> ResponseTooLargeError:
    message = (
        f"{url} sent more than {limit:,} bytes (decompressed); raise fetch.max_bytes to allow it"
    )
    return ResponseTooLargeError(message, str(url))


def _response(
    chain: _Chain, hop: _Hop, elapsed: float, sent: tuple[str | None, str | None]
) -> FetchResponse:
    not_modified = hop.status == 304
    content_type = hop.headers.get("Content-Type", "")
    return FetchResponse(
        url=str(hop.url),
        status=hop.status,
        headers=hop.headers,
        body=hop.body,
        elapsed=elapsed,
        etag=hop.headers.get("ETag") or (sent[0] if not_modified else None),
        last_modified=hop.headers.get("Last-Modified") or (sent[1] if not_modified else None),
        not_modified=not_modified,
        permanent_redirect=None if chain.permanent is None else str(chain.permanent),
        encoding=None if not_modified else detect_encoding(hop.body, content_type),
    )
