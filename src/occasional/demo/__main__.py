"""``python -m occasional.demo``: serve the sample news web until Ctrl-C.

Prints every outlet with its home page and feed (or sitemap) URL, so the
URLs can be pasted into ``occasional add`` or a browser.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .model import Outlet
from .server import NewsWeb

__all__ = ["describe", "main"]


def describe(outlets: tuple[Outlet, ...]) -> str:
    """One line per outlet: key, behaviour, home URL and where to read it."""
    rows = []
    for o in outlets:
        reach = o.feed_url or o.sitemap_url or ""
        rows.append(f"{o.key:<13} {o.behaviour:<13} {o.name:<25} {o.home_url:<23} {reach}")
    return "\n".join(rows)


async def _serve(seed: int, slow_delay: float) -> None:
    async with NewsWeb(seed=seed, slow_delay=slow_delay) as news_web:
        print(describe(news_web.outlets))
        print(f"\n{len(news_web.articles)} articles. Serving until Ctrl-C.", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Parse the two options and serve."""
    parser = argparse.ArgumentParser(prog="python -m occasional.demo", description=__doc__)
    parser.add_argument("--seed", type=int, default=0, help="vary boilerplate and minutes")
    parser.add_argument("--slow-delay", type=float, default=2.0, help="seconds the slow feed takes")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.seed, args.slow_delay))


if __name__ == "__main__":
    main()
