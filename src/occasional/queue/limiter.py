"""Per-host politeness shared by every worker of the task queue, through Redis.

Each worker process has its own Fetcher, so the per-host limit of one
process (:class:`~occasional.fetch.politeness.HostLimits`) would let N
workers send N × ``fetch.per_host`` requests to one site at once.
:class:`SharedHostLimits` keeps the same promise across all of them::

    acquire(host):  a local slot (this process never asks Redis for more than per_host)
                    then a lease in the sorted set <prefix>:slots:<host>, taken by a Lua
                    script only while fewer than per_host unexpired leases are in it
    release(host):  the lease is removed (and expires by itself if its holder died)
    wait_turn:      <prefix>:turn:<host> holds the next start Crawl-delay allows

Times are Redis's own clock (``TIME``), so workers on machines whose clocks
differ still agree. A waiting request asks again after a short, growing,
jittered pause. Redis errors become :class:`~occasional.exceptions.FetchError`
for the request that met them.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from ..exceptions import FetchError
from ..fetch.politeness import MAX_CRAWL_DELAY, HostLimits

__all__ = ["SharedHostLimits"]

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) * 1000))
  return 1
end
return 0
"""

# Returns how long to wait, as a string (Lua numbers come back truncated to integers).
_TURN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
if now >= next then
  local delay = tonumber(ARGV[1])
  redis.call('SET', KEYS[1], tostring(now + delay), 'PX', math.ceil(delay * 1000) + 1000)
  return '0'
end
return tostring(next - now)
"""

_FIRST_PAUSE, _LONGEST_PAUSE = 0.005, 0.1


class SharedHostLimits:
    """Per-host slots and Crawl-delay spacing that all workers share (a HostSlots).

    ``lease`` is how long a slot may be held before it counts as abandoned: longer
    than any request (the Fetcher's timeouts bound each one).
    """

    def __init__(self, redis: Redis, per_host: int, *, prefix: str, lease: float) -> None:
        self._redis = redis
        self._per_host = per_host
        self._prefix = prefix
        self._lease = lease
        self._local = HostLimits(per_host)
        self._held: dict[str, list[str]] = {}
        self._releases: set[asyncio.Task[Any]] = set()
        self._acquire = redis.register_script(_ACQUIRE)
        self._turn = redis.register_script(_TURN)

    def try_acquire(self, host: str) -> bool:
        """Never at once: every slot is asked of Redis (see :meth:`acquire`)."""
        return False

    async def acquire(self, host: str) -> None:
        """Take a local slot, then a shared lease on one of ``host``'s slots."""
        await self._local.acquire(host)
        try:
            token = await self._lease_slot(host)
        except BaseException:
            self._local.release(host)
            raise
        self._held.setdefault(host, []).append(token)

    async def _lease_slot(self, host: str) -> str:
        token = uuid.uuid4().hex
        key = f"{self._prefix}:slots:{host}"
        pause = _FIRST_PAUSE
        while True:
            try:
                taken = await self._acquire(keys=[key], args=[self._per_host, self._lease, token])
            except RedisError as exc:
                raise FetchError(f"the shared host limiter failed for {host}: {exc}", host) from exc
            if taken:
                return token
            await asyncio.sleep(pause * (1 + random.random()))
            pause = min(pause * 2, _LONGEST_PAUSE)

    def release(self, host: str) -> None:
        """Give the lease back, then the local slot (in the background: it needs Redis)."""
        held = self._held[host]
        token = held.pop()
        if not held:
            del self._held[host]
        task = asyncio.ensure_future(self._give_back(host, token))
        self._releases.add(task)
        task.add_done_callback(self._releases.discard)

    async def _give_back(self, host: str, token: str) -> None:
        try:
            await self._redis.zrem(f"{self._prefix}:slots:{host}", token)
        except RedisError:
            pass  # the lease expires by itself; nothing else depends on it
        finally:
            # Only now: a local waiter would otherwise find the shared set still full.
            self._local.release(host)

    async def wait_turn(self, host: str, delay: float | None) -> None:
        """Sleep until ``delay`` seconds have passed since any worker's last start on ``host``."""
        if not delay or delay <= 0:
            return
        delay = min(delay, MAX_CRAWL_DELAY)
        key = f"{self._prefix}:turn:{host}"
        while True:
            try:
                wait = float(await self._turn(keys=[key], args=[delay]))
            except RedisError as exc:
                raise FetchError(f"the shared host limiter failed for {host}: {exc}", host) from exc
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def aclose(self) -> None:
        """Wait for the leases being given back."""
        if self._releases:
            await asyncio.gather(*self._releases, return_exceptions=True)
