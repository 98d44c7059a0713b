"""`occasional serve` over real loopback HTTP: pages, the API, and slow clients."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp
import pytest

from occasional import make_engine
from occasional.core import Engine
from occasional.exceptions import ConfigError
from occasional.serve import Server


async def _started(server: Server) -> asyncio.Task[None]:
    task = asyncio.create_task(server.run())
    while server.bound_port is None:
        assert not task.done(), task.exception()
        await asyncio.sleep(0.01)
    return task


def test_pages_and_api_answer_over_http(web_engine: Engine) -> None:
    async def scenario() -> list[int]:
        server = Server(web_engine, host="127.0.0.1", port=0, log=lambda _: None)
        task = await _started(server)
        base = f"http://127.0.0.1:{server.bound_port}"
        statuses = []
        async with aiohttp.ClientSession() as session:
            for path in ("/health", "/", "/static/app.css", "/reader/api/0/tag/list"):
                async with session.get(base + path, allow_redirects=False) as response:
                    statuses.append(response.status)
            login = {"Email": "alice", "Passwd": "correct horse battery"}
            async with session.post(base + "/accounts/ClientLogin", data=login) as response:
                statuses.append(response.status)
                assert "Auth=" in await response.text()
        server.stopping.set()
        await asyncio.wait_for(task, timeout=30)
        return statuses

    assert asyncio.run(scenario()) == [200, 303, 200, 401, 200]


def test_a_client_too_slow_to_send_headers_is_cut_off(tmp_path) -> None:
    engine = make_engine(home=tmp_path, overrides={"serve": {"header_timeout": 0.5}})

    async def scenario() -> tuple[float, bytes, bytes]:
        server = Server(engine, host="127.0.0.1", port=0, log=lambda _: None)
        task = await _started(server)
        reader, writer = await asyncio.open_connection("127.0.0.1", server.bound_port)
        started = time.monotonic()
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        await writer.drain()
        cut = await asyncio.wait_for(reader.read(), timeout=10)  # b"" once the server closes
        waited = time.monotonic() - started
        writer.close()
        # A prompt client on a kept-alive connection is served, then held to the same limit.
        reader, writer = await asyncio.open_connection("127.0.0.1", server.bound_port)
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        # The whole /health answer: {"ok": …, "poll": {…}}.
        answer = await asyncio.wait_for(reader.readuntil(b"}}"), timeout=10)
        writer.write(b"GET /health HTTP/1.1\r\n")
        await writer.drain()
        after = await asyncio.wait_for(reader.read(), timeout=10)
        writer.close()
        server.stopping.set()
        await asyncio.wait_for(task, timeout=30)
        return waited, cut + after, answer

    try:
        waited, cut, answer = asyncio.run(scenario())
    finally:
        engine.close()
    assert cut == b"" and 0.3 < waited < 5
    assert answer.startswith(b"HTTP/1.1 200")


def test_a_taken_port_is_a_clear_error(tmp_path) -> None:
    engine = make_engine(home=tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = Server(engine, host="127.0.0.1", port=taken.getsockname()[1], log=print)
        with pytest.raises(ConfigError, match="cannot listen"):
            asyncio.run(server.run())
    engine.close()
