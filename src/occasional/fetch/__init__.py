"""Fetching: the HTTP client, politeness, the address guard, robots.txt and the poll decider.

- :class:`Fetcher` — every network read goes through it (``async with``).
- :class:`AddressGuard` — refuses private, loopback, … destinations.
- :class:`RobotsCache` — robots.txt per origin, with Crawl-delay.
- :func:`decide` / :func:`due` — the pure "what to poll when" decider, and
  :func:`page_retry_at`, when to try a failed article page again.
"""

from __future__ import annotations

from .client import Fetcher, parse_url
from .guard import AddressGuard
from .headers import cache_max_age, parse_retry_after
from .robots import RobotsCache
from .schedule import (
    PollBounds,
    PollDecision,
    PollOutcome,
    backoff_ceiling,
    decide,
    due,
    outcome_from_error,
    outcome_from_response,
    page_retry_at,
)

__all__ = [
    "AddressGuard",
    "Fetcher",
    "PollBounds",
    "PollDecision",
    "PollOutcome",
    "RobotsCache",
    "backoff_ceiling",
    "cache_max_age",
    "decide",
    "due",
    "outcome_from_error",
    "outcome_from_response",
    "page_retry_at",
    "parse_retry_after",
    "parse_url",
]
