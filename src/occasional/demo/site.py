"""One outlet's site: its resources by path, its hooks, and its aiohttp app.

Called by :class:`~occasional.demo.server.NewsWeb`, which builds a
:class:`SiteState` per outlet with :func:`build_site` and serves it with
:func:`make_app`. Every resource carries an ETag and a Last-Modified date,
and conditional requests get 304 as from any well-configured server.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from aiohttp import web

from .feeds import MEDIA_TYPES, FeedContext, render_feed
from .model import DemoArticle, Outlet
from .outlets import MOVED_FEED_PATH, OutletSpec
from .pages import FeedLink, PageKit, render_article, render_listing, robots_txt
from .sitemaps import NEWS_SITEMAP, SITEMAP, SITEMAP_INDEX, news_sitemap, sitemap, sitemap_index
from .trouble import FEED_BODIES, HOOKS, Hook

__all__ = ["RequestLog", "Resource", "SiteState", "build_site", "make_app"]

RequestLog = Counter[tuple[str, str, int]]

_HTML = "text/html; charset=utf-8"
_COMPRESS_FROM = 1024
_CSS = "body{font-family:Georgia,serif;max-width:46rem;margin:auto}.ad{background:#eee}\n"


@dataclass(frozen=True, slots=True)
class Resource:
    """A static answer: body, media type and validators."""

    body: bytes
    content_type: str
    last_modified: datetime | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


@dataclass(slots=True)
class SiteState:
    """A running outlet: what it serves, its hooks, and its per-path hit counts."""

    outlet: Outlet
    resources: dict[str, Resource]
    hooks: dict[str, Hook]
    slow_delay: float
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def home_url(self) -> str:
        return self.outlet.home_url

    def hits(self, path: str) -> int:
        return self.counts[path]


def _page(kit: PageKit, text: str, when: datetime | None) -> Resource:
    charset = kit.spec.charset
    if charset == "utf-8":
        return Resource(text.encode(), _HTML, when)
    # Like many older CMSs: the charset is only in the page's <meta>, not the header.
    return Resource(text.encode(charset, "xmlcharrefreplace"), "text/html", when)


def _newest(articles: Sequence[DemoArticle], now: datetime) -> datetime:
    return max((a.published for a in articles), default=now)


def _feed_link(spec: OutletSpec, outlet: Outlet) -> FeedLink | None:
    if outlet.feed_url is None or spec.format is None:
        return None
    media = MEDIA_TYPES[spec.format].split(";")[0]
    if spec.format == "rss0.91":
        media = "application/rss+xml"
    return FeedLink(outlet.feed_url, media)


def _article_pages(kit: PageKit, articles: Sequence[DemoArticle], seed: int) -> dict[str, Resource]:
    newest = sorted(articles, key=lambda a: a.published, reverse=True)
    pages = {}
    for article in articles:
        related = [a for a in newest if a.id != article.id][:4]
        rng = random.Random(f"{seed}:{article.id}")
        html = render_article(kit, article, related, rng)
        pages[urlsplit(article.url).path] = _page(kit, html, article.published)
    return pages


def _listing_pages(
    kit: PageKit, articles: Sequence[DemoArticle], now: datetime, seed: int
) -> dict[str, Resource]:
    rng = random.Random(f"{seed}:{kit.spec.key}:listing")
    visible = [a for a in articles if a.robots_allowed]
    home = render_listing(kit, "Latest news", visible, rng)
    pages = {"/": _page(kit, home, _newest(visible, now))}
    for item in kit.spec.nav:
        chosen = [a for a in visible if a.section.lower() == item.lower()]
        path = f"/section/{item.lower().replace(' ', '-')}/"
        pages[path] = _page(kit, render_listing(kit, item, chosen, rng), _newest(chosen, now))
    return pages


def _feed_resources(
    spec: OutletSpec, outlet: Outlet, articles: Sequence[DemoArticle], now: datetime
) -> dict[str, Resource]:
    if spec.format is None or outlet.feed_url is None:
        return {}
    in_feed = list(articles)
    full = spec.layout == "aggregator"
    updated = _newest(in_feed, now)
    ctx = FeedContext(outlet, in_feed, updated, spec.tagline, full, spec.feed_link_query)
    body = FEED_BODIES.get(spec.behaviour, render_feed)(spec.format, ctx)
    path = MOVED_FEED_PATH if spec.behaviour == "moved" else urlsplit(outlet.feed_url).path
    return {path: Resource(body, MEDIA_TYPES[spec.format], ctx.updated)}


def _sitemap_resources(
    outlet: Outlet, articles: Sequence[DemoArticle], pages: Sequence[str], now: datetime
) -> dict[str, Resource]:
    xml = "application/xml; charset=utf-8"
    updated = _newest(articles, now)
    return {
        SITEMAP_INDEX: Resource(sitemap_index(outlet, updated), xml, updated),
        SITEMAP: Resource(sitemap(outlet, articles, pages), xml, updated),
        NEWS_SITEMAP: Resource(news_sitemap(outlet, articles, now), xml, updated),
    }


def build_site(
    spec: OutletSpec,
    outlet: Outlet,
    articles: Sequence[DemoArticle],
    now: datetime,
    *,
    seed: int = 0,
    slow_delay: float = 2.0,
) -> SiteState:
    """Render every resource of one outlet (pure apart from CPU time)."""
    kit = PageKit(spec, outlet, _feed_link(spec, outlet), now.year)
    resources = _article_pages(kit, articles, seed)
    listings = _listing_pages(kit, articles, now, seed)
    resources.update(listings)
    resources.update(_feed_resources(spec, outlet, articles, now))
    sitemaps = [outlet.sitemap_url] if outlet.sitemap_url else []
    if outlet.kind == "sitemap":
        resources.update(_sitemap_resources(outlet, articles, sorted(listings), now))
    resources["/robots.txt"] = Resource(
        robots_txt(spec, sitemaps).encode(), "text/plain; charset=utf-8", now
    )
    resources["/static/site.css"] = Resource(_CSS.encode(), "text/css", now)
    hooks: dict[str, Hook] = {}
    if spec.behaviour in HOOKS and outlet.feed_url:
        hooks[urlsplit(outlet.feed_url).path] = HOOKS[spec.behaviour]
    return SiteState(outlet, resources, hooks, slow_delay)


def _not_modified(request: web.Request, resource: Resource) -> bool:
    tags = request.headers.get("If-None-Match")
    if tags is not None:
        wanted = {t.strip().removeprefix("W/") for t in tags.split(",")}
        return resource.etag in wanted or "*" in wanted
    since = request.headers.get("If-Modified-Since")
    if since is None or resource.last_modified is None:
        return False
    try:
        return resource.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _serve(request: web.Request, resource: Resource) -> web.Response:
    headers = {"ETag": resource.etag, "Cache-Control": "public, max-age=300"}
    if resource.last_modified is not None:
        headers["Last-Modified"] = format_datetime(resource.last_modified, usegmt=True)
    if _not_modified(request, resource):
        return web.Response(status=304, headers=headers)
    headers["Content-Type"] = resource.content_type
    response = web.Response(body=resource.body, headers=headers)
    if len(resource.body) > _COMPRESS_FROM:
        response.enable_compression()  # gzip or deflate, if the client asked for it
    return response


_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATE = web.AppKey("state", SiteState)
LOG = web.AppKey("log", Counter)


async def _handle(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    state.counts[request.path] += 1
    hook = state.hooks.get(request.path)
    if hook is not None:
        answer = await hook(request, state)
        if answer is not None:
            return answer
    resource = state.resources.get(request.path)
    if resource is None:
        return web.Response(status=404, text="404 Not Found\n")
    return _serve(request, resource)


@web.middleware
async def _record(request: web.Request, handler: _Handler) -> web.StreamResponse:
    response = await handler(request)
    request.app[LOG][(request.app[STATE].outlet.key, request.path, response.status)] += 1
    return response


def make_app(state: SiteState, log: RequestLog) -> web.Application:
    """An aiohttp app serving ``state``; every answer is counted in ``log``."""
    app = web.Application(middlewares=[_record])
    app[STATE] = state
    app[LOG] = log
    app.router.add_get("/{tail:.*}", _handle)
    return app
