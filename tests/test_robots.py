"""robots.txt through the Fetcher, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from loopback import serve_app
from occasional.config import FetchSettings
from occasional.exceptions import RobotsDisallowedError
from occasional.fetch import Fetcher, RobotsCache

ROBOTS = """\
User-agent: otherbot
Disallow: /

User-agent: occasional
Disallow: /private/
Crawl-delay: 1

User-agent: *
Disallow: /
"""


class Site:
    """A site whose robots.txt answer the test picks, counting what it serves."""

    def __init__(self, robots_status: int = 200, robots_text: str = ROBOTS) -> None:
        self.robots_status = robots_status
        self.robots_text = robots_text
        self.robots_hits = 0
        self.pages: list[tuple[str, float]] = []

    async def robots(self, request: web.Request) -> web.Response:
        self.robots_hits += 1
        return web.Response(status=self.robots_status, text=self.robots_text)

    async def page(self, request: web.Request) -> web.Response:
        self.pages.append((request.path, time.monotonic()))
        return web.Response(text="page")


@contextlib.asynccontextmanager
async def serve(site: Site) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/robots.txt", site.robots)
    app.router.add_get("/{tail:.*}", site.page)
    async with serve_app(app) as port:
        yield f"http://127.0.0.1:{port}"


def settings(**changes: object) -> FetchSettings:
    return FetchSettings(allow_networks=("127.0.0.0/8",), **changes)  # type: ignore[arg-type]


Scenario = Callable[[Fetcher, str], Awaitable[object]]


def run(
    site: Site,
    scenario: Scenario,
    robots: RobotsCache | None = None,
    fetch_settings: FetchSettings | None = None,
) -> object:
    async def go() -> object:
        async with serve(site) as base, Fetcher(fetch_settings or settings(), robots=robots) as f:
            return await scenario(f, base)

    return asyncio.run(go())


def test_rules_for_our_agent_apply() -> None:
    site = Site()

    async def scenario(fetcher: Fetcher, base: str) -> object:
        return (
            await fetcher.robots.allowed(fetcher, f"{base}/news/1"),
            await fetcher.robots.allowed(fetcher, f"{base}/private/2"),
        )

    assert run(site, scenario) == (True, False)
    assert site.robots_hits == 1  # fetched once for the origin


def test_disallowed_page_raises_and_is_not_fetched() -> None:
    site = Site()

    async def scenario(fetcher: Fetcher, base: str) -> object:
        return await fetcher.get(f"{base}/private/secret", check_robots=True)

    with pytest.raises(RobotsDisallowedError, match=r"robots\.txt of 127\.0\.0\.1 forbids"):
        run(site, scenario)
    assert site.pages == []


def test_allowed_pages_are_spaced_by_crawl_delay() -> None:
    site = Site()

    async def scenario(fetcher: Fetcher, base: str) -> object:
        urls = [f"{base}/news/{n}" for n in range(2)]
        return await asyncio.gather(*(fetcher.get(u, check_robots=True) for u in urls))

    run(site, scenario)
    times = sorted(t for _, t in site.pages)
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95  # urllib.robotparser reads whole seconds only
    assert site.robots_hits == 1  # concurrent callers shared one robots.txt fetch


def test_check_robots_false_skips_robots() -> None:
    site = Site()

    async def scenario(fetcher: Fetcher, base: str) -> object:
        return (await fetcher.get(f"{base}/private/x")).status

    assert run(site, scenario) == 200
    assert site.robots_hits == 0


def test_respect_robots_setting_off_skips_robots() -> None:
    site = Site()

    async def scenario(fetcher: Fetcher, base: str) -> object:
        return (await fetcher.get(f"{base}/private/x", check_robots=True)).status

    assert run(site, scenario, fetch_settings=settings(respect_robots=False)) == 200
    assert site.robots_hits == 0


@pytest.mark.parametrize(
    ("status", "allowed"), [(404, True), (403, True), (500, False), (503, False), (429, False)]
)
def test_robots_status_meaning(status: int, allowed: bool) -> None:
    site = Site(robots_status=status)

    async def scenario(fetcher: Fetcher, base: str) -> object:
        return await fetcher.robots.allowed(fetcher, f"{base}/news/1")

    assert run(site, scenario) is allowed


def test_unreachable_robots_forbids() -> None:
    async def scenario(fetcher: Fetcher, base: str) -> object:
        return await fetcher.robots.allowed(fetcher, "http://127.0.0.1:9/news")

    assert run(Site(), scenario) is False


def test_cache_expires_after_ttl_and_errors_expire_sooner() -> None:
    clock = [0.0]
    robots = RobotsCache(ttl=100, error_ttl=10, clock=lambda: clock[0])
    site = Site(robots_status=500)

    async def scenario(fetcher: Fetcher, base: str) -> object:
        url = f"{base}/news/1"
        seen = [await robots.allowed(fetcher, url)]
        site.robots_status = 200
        clock[0] = 5
        seen.append(await robots.allowed(fetcher, url))  # still the cached 5xx verdict
        clock[0] = 11
        seen.append(await robots.allowed(fetcher, url))  # error_ttl passed: asked again
        site.robots_text = "User-agent: *\nDisallow: /news/\n"
        clock[0] = 100
        seen.append(await robots.allowed(fetcher, url))  # within ttl of the good answer
        clock[0] = 112
        seen.append(await robots.allowed(fetcher, url))  # ttl passed: new rules
        return seen

    assert run(site, scenario, robots=robots) == [False, False, True, True, False]
    assert site.robots_hits == 3
    assert robots.crawl_delay("http://127.0.0.1:1/x") is None


def test_unreadable_robots_explains_the_refusal() -> None:
    site = Site(robots_status=503)

    async def scenario(fetcher: Fetcher, base: str) -> object:
        return await fetcher.get(f"{base}/news/1", check_robots=True)

    with pytest.raises(RobotsDisallowedError, match=r"could not be read \(HTTP 503\)"):
        run(site, scenario)
    assert site.pages == []
