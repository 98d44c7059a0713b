"""A small news web on loopback whose every answer a test scripts, for the fault suite.

    with FaultWeb() as web:
        web.route("/feed.xml", web.static(rss(items), "application/rss+xml"))
        web.url("/feed.xml")          # http://127.0.0.1:<port>/feed.xml
        web.hits["/feed.xml"]         # requests so far

Routes may be changed while it runs; unknown paths answer 404, robots.txt allows all.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from loopback import serve_in_thread

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ARTICLE_TEXT = " ".join(
    f"Paragraph {i} of a report on the harbour strike, with enough plain words to count "
    "as the running text of an article for any extractor that reads it."
    for i in range(8)
)


class FaultWeb:
    """One loopback server; ``route`` a path to a handler, ``hits`` counts requests."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Handler] = {"/robots.txt": self.static("User-agent: *\n")}
        self.hits: Counter[str] = Counter()
        self.port = 0
        self._server: Any = None

    def __enter__(self) -> FaultWeb:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._server = serve_in_thread(app, self.host)
        self.port = self._server.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.__exit__(kind, exc, tb)

    def url(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] += 1
        handler = self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="not here")
        return await handler(request)

    @staticmethod
    def static(body: str | bytes, content_type: str = "text/plain", **headers: str) -> Handler:
        data = body.encode() if isinstance(body, str) else body

        async def handler(request: web.Request) -> web.Response:
            return web.Response(body=data, headers={"Content-Type": content_type, **headers})

        return handler


def rss(items: list[str], title: str = "The Harbour Times", link: str = "") -> bytes:
    """An RSS 2.0 document around ``items`` (each a complete ``<item>…</item>``)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f"<description>News</description>{''.join(items)}</channel></rss>"
    ).encode()


def item(title: str, link: str | None = None, guid: str | None = None, text: str = "") -> str:
    """One RSS ``<item>``; ``guid`` is written with isPermaLink="false"."""
    parts = [f"<title>{html.escape(title)}</title>"]
    if link is not None:
        parts.append(f"<link>{html.escape(link)}</link>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{html.escape(guid)}</guid>')
    parts.append(f"<description>{html.escape(text or 'A short summary of ' + title)}</description>")
    return "<item>" + "".join(parts) + "</item>"


def json_feed(items: list[dict[str, object]], title: str = "The Harbour Times") -> bytes:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items}
    return json.dumps(doc).encode()


def article_page(title: str, text: str = ARTICLE_TEXT) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(s.strip())}.</p>" for s in text.split(".") if s.strip())
    return (
        f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body>"
        f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>"
    ).encode()
