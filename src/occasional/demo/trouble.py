"""How the trouble outlets misbehave: feed bodies and request hooks, by key.

Called by :mod:`.site`. :data:`FEED_BODIES` gives the broken documents
(``malformed``, ``hostile``); :data:`HOOKS` gives, per behaviour, a request
hook for the feed path that answers instead of the normal resource (or
returns ``None`` to let it through). Behaviours not named in a table act
normally there: ``ok`` and ``not-modified`` (every site honours conditional
requests; the not-modified outlet exists to test exactly that).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Protocol

from aiohttp import web

from .feeds import FeedContext, render_feed
from .outlets import MOVED_FEED_PATH

__all__ = [
    "FEED_BODIES",
    "HOOKS",
    "OVERSIZED_BYTES",
    "RETRY_AFTER_SECONDS",
    "Hook",
    "HookState",
    "hostile_feed",
    "malformed_feed",
    "oversized_chunks",
]

OVERSIZED_BYTES = 13 * 1024 * 1024
RETRY_AFTER_SECONDS = 120
_CHUNK_ITEMS = 16


class HookState(Protocol):
    """What a hook may read about its site (implemented by the site's state)."""

    @property
    def home_url(self) -> str: ...

    @property
    def slow_delay(self) -> float: ...

    def hits(self, path: str) -> int:
        """Requests for ``path`` so far, this one included."""
        ...


Hook = Callable[[web.Request, HookState], Awaitable[web.StreamResponse | None]]


def malformed_feed(fmt: str, ctx: FeedContext) -> bytes:
    """The real feed cut off inside one more item, as a crashed CMS might send it."""
    whole = render_feed(fmt, ctx).decode()
    cut = whole.rfind("</item>") + len("</item>")
    broken = "\n<item>\n  <title>Allotment waiting list reaches a rec"
    return (whole[:cut] + broken).encode()


def hostile_feed(fmt: str, ctx: FeedContext) -> bytes:
    """A "billion laughs" feed: nine levels of entities, ten each, about 3 GB expanded."""
    levels = ['  <!ENTITY lol0 "lol">']
    for level in range(1, 10):
        refs = f"&lol{level - 1};" * 10
        levels.append(f'  <!ENTITY lol{level} "{refs}">')
    entities = "\n".join(levels)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE rss [\n{entities}\n]>\n"
        '<rss version="2.0">\n<channel>\n<title>Free Lunch Feeds</title>\n'
        f"<link>{ctx.outlet.home_url}/</link>\n<description>&lol9;</description>\n"
        f"<item>\n  <title>&lol9;</title>\n  <link>{ctx.outlet.home_url}/posts/free</link>\n"
        "  <description>&lol9;</description>\n</item>\n</channel>\n</rss>\n"
    ).encode()


FEED_BODIES: dict[str, Callable[[str, FeedContext], bytes]] = {
    "malformed": malformed_feed,
    "hostile": hostile_feed,
}

_FILLER = (
    "This archived post is kept for completeness. It repeats the site's house notice about "
    "corrections, comments, syndication and reuse so that every entry carries it in full. "
) * 24


def oversized_chunks(home_url: str, total: int = OVERSIZED_BYTES) -> Iterator[bytes]:
    """A well-formed RSS 2.0 document of about ``total`` bytes, in chunks."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>Everything Archive</title>\n<link>{home_url}/</link>\n"
        "<description>Every post, ever</description>\n"
    ).encode()
    sent, number = 0, 0
    while sent < total:
        items = []
        for _ in range(_CHUNK_ITEMS):
            number += 1
            items.append(
                f"<item><title>Archive post {number}</title>"
                f"<link>{home_url}/posts/archive-{number}</link>"
                f"<guid>{home_url}/posts/archive-{number}</guid>"
                f"<description>{_FILLER}</description></item>\n"
            )
        chunk = "".join(items).encode()
        sent += len(chunk)
        yield chunk
    yield b"</channel>\n</rss>\n"


async def _flaky(request: web.Request, state: HookState) -> web.StreamResponse | None:
    # Odd-numbered requests fail, so one retry always succeeds.
    if state.hits(request.path) % 2 == 1:
        return web.Response(status=500, text="500 Internal Server Error\n")
    return None


async def _rate_limited(request: web.Request, state: HookState) -> web.StreamResponse | None:
    if state.hits(request.path) == 1:
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return web.Response(status=429, text="429 Too Many Requests\n", headers=headers)
    return None


async def _moved(request: web.Request, state: HookState) -> web.StreamResponse | None:
    location = state.home_url + MOVED_FEED_PATH
    return web.Response(status=301, headers={"Location": location}, text="Moved Permanently\n")


async def _slow(request: web.Request, state: HookState) -> web.StreamResponse | None:
    await asyncio.sleep(state.slow_delay)
    return None


async def _gone(request: web.Request, state: HookState) -> web.StreamResponse | None:
    text = "410 Gone: this feed was discontinued and will not return.\n"
    return web.Response(status=410, text=text)


async def _oversized(request: web.Request, state: HookState) -> web.StreamResponse | None:
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    if request.method == "HEAD":
        return response
    try:
        for chunk in oversized_chunks(state.home_url):
            await response.write(chunk)
        await response.write_eof()
    except ConnectionError:
        # The client gave up at its size cap: that is what this outlet is for.
        pass
    return response


HOOKS: dict[str, Hook] = {
    "flaky": _flaky,
    "rate-limited": _rate_limited,
    "moved": _moved,
    "slow": _slow,
    "gone": _gone,
    "oversized": _oversized,
}
