"""Header helpers on the headers the Fetcher really hands over (aiohttp's case-blind view)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from occasional.config import FetchSettings
from occasional.fetch import Fetcher, cache_max_age


def aiohttp_headers(**values: str) -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(CIMultiDict({k.replace("_", "-"): v for k, v in values.items()}))


def test_cache_max_age_reads_case_blind_headers_in_any_spelling() -> None:
    assert cache_max_age(aiohttp_headers(CACHE_CONTROL="public, max-age=120")) == 120
    assert cache_max_age(aiohttp_headers(cache_control="max-age=7")) == 7


def test_cache_max_age_is_none_without_the_header() -> None:
    assert cache_max_age(aiohttp_headers(ETag='"x"')) is None


def test_plain_dicts_are_still_matched_whatever_the_case() -> None:
    assert cache_max_age({"CACHE-CONTROL": "max-age=9"}) == 9


def test_response_headers_outlive_the_fetcher_and_match_case_blind() -> None:
    # The Fetcher hands on aiohttp's own header view rather than a copy.
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="hi", headers={"Cache-Control": "max-age=60", "X-Note": "a"})

    async def run() -> dict[str, str | None]:
        app = web.Application()
        app.router.add_get("/", page)
        runner = web.AppRunner(app, shutdown_timeout=0.2)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        settings = FetchSettings(allow_networks=("127.0.0.0/8",))  # type: ignore[call-arg]
        try:
            async with Fetcher(settings) as fetcher:
                response = await fetcher.get(f"http://127.0.0.1:{runner.addresses[0][1]}/")
        finally:
            await runner.cleanup()
        return {"x-note": response.headers.get("x-note"), "ct": response.content_type}

    assert asyncio.run(run()) == {"x-note": "a", "ct": "text/plain"}
