"""`occasional serve` over real loopback HTTP: pages, the API, feedback links, digests sent on a
schedule, and slow or greedy clients.

Every test talks real HTTP over loopback (aiohttp's client, urllib and raw
sockets), never the server framework's internals.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import lxml.html
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


@contextmanager
def running(engine: Engine, port: int = 0) -> Iterator[Server]:
    """A Server on 127.0.0.1 in a thread of its own, until the block ends."""
    server = Server(engine, host="127.0.0.1", port=port, log=lambda _line: None)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.run(),), daemon=True)
    thread.start()
    try:
        for _ in range(1000):
            if server.bound_port is not None:
                break
            threading.Event().wait(0.01)
        assert server.bound_port is not None, "the server did not start"
        yield server
    finally:
        loop.call_soon_threadsafe(server.stopping.set)
        thread.join(timeout=30)
        loop.close()


def _profile(engine: Engine, name: str, text: str) -> None:
    folder = engine.config.home / "profiles"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")


def feedback_links(html: str) -> dict[str, str]:
    """Each feedback action of the first card, by action, as the e-mail links it."""
    links: dict[str, str] = {}
    for href in lxml.html.fromstring(html).xpath("//a/@href"):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
        if "sig" in query:
            links.setdefault(query["action"][0], href)
    return links


def fetch(url: str, data: bytes | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as response:  # loopback only
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_feedback_links_in_a_sent_digest_reach_the_server_on_its_port(
    polled_engine: Engine, tmp_path: Path
) -> None:
    target = tmp_path / "digest.html"
    _profile(polled_engine, "filed", f'deliver = ["file://{target}"]\nmin_score = 0.0\n')
    with running(polled_engine) as server:
        digest = polled_engine.digest("filed")
        polled_engine.send_digest(digest)
        links = feedback_links(target.read_text(encoding="utf-8"))
        assert set(links) >= {"like", "dislike", "less", "mute-source"}
        like = urllib.parse.urlsplit(links["like"])
        assert (like.port, like.path) == (server.bound_port, "/feedback")
        status, _page = fetch(links["like"])
    assert status == 200


def test_a_quiet_day_follows_the_profile_rule(polled_engine: Engine, tmp_path: Path) -> None:
    logged: list[str] = []
    server = Server(polled_engine, host="127.0.0.1", port=0, log=logged.append)
    folder = tmp_path / "out"
    for rule, sends in (("once-a-day", 1), ("never", 0), ("always", 3)):
        _profile(
            polled_engine,
            f"q-{rule}",
            f'deliver = ["file://{folder}/{rule}/"]\nmin_score = 0.0\nquiet = "{rule}"\n',
        )
        for _ in range(20):  # show everything: what follows is quiet
            if not polled_engine.digest(f"q-{rule}").items:
                break
        for _ in range(3):
            asyncio.run(server.scheduler.send_scheduled(polled_engine.profile(f"q-{rule}")))
        kept = polled_engine.storage.digests(f"q-{rule}", limit=10)
        assert sum(1 for d in kept if d.sent) == sends, rule
    assert any("quiet day" in line for line in logged)
    assert not any("0 stories" in line for line in logged)


def test_the_log_names_failing_sources(tmp_path: Path) -> None:
    import socket

    from occasional import make_engine

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/feed.xml"
    overrides = {"fetch": {"allow_networks": ["127.0.0.0/8"], "connect_timeout": 2.0}}
    logged: list[str] = []
    with make_engine(home=tmp_path / "home", overrides=overrides) as engine:
        engine.add_source(dead, discover=False)
        server = Server(engine, host="127.0.0.1", port=0, log=logged.append)

        async def one_poll() -> None:
            task = asyncio.create_task(server.scheduler.poll_loop())
            for _ in range(300):
                if any(dead in line for line in logged):
                    break
                await asyncio.sleep(0.05)
            server.stopping.set()
            await task

        asyncio.run(one_poll())
    assert any(dead in line and "1 failing" not in line for line in logged), logged
    assert any("1 source" in line for line in logged), logged


def form_of(page: str) -> tuple[str, bytes]:
    """The confirmation form of a feedback page: where it posts, and its fields encoded."""
    form = lxml.html.fromstring(page).forms[0]
    assert form.method.lower() == "post"
    return form.action, urllib.parse.urlencode(dict(form.fields)).encode()


@pytest.mark.faults
def test_a_feedback_link_asks_first_and_counts_once(polled_engine: Engine) -> None:
    from occasional.digestjob import feedback_signer

    story = polled_engine.stories()[0]
    link = feedback_signer(polled_engine.config).url(story.id, "like", "default")
    with running(polled_engine) as server:
        base = f"http://127.0.0.1:{server.bound_port}"
        query = link.split("?", 1)[1]
        for _ in range(3):  # a mail scanner or an impatient reader opens the link
            status, page = fetch(f"{base}/feedback?{query}")
            assert status == 200 and "Like" in page
        assert polled_engine.storage.feedback("default") == []
        action, fields = form_of(page)
        target = urllib.parse.urljoin(f"{base}/feedback", action)
        answers = [fetch(target, data=fields) for _ in range(5)]
        forged = fetch(target, data=fields.replace(b"like", b"dislike"))
    assert [status for status, _ in answers] == [200] * 5
    assert "Thank you" in answers[0][1] and "already" in answers[1][1]
    assert forged[0] == 400
    assert [f.kind for f in polled_engine.storage.feedback("default")] == ["like"]


def slow_client(port: int) -> socket.socket:
    """A connection that sends half a request's headers and then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n")
    sock.setblocking(False)
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True


@pytest.mark.faults
def test_slow_clients_are_cut_off_and_bounded(tmp_path: Path) -> None:
    overrides = {"serve": {"header_timeout": 3.0, "max_connections": 20}}
    engine = make_engine(home=tmp_path / "home", overrides=overrides)
    with engine, running(engine) as server:
        port = server.bound_port or 0
        clients = [slow_client(port) for _ in range(300)]
        try:
            # Connections still in the kernel's queue look open until the server takes them.
            deadline = time.monotonic() + 2.5
            while (held := sum(not closed_by_server(s) for s in clients)) > 20:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert 0 < held <= 20, "only max_connections are held, before any times out"
            deadline = time.monotonic() + 8
            while not all(closed_by_server(s) for s in clients) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert all(closed_by_server(s) for s in clients), "no headers in time: cut off"
            status, body = fetch(f"http://127.0.0.1:{port}/health")
            assert status == 200 and "ok" in body
        finally:
            for sock in clients:
                sock.close()
