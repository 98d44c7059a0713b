"""Fault suite, hostile input: each case bounded in time and in memory.

Each case is served from loopback to a real poll (or page fetch) in a forked
child process, so its peak memory is its own: the child reports how long the
poll took and how far its resident memory rose above where it started
(``VmHWM - VmRSS``). The bounds below are generous ceilings, not speed
claims; what bounds each case (a cap, a timeout, a check) is in its name and
in BENCHMARKS.md, with the measured figures (run with ``-s`` to print them).
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import brotli
import pytest
from aiohttp import web

from faultweb import FaultWeb, article_page, item, rss
from occasional import make_engine

pytestmark = pytest.mark.faults

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
SECONDS = 30.0  # ceiling per case, well above what each takes
MEGABYTES = 400  # ceiling on the rise of resident memory per case
READ_TIMEOUT = 2.0

Handler = Callable[[web.Request], Any]


@dataclass(frozen=True)
class Case:
    name: str
    feed: Handler | None
    page: Handler | None = None
    settings: dict[str, Any] = field(default_factory=dict)


# --- bodies ---------------------------------------------------------------------------


@cache
def gzip_bomb() -> bytes:
    """256 MB of zeros, gzip'd to about 260 kB."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    return b"".join([*(packer.compress(chunk) for _ in range(256)), packer.flush()])


@cache
def brotli_bomb() -> bytes:
    """1 GB of zeros, brotli'd to about 190 kB."""
    packer = brotli.Compressor(quality=1)
    chunk = b"\0" * (1 << 20)
    return b"".join([*(packer.process(chunk) for _ in range(1024)), packer.finish()])


def static(
    body: bytes, content_type: str = "application/rss+xml", headers: dict[str, str] | None = None
) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type, **(headers or {})})

    return handler


def streamed(chunks: Callable[[], Any], delay: float = 0.0, length: int | None = None) -> Handler:
    """A body written chunk by chunk (chunked, or with a declared length) until it ends or the
    client goes away."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        if length is not None:
            response.content_length = length
        await response.prepare(request)
        try:
            for chunk in chunks():
                await response.write(chunk)
                if delay:
                    await asyncio.sleep(delay)
        except (ConnectionError, RuntimeError):
            pass  # the reader hung up: that is the point
        return response

    return handler


def endless() -> Any:
    yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>Forever</title>'
    filler = b"<item><title>Again</title><link>https://e.example/again</link></item>" * 1000
    while True:
        yield filler


def megabytes(count: int) -> Any:
    yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
    chunk = b"<!-- " + b"x" * (1 << 20) + b" -->"
    for _ in range(count):
        yield chunk


def trickle() -> Any:
    yield b'<?xml version="1.0"?><rss version="2.0"><channel>'
    while True:
        yield b" "


def entries_100k() -> bytes:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    when = [
        (base + timedelta(minutes=n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        for n in range(100_000)
    ]
    return rss([
        f"<item><title>E{n}</title><link>https://e.example/{n}</link><pubDate>{when[n]}</pubDate></item>"
        for n in range(100_000)
    ])  # fmt: skip


def nested_xml(depth: int) -> bytes:
    return rss([item("Deep", link="https://e.example/deep") + "<x>" * depth + "</x>" * depth])


def nul_bytes() -> bytes:
    body = rss([item("Nul\x00title", link="https://e.example/nul", text="a\x00b"), item("Fine")])
    return body.replace(b"<channel>", b"<channel>\x00\x00")


def wrong_charset() -> bytes:
    # Declared UTF-8, but windows-1252 bytes and stray invalid sequences.
    text = "Caf\xe9 \x93quoted\x94 \xff\xfe\xc3 end".encode("latin-1")
    return rss([f"<item><title>T</title><link>https://e.example/c</link><description>"
                f"{text.decode('latin-1')}</description></item>"]).replace(
        "Café".encode(), text[:4]
    )  # fmt: skip


def json_nested(depth: int) -> bytes:
    head = b'{"version": "https://jsonfeed.org/version/1.1", "items": '
    return head + b"[" * depth + b"]" * depth + b"}"


def deep_page() -> bytes:
    return article_page("Deep").replace(b"<article>", b"<div>" * 100_000 + b"<article>")


def page_feed(site: FaultWeb) -> Handler:
    return static(rss([item("Hostile page", link=site.url("/page"))]))


def cases() -> list[Case]:
    def big(count: int, length: int | None = None) -> Handler:
        return streamed(lambda: megabytes(count), length=length)

    gzip, br = {"Content-Encoding": "gzip"}, {"Content-Encoding": "br"}
    return [
        Case("XXE refused (no entities)", static((FIXTURES / "xxe.xml").read_bytes())),
        Case("billion laughs refused", static((FIXTURES / "billion_laughs.xml").read_bytes())),
        Case("gzip bomb 256 MB (decompressed cap)", static(gzip_bomb(), headers=gzip)),
        Case("brotli bomb 1 GB (decompressed cap)", static(brotli_bomb(), headers=br)),
        Case("200 MB body, chunked (size cap)", big(200)),
        Case("200 MB body, declared (refused unread)", big(200, length=200 << 20)),
        Case("never-ending body (size cap)", streamed(endless)),
        Case("never-ending trickle (read timeout)", streamed(trickle, delay=0.1)),
        Case("100k entries (max_entries)", static(entries_100k()), settings={"max_bytes": 30e6}),
        Case("XML nested 100k deep", static(nested_xml(100_000))),
        Case("JSON Feed nested 100k deep", static(json_nested(100_000), "application/json")),
        Case("NUL bytes", static(nul_bytes())),
        Case("invalid UTF-8 under a wrong charset", static(wrong_charset())),
        Case(
            "UTF-16 declared in Content-Type on UTF-8 bytes",
            static(rss([item("Plain")]), "application/rss+xml; charset=utf-16"),
        ),
        Case(
            "gzip'd sitemap bomb (sitemap cap)",
            static(gzip_bomb(), "application/x-gzip"),
            settings={"kind": "sitemap"},
        ),
        Case("page: gzip bomb", None, static(gzip_bomb(), "text/html", headers=gzip)),
        Case("page: never-ending body", None, streamed(endless)),
        Case("page: HTML nested 100k deep", None, static(deep_page(), "text/html")),
    ]  # fmt: skip


# --- running a case in a child ---------------------------------------------------------


def _status_kb(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise LookupError(name)


def _run_case(case: Case) -> dict[str, Any]:
    with FaultWeb() as site, tempfile.TemporaryDirectory() as home:
        feed = case.feed or page_feed(site)
        site.route("/feed", feed)
        if case.page is not None:
            site.route("/page", case.page)
        fetch = {"allow_networks": ["127.0.0.0/8"], "read_timeout": READ_TIMEOUT}
        if "max_bytes" in case.settings:
            fetch["max_bytes"] = int(case.settings["max_bytes"])
        # Feed cases fetch no pages: their entries link to names that do not resolve.
        articles = {"fetch_full": case.page is not None}
        overrides = {"fetch": fetch, "poll": {"deadline": 20}, "articles": articles}
        with make_engine(home=home, overrides=overrides) as engine:
            source = engine.storage.add_source(
                site.url("/feed"), kind=case.settings.get("kind", "feed"), now=engine.clock()
            )
            started = time.monotonic()
            report = engine.poll(everything=True, stories=False)
            seconds = time.monotonic() - started
            stored = list(engine.articles(source=source.id))
        (result,) = report.sources
        return {
            "seconds": seconds,
            "status": result.status,
            "error": result.error,
            "new": len(result.new_articles),
            "pages": [[p.how, p.error] for p in report.pages],
            "titles": sorted({a.title for a in stored}),
            "texts": [a.text[:80] for a in stored][:3],
        }


def in_child(case: Case) -> dict[str, Any]:
    """Run ``case`` in a forked child; its result with the child's memory rise in MB."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(reader)
            start = _status_kb("VmRSS")
            result = _run_case(case)
            result["megabytes"] = (_status_kb("VmHWM") - start) / 1024
        except BaseException as exc:
            result, code = {"crash": f"{type(exc).__name__}: {exc}"}, 1
        with os.fdopen(writer, "w") as out:
            json.dump(result, out, default=str)
        os._exit(code)
    os.close(writer)
    # Read while it runs: an answer bigger than the pipe's buffer must not block the child.
    deadline = time.monotonic() + SECONDS * 2
    chunks: list[bytes] = []
    with os.fdopen(reader, "rb") as answer:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([answer], [], [], 0.1)
            if ready and not (chunk := answer.read1(1 << 16)):
                break
            if ready:
                chunks.append(chunk)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"{case.name}: still running after {SECONDS * 2:.0f} s")
    status = os.waitpid(pid, 0)[1]
    assert chunks, f"{case.name}: the child died without an answer (status {status})"
    return dict(json.loads(b"".join(chunks)))


# --- the cases -------------------------------------------------------------------------

EXPECTED = {
    "XXE refused (no entities)": ("error", "entities"),
    "billion laughs refused": ("error", "entities"),
    "gzip bomb 256 MB (decompressed cap)": ("error", "bytes (decompressed)"),
    "brotli bomb 1 GB (decompressed cap)": ("error", "bytes (decompressed)"),
    "200 MB body, chunked (size cap)": ("error", "bytes (decompressed)"),
    "200 MB body, declared (refused unread)": ("error", "bytes (decompressed)"),
    "never-ending body (size cap)": ("error", "bytes (decompressed)"),
    "never-ending trickle (read timeout)": ("error", "did not answer in time"),
    "100k entries (max_entries)": ("ok", "only the newest 1,000"),
    "JSON Feed nested 100k deep": ("error", "invalid JSON"),
    "XML nested 100k deep": ("ok", ""),
    "gzip'd sitemap bomb (sitemap cap)": ("error", "inflates past"),
}


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_hostile_input_is_bounded(case: Case) -> None:
    outcome = in_child(case)
    assert "crash" not in outcome, outcome
    print(f"\n{case.name}: {outcome['seconds']:.2f} s, +{outcome['megabytes']:.0f} MB")
    assert outcome["seconds"] < SECONDS and outcome["megabytes"] < MEGABYTES, outcome
    status, words = EXPECTED.get(case.name, (None, None))
    if status is not None:
        assert outcome["status"] == status and words in (outcome["error"] or ""), outcome
    if case.name == "100k entries (max_entries)":  # the newest thousand, by date
        assert sorted(outcome["titles"]) == sorted(f"E{n}" for n in range(99_000, 100_000))
    if case.name == "NUL bytes":
        assert outcome["status"] == "ok" and outcome["new"] == 2
        assert not any("\x00" in t for t in outcome["titles"] + outcome["texts"])
    if case.name.startswith("invalid UTF-8") or case.name.startswith("UTF-16"):
        assert outcome["status"] == "ok" and outcome["new"] == 1, outcome
    if case.page is not None:
        (page,) = outcome["pages"]
        assert page[0] in ("feed", "extracted"), outcome
        assert outcome["texts"] and outcome["texts"][0], outcome  # some text, never nothing
