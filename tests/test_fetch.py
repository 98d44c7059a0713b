"""The Fetcher against a real aiohttp server on 127.0.0.1: statuses, bodies, redirects, errors."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import types
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import brotli
import pytest
from aiohttp import web

from loopback import serve_app
from occasional.config import FetchSettings
from occasional.exceptions import (
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    ResponseTooLargeError,
)
from occasional.fetch import Fetcher, parse_url
from occasional.fetch.errors import translate
from occasional.types import FetchResponse

LOOPBACK = ("127.0.0.0/8",)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def settings(**changes: object) -> FetchSettings:
    return FetchSettings(allow_networks=LOOPBACK, **changes)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def serve(routes: dict[str, Handler]) -> AsyncIterator[str]:
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    async with serve_app(app, handler_cancellation=True) as port:
        yield f"http://127.0.0.1:{port}"


def fetch(
    routes: dict[str, Handler],
    path: str,
    fetch_settings: FetchSettings | None = None,
    **kwargs: object,
) -> FetchResponse:
    async def run() -> FetchResponse:
        async with serve(routes) as base, Fetcher(fetch_settings or settings()) as fetcher:
            return await fetcher.get(base + path, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(run())


# --- plain and conditional GET ------------------------------------------------


async def echo(request: web.Request) -> web.Response:
    agent = request.headers.get("User-Agent", "")
    return web.Response(text=f"agent={agent}; accept={request.headers.get('Accept')}")


def test_get_sends_an_honest_user_agent_and_accept() -> None:
    response = fetch({"/": echo}, "/", accept="application/rss+xml")
    assert response.status == 200
    assert response.text() == (f"agent={FetchSettings().user_agent}; accept=application/rss+xml")
    assert response.url.endswith("/")
    assert response.permanent_redirect is None
    assert response.elapsed > 0


async def conditional(request: web.Request) -> web.Response:
    if request.headers.get("If-None-Match") == '"v1"':
        return web.Response(status=304)
    if request.headers.get("If-Modified-Since") == "Tue, 03 Nov 2026 10:00:00 GMT":
        return web.Response(status=304)
    headers = {"ETag": '"v1"', "Last-Modified": "Tue, 03 Nov 2026 10:00:00 GMT"}
    return web.Response(text="<rss/>", headers=headers)


def test_first_get_returns_validators() -> None:
    response = fetch({"/feed": conditional}, "/feed")
    assert (response.etag, response.last_modified) == ('"v1"', "Tue, 03 Nov 2026 10:00:00 GMT")
    assert not response.not_modified
    assert response.body == b"<rss/>"


def test_if_none_match_gives_not_modified() -> None:
    response = fetch({"/feed": conditional}, "/feed", etag='"v1"')
    assert response.not_modified
    assert response.status == 304
    assert response.body == b""
    assert response.etag == '"v1"'


def test_if_modified_since_gives_not_modified() -> None:
    stamp = "Tue, 03 Nov 2026 10:00:00 GMT"
    response = fetch({"/feed": conditional}, "/feed", last_modified=stamp)
    assert response.not_modified
    assert response.last_modified == stamp


def test_stale_validator_gets_the_full_body() -> None:
    response = fetch({"/feed": conditional}, "/feed", etag='"v0"')
    assert not response.not_modified
    assert response.body == b"<rss/>"


# --- compression and size caps -------------------------------------------------

PAYLOAD = ("<item>news of the day</item>\n" * 2000).encode()


def compressed(encoder: Callable[[bytes], bytes], name: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        if name not in request.headers.get("Accept-Encoding", ""):
            return web.Response(status=406, text=f"{name} not offered")
        return web.Response(body=encoder(PAYLOAD), headers={"Content-Encoding": name})

    return handler


@pytest.mark.parametrize(
    ("encoder", "name"),
    [(gzip.compress, "gzip"), (zlib.compress, "deflate"), (brotli.compress, "br")],
)
def test_compressed_bodies_are_decoded(encoder: Callable[[bytes], bytes], name: str) -> None:
    response = fetch({"/": compressed(encoder, name)}, "/")
    assert response.body == PAYLOAD


def test_gzip_bomb_is_capped_on_decompressed_size() -> None:
    bomb = gzip.compress(b"\0" * 20_000_000, compresslevel=9)
    assert len(bomb) < 100_000  # the wire size is far under the cap

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip"})

    with pytest.raises(ResponseTooLargeError, match=r"fetch\.max_bytes") as caught:
        fetch({"/": handler}, "/", settings(max_bytes=1_000_000))
    assert caught.value.url is not None


def test_declared_oversize_body_is_refused() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 50_000)

    with pytest.raises(ResponseTooLargeError):
        fetch({"/": handler}, "/", settings(max_bytes=10_000))


def test_streamed_oversize_body_is_cut_off() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # chunked: no Content-Length to look at
        await response.prepare(request)
        for _ in range(50):
            await response.write(b"y" * 10_000)
        return response

    with pytest.raises(ResponseTooLargeError):
        fetch({"/": handler}, "/", settings(max_bytes=100_000))


def test_body_at_the_cap_is_accepted() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"z" * 10_000)

    assert len(fetch({"/": handler}, "/", settings(max_bytes=10_000)).body) == 10_000


# --- timeouts and broken connections -------------------------------------------


def test_slow_answer_times_out() -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(1.0)
        return web.Response(text="late")

    with pytest.raises(FetchTimeoutError, match="did not answer in time"):
        fetch({"/": handler}, "/", settings(read_timeout=0.2))


def test_stalled_body_times_out() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"first part")
        await asyncio.sleep(1.0)
        return response

    with pytest.raises(FetchTimeoutError):
        fetch({"/": handler}, "/", settings(read_timeout=0.2))


def test_truncated_body_is_a_fetch_error() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "1000"})
        await response.prepare(request)
        await response.write(b"only ten b")
        assert request.transport is not None
        request.transport.close()
        return response

    with pytest.raises(FetchError) as caught:
        fetch({"/": handler}, "/")
    assert caught.value.__cause__ is not None  # the aiohttp error is chained, not raised


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_a_clear_fetch_error() -> None:
    async def run() -> None:
        async with Fetcher(settings()) as fetcher:
            await fetcher.get(f"http://127.0.0.1:{free_port()}/feed")

    with pytest.raises(FetchError, match=r"cannot connect to 127\.0\.0\.1") as caught:
        asyncio.run(run())
    assert type(caught.value) is FetchError


# --- redirects -----------------------------------------------------------------


def redirect(status: int, to: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": to})

    return handler


async def final(request: web.Request) -> web.Response:
    return web.Response(text="arrived")


def test_chain_of_301_and_308_is_permanent() -> None:
    routes = {"/a": redirect(301, "/b"), "/b": redirect(308, "/c"), "/c": final}
    response = fetch(routes, "/a")
    assert response.url.endswith("/c")
    assert response.permanent_redirect == response.url
    assert response.text() == "arrived"


def test_302_in_the_chain_keeps_only_the_permanent_prefix() -> None:
    routes = {"/a": redirect(301, "/b"), "/b": redirect(302, "/c"), "/c": final}
    response = fetch(routes, "/a")
    assert response.url.endswith("/c")
    assert response.permanent_redirect is not None
    assert response.permanent_redirect.endswith("/b")


def test_temporary_redirect_is_not_permanent() -> None:
    routes = {"/a": redirect(302, "/b"), "/b": redirect(301, "/c"), "/c": final}
    response = fetch(routes, "/a")
    assert response.url.endswith("/c")
    assert response.permanent_redirect is None


def test_redirect_loop_stops_at_the_limit() -> None:
    hits: list[str] = []

    async def loop(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(status=302, headers={"Location": "/loop"})

    with pytest.raises(FetchError, match="redirected more than 3 times"):
        fetch({"/loop": loop}, "/loop", settings(max_redirects=3))
    assert len(hits) == 4  # the request and three redirects


def test_redirect_to_another_scheme_is_refused() -> None:
    with pytest.raises(InvalidURLError, match="not http"):
        fetch({"/": redirect(301, "ftp://example.org/feed")}, "/")


# --- failing statuses ------------------------------------------------------------


def status(code: int, headers: dict[str, str] | None = None) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=code, text="no", headers=headers or {})

    return handler


def test_429_with_retry_after_seconds() -> None:
    with pytest.raises(HTTPStatusError) as caught:
        fetch({"/": status(429, {"Retry-After": "120"})}, "/")
    assert (caught.value.status, caught.value.retry_after) == (429, 120.0)
    assert "slow down" in str(caught.value)


def test_503_with_retry_after_date() -> None:
    when = datetime.now(UTC) + timedelta(seconds=90)
    headers = {"Retry-After": format_datetime(when, usegmt=True)}
    with pytest.raises(HTTPStatusError) as caught:
        fetch({"/": status(503, headers)}, "/")
    assert caught.value.status == 503
    assert caught.value.retry_after is not None
    assert 80 <= caught.value.retry_after <= 91


@pytest.mark.parametrize("code", [500, 410, 404, 403])
def test_failing_status_raises_with_status(code: int) -> None:
    with pytest.raises(HTTPStatusError, match=f"HTTP {code}") as caught:
        fetch({"/": status(code)}, "/")
    assert caught.value.status == code
    assert caught.value.retry_after is None
    assert caught.value.url is not None and caught.value.url.endswith("/")


# --- URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed", "file:///etc/passwd", "not a url", "http://", "javascript:x"]
)
def test_invalid_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidURLError):
        parse_url(url)

    async def run() -> None:
        async with Fetcher(settings()) as fetcher:
            await fetcher.get(url)

    with pytest.raises(InvalidURLError):
        asyncio.run(run())


def test_parse_url_drops_the_fragment() -> None:
    assert str(parse_url(" https://example.org/a?b=1#top ")) == "https://example.org/a?b=1"


def test_get_outside_the_context_manager_is_a_usage_error() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(Fetcher(settings()).get("http://127.0.0.1:9/"))


def test_tls_failure_is_a_clear_fetch_error() -> None:
    async def run() -> None:
        async with serve({"/": final}) as base, Fetcher(settings()) as fetcher:
            await fetcher.get(base.replace("http://", "https://") + "/")

    with pytest.raises(FetchError, match="TLS") as caught:
        asyncio.run(run())
    assert caught.value.__cause__ is not None


def test_dns_failure_message_names_the_host() -> None:
    key = types.SimpleNamespace(host="nowhere.example", port=443, ssl=True)
    error = aiohttp.ClientConnectorDNSError(key, socket.gaierror(-2, "Name or service not known"))
    translated = translate(error, "https://nowhere.example/feed")
    assert type(translated) is FetchError
    assert "cannot resolve nowhere.example" in str(translated)
    assert translated.url == "https://nowhere.example/feed"
