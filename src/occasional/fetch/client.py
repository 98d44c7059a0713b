"""The HTTP client every network read in occasional goes through.

:class:`Fetcher` wraps one ``aiohttp.ClientSession`` and adds what a polite,
safe feed reader needs; the pipeline, feed discovery and article extraction
call :meth:`Fetcher.get`. One request, drawn as a pipeline::

    get(url)
      | check scheme and host                      -> InvalidURLError
      | robots.txt allows it? (check_robots=True)  -> RobotsDisallowedError
      | wait for a global slot
      | for each hop (at most fetch.max_redirects redirects):
      |     wait for a slot on the hop's host
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
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
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
from .politeness import HostLimits
from .robots import RobotsCache

__all__ = ["Fetcher", "parse_url"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024


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

    url: str
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes = b""
    location: str | None = None


@dataclass(slots=True)
class _Chain:
    """Where a redirect chain has got to."""

    url: str
    hops: int = 0
    permanent: str | None = None
    only_permanent: bool = True

    def follow(self, status: int, target: str) -> None:
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
    keeps its own :class:`~occasional.fetch.robots.RobotsCache`.
    """

    def __init__(self, settings: FetchSettings, *, robots: RobotsCache | None = None) -> None:
        self.settings = settings
        self.guard = AddressGuard(settings.allow_networks)
        self.robots = robots if robots is not None else RobotsCache()
        self._hosts = HostLimits(settings.per_host)
        self._session: aiohttp.ClientSession | None = None
        self._global: asyncio.Semaphore | None = None

    async def __aenter__(self) -> Self:
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
        self._global = asyncio.Semaphore(self.settings.concurrency)
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
        target = str(parse_url(url))
        if check_robots and self.settings.respect_robots:
            await self._obey_robots(target)
        headers = _request_headers(etag, last_modified, accept)
        if self._global is None:
            raise RuntimeError("use the Fetcher as 'async with Fetcher(settings) as fetcher'")
        started = time.monotonic()
        async with self._global:
            chain, hop = await self._follow(target, headers)
        return _response(chain, hop, time.monotonic() - started, (etag, last_modified))

    async def _obey_robots(self, url: str) -> None:
        if not await self.robots.allowed(self, url):
            host = URL(url).host
            message = f"robots.txt of {host} forbids {url} to our User-Agent; it is skipped"
            raise RobotsDisallowedError(self.robots.note(url) or message, url)
        await self._hosts.wait_turn(URL(url).host or "", self.robots.crawl_delay(url))

    async def _follow(self, url: str, headers: dict[str, str]) -> tuple[_Chain, _Hop]:
        chain = _Chain(url)
        while True:
            hop = await self._hop(chain.url, headers)
            if hop.location is None:
                return chain, hop
            if chain.hops >= self.settings.max_redirects:
                message = (
                    f"{url} redirected more than {self.settings.max_redirects} times "
                    "(a loop?); raise fetch.max_redirects if the chain is genuine"
                )
                raise FetchError(message, url)
            chain.follow(hop.status, hop.location)

    async def _hop(self, url: str, headers: dict[str, str]) -> _Hop:
        session = self._session
        if session is None:
            raise RuntimeError("the Fetcher is closed")
        self.guard.check_url(url)
        async with self._hosts.slot(URL(url).host or ""):
            try:
                async with session.get(url, headers=headers, allow_redirects=False) as resp:
                    return await self._answer(url, resp)
            except OccasionalError:
                raise
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise translate(exc, url) from exc

    async def _answer(self, url: str, resp: aiohttp.ClientResponse) -> _Hop:
        headers = CIMultiDictProxy(CIMultiDict(resp.headers))
        status = resp.status
        if status in _REDIRECTS and resp.headers.get("Location"):
            return _Hop(url, status, headers, location=_redirect_target(url, resp))
        if status == 304 or 200 <= status < 300:
            body = b"" if status == 304 else await _read_capped(resp, self.settings.max_bytes, url)
            return _Hop(url, status, headers, body)
        retry_after = parse_retry_after(resp.headers.get("Retry-After"), datetime.now(UTC))
        raise status_error(url, status, retry_after)


def _request_headers(
    etag: str | None, last_modified: str | None, accept: str | None
) -> dict[str, str]:
    headers = {"Accept": accept or "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _redirect_target(url: str, resp: aiohttp.ClientResponse) -> str:
    location = resp.headers["Location"]
    try:
        joined = URL(url).join(URL(location))
    except ValueError as exc:
        raise InvalidURLError(f"{url} redirected to an invalid URL {location!r}") from exc
    if joined.scheme not in {"http", "https"}:
        raise InvalidURLError(f"{url} redirected to {location!r}, which is not http(s)")
    return str(joined.with_fragment(None))


async def _read_capped(resp: aiohttp.ClientResponse, limit: int, url: str) -> bytes:
    """The decompressed body, refusing to hold more than ``limit`` bytes of it."""
    declared = resp.content_length
    if declared is not None and declared > limit and not resp.headers.get("Content-Encoding"):
        raise _too_large(url, limit)
    body = bytearray()
    async for chunk in resp.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > limit:
            raise _too_large(url, limit)
    return bytes(body)


def _too_large(url: str, limit: int) -> ResponseTooLargeError:
    message = (
        f"{url} sent more than {limit:,} bytes (decompressed); raise fetch.max_bytes to allow it"
    )
    return ResponseTooLargeError(message, url)


def _response(
    chain: _Chain, hop: _Hop, elapsed: float, sent: tuple[str | None, str | None]
) -> FetchResponse:
    not_modified = hop.status == 304
    content_type = hop.headers.get("Content-Type", "")
    return FetchResponse(
        url=hop.url,
        status=hop.status,
        headers=hop.headers,
        body=hop.body,
        elapsed=elapsed,
        etag=hop.headers.get("ETag") or (sent[0] if not_modified else None),
        last_modified=hop.headers.get("Last-Modified") or (sent[1] if not_modified else None),
        not_modified=not_modified,
        permanent_redirect=chain.permanent,
        encoding=None if not_modified else detect_encoding(hop.body, content_type),
    )
