"""The demo news web: every outlet on its own loopback port, started together.

Used by ``occasional demo`` and by the test suite::

    async with NewsWeb() as web:           # binds 127.0.0.1:<free port> per outlet
        web.outlets                        # who publishes what, and where
        web.articles                       # the ground truth: copies, wire, events
        web.url("daily", "/rss.xml")
        web.requests                       # Counter of (outlet, path, status)

    with run_news_web() as web:            # the same, on a background thread
        ...

Sockets are bound first, so every URL (canonical links, "Source link"
anchors, feed self-links) is absolute and right before any page is built.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType

from aiohttp import web

from .content import build_articles
from .model import DemoArticle, Outlet
from .outlets import OUTLET_SPECS, OutletSpec
from .site import RequestLog, build_site, make_app
from .sitemaps import SITEMAP_INDEX

__all__ = ["NewsWeb", "run_news_web"]

_HOST = "127.0.0.1"


def _bind() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((_HOST, 0))
    sock.setblocking(False)
    return sock


def _outlet(spec: OutletSpec, base: str) -> Outlet:
    feed = base + spec.feed_path if spec.feed_path else None
    sitemap = base + SITEMAP_INDEX if spec.kind == "sitemap" else None
    return Outlet(
        key=spec.key,
        name=spec.name,
        kind=spec.kind,
        home_url=base,
        feed_url=feed,
        format=spec.format,
        behaviour=spec.behaviour,
        language=spec.language,
        sitemap_url=sitemap,
    )


class NewsWeb:
    """The bundled sample news web, served on loopback while the context is open.

    ``now`` (default: the current time, UTC) anchors every published date:
    articles span the 36 hours before it. ``slow_delay`` is how long the slow
    outlet's feed takes to answer. ``seed`` varies the boilerplate and the
    minutes of publication times, never the ground truth's shape.

    Raises ``OSError`` from ``__aenter__`` when a port cannot be bound, and
    ``RuntimeError`` when a property is read before the web has started.
    """

    def __init__(
        self, now: datetime | None = None, *, slow_delay: float = 2.0, seed: int = 0
    ) -> None:
        self.now = (now or datetime.now(UTC)).astimezone(UTC)
        self.slow_delay = slow_delay
        self.seed = seed
        self.requests: RequestLog = Counter()
        self._outlets: tuple[Outlet, ...] | None = None
        self._articles: tuple[DemoArticle, ...] = ()
        self._runners: list[web.AppRunner] = []

    @property
    def outlets(self) -> tuple[Outlet, ...]:
        """Every outlet, in a fixed order: feeds, the sitemap site, the aggregator, trouble."""
        if self._outlets is None:
            raise RuntimeError("the news web has not started: use 'async with NewsWeb()'")
        return self._outlets

    @property
    def articles(self) -> tuple[DemoArticle, ...]:
        """The ground truth: every article page of every outlet."""
        self.outlets  # noqa: B018 - raises before start
        return self._articles

    def outlet(self, key: str) -> Outlet:
        """The outlet with this key; raises ``KeyError`` for an unknown one."""
        for outlet in self.outlets:
            if outlet.key == key:
                return outlet
        raise KeyError(key)

    def url(self, outlet_key: str, path: str = "/") -> str:
        """An absolute URL on an outlet's site; raises ``KeyError`` for an unknown outlet."""
        return self.outlet(outlet_key).home_url + ("" if path.startswith("/") else "/") + path

    async def __aenter__(self) -> NewsWeb:
        sockets = [_bind() for _ in OUTLET_SPECS]
        try:
            await self._start(sockets)
        except BaseException:
            await self._stop()
            for sock in sockets:
                sock.close()
            raise
        return self

    async def _start(self, sockets: list[socket.socket]) -> None:
        bases = [f"http://{_HOST}:{sock.getsockname()[1]}" for sock in sockets]
        outlets = tuple(_outlet(s, b) for s, b in zip(OUTLET_SPECS, bases, strict=True))
        articles = build_articles(self.now, {o.key: o.home_url for o in outlets}, self.seed)
        for spec, outlet, sock in zip(OUTLET_SPECS, outlets, sockets, strict=True):
            mine = [a for a in articles if a.outlet == spec.key]
            state = build_site(
                spec, outlet, mine, self.now, seed=self.seed, slow_delay=self.slow_delay
            )
            runner = web.AppRunner(
                make_app(state, self.requests), access_log=None, shutdown_timeout=0.5
            )
            await runner.setup()
            self._runners.append(runner)
            await web.SockSite(runner, sock).start()
        self._outlets, self._articles = outlets, articles

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stop()

    async def _stop(self) -> None:
        runners, self._runners = self._runners, []
        await asyncio.gather(*(r.cleanup() for r in runners))


@contextmanager
def run_news_web(
    now: datetime | None = None, *, slow_delay: float = 2.0, seed: int = 0
) -> Iterator[NewsWeb]:
    """Run a :class:`NewsWeb` on a background thread with its own event loop.

    For synchronous callers (the CLI demo, sync tests). Yields the started
    web; stops it on exit. Re-raises whatever made the start fail.
    """
    news_web = NewsWeb(now, slow_delay=slow_delay, seed=seed)
    runner = _ThreadRunner(news_web)
    runner.start()
    try:
        yield news_web
    finally:
        runner.stop()


class _ThreadRunner:
    """Starts and stops a news web on a daemon thread."""

    def __init__(self, news_web: NewsWeb) -> None:
        self.news_web = news_web
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.loop = asyncio.new_event_loop()
        self.stopping: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run, name="news-web", daemon=True)

    def start(self) -> None:
        self.thread.start()
        self.ready.wait()
        if self.error is not None:
            self.thread.join()
            raise self.error

    def stop(self) -> None:
        if self.stopping is not None:
            self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join()

    def _run(self) -> None:
        try:
            self.loop.run_until_complete(self._serve())
        finally:
            self.loop.close()

    async def _serve(self) -> None:
        self.stopping = asyncio.Event()
        try:
            async with self.news_web:
                self.ready.set()
                await self.stopping.wait()
        except BaseException as exc:  # handed to the starting thread, which re-raises it
            self.error = exc
            self.ready.set()
