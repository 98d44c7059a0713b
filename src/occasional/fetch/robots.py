"""robots.txt: may we fetch this page, and how fast?

:class:`RobotsCache` keeps one parsed robots.txt per origin for ``ttl``
seconds. The Fetcher consults it for ``get(check_robots=True)``; it fetches
robots.txt through that same Fetcher, so the address guard, size cap and
redirect limit apply to it too. What an answer means, as Google reads it:

============================  ===============================================
robots.txt answer             meaning
============================  ===============================================
2xx                           its rules, for our User-Agent
4xx (but 429)                 no robots.txt: everything is allowed
5xx, 429, timeout, no route   the site is struggling: nothing is allowed
                              for ``error_ttl`` seconds, then ask again
============================  ===============================================

Rules are matched by :mod:`urllib.robotparser` (first matching line wins,
not Google's longest match). ``Crawl-delay`` is honoured as a minimum
spacing between requests to the host (capped, see
:data:`~occasional.fetch.politeness.MAX_CRAWL_DELAY`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.robotparser import RobotFileParser

from yarl import URL

from ..exceptions import (
    BlockedAddressError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
)

if TYPE_CHECKING:
    from .client import Fetcher

__all__ = ["RobotsCache"]

# Google reads the first 500 KiB of a robots.txt and ignores the rest.
_MAX_ROBOTS = 500 * 1024


@dataclass(frozen=True, slots=True)
class _Rules:
    """What one origin's robots.txt said, until ``expires`` (clock seconds)."""

    parser: RobotFileParser | None
    allow_all: bool
    expires: float
    crawl_delay: float | None = None
    note: str | None = None

    def allows(self, agent: str, url: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(agent, url)


def _origin(url: str) -> str:
    parsed = URL(url)
    return str(parsed.origin())


def _parse(text: str, agent: str, expires: float) -> _Rules:
    parser = RobotFileParser()
    parser.parse(text[:_MAX_ROBOTS].splitlines())
    delay = parser.crawl_delay(agent)
    return _Rules(parser, True, expires, float(delay) if delay is not None else None)


class RobotsCache:
    """Parsed robots.txt per origin, shared by every request of a Fetcher.

    ``ttl`` is how long a fetched robots.txt is trusted; ``error_ttl`` how
    long a 5xx or unreachable one forbids the whole site. ``clock`` returns
    seconds (monotonic by default; tests pass their own).
    """

    def __init__(
        self,
        ttl: float = 3600.0,
        error_ttl: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.error_ttl = error_ttl
        self._clock = clock
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, fetcher: Fetcher, url: str) -> bool:
        """Whether robots.txt lets ``fetcher``'s User-Agent fetch ``url``.

        Fetches robots.txt when not cached (one fetch per origin at a time).
        Raises BlockedAddressError if the guard refuses the site's address;
        other fetch failures count as "unreachable" and forbid for a while.
        """
        rules = await self._rules_for(fetcher, url)
        return rules.allows(fetcher.settings.user_agent, url)

    def crawl_delay(self, url: str) -> float | None:
        """The cached Crawl-delay for ``url``'s origin in seconds, if any."""
        rules = self._rules.get(_origin(url))
        return rules.crawl_delay if rules is not None else None

    def note(self, url: str) -> str | None:
        """Why the whole of ``url``'s origin is refused (robots.txt unreadable), if it is."""
        rules = self._rules.get(_origin(url))
        return rules.note if rules is not None else None

    async def _rules_for(self, fetcher: Fetcher, url: str) -> _Rules:
        origin = _origin(url)
        async with self._locks.setdefault(origin, asyncio.Lock()):
            rules = self._rules.get(origin)
            if rules is None or rules.expires <= self._clock():
                rules = await self._fetch(fetcher, origin)
                self._rules[origin] = rules
            return rules

    async def _fetch(self, fetcher: Fetcher, origin: str) -> _Rules:
        now = self._clock()
        allow_all = _Rules(None, True, now + self.ttl)
        try:
            response = await fetcher.get(f"{origin}/robots.txt", accept="text/plain")
        except BlockedAddressError:
            raise
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                return allow_all
            return self._forbid_all(origin, f"HTTP {exc.status}", now)
        except InvalidURLError:
            return allow_all  # redirected somewhere unfetchable: as good as absent
        except FetchError as exc:
            what = "timed out" if isinstance(exc, FetchTimeoutError) else "unreachable"
            return self._forbid_all(origin, what, now)
        return _parse(response.text(), fetcher.settings.user_agent, now + self.ttl)

    def _forbid_all(self, origin: str, what: str, now: float) -> _Rules:
        note = (
            f"robots.txt of {origin} could not be read ({what}); the site is left alone "
            f"for {self.error_ttl:.0f} s, as search engines do"
        )
        return _Rules(None, False, now + self.error_ttl, note=note)
