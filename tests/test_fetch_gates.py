"""The Fetcher's slots: the Gate semaphore, per-host before global, cancellation, redirects."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from aiohttp import web

from occasional.config import FetchSettings
from occasional.fetch import Fetcher
from occasional.fetch.politeness import Gate, HostLimits


def limits(concurrency: int, per_host: int) -> FetchSettings:
    return FetchSettings(  # type: ignore[call-arg]
        allow_networks=("127.0.0.0/8",), concurrency=concurrency, per_host=per_host
    )


# --- the Gate -----------------------------------------------------------------


def test_gate_serves_waiters_first_come_first_served() -> None:
    async def run() -> list[int]:
        gate = Gate(1)
        order: list[int] = []

        async def one(n: int) -> None:
            await gate.acquire()
            order.append(n)
            await asyncio.sleep(0)
            gate.release()

        await asyncio.gather(*(one(n) for n in range(20)))
        assert gate.idle
        return order

    assert asyncio.run(run()) == list(range(20))


def test_gate_never_lends_more_than_its_size() -> None:
    async def run() -> int:
        gate = Gate(3)
        inside = peak = 0

        async def one() -> None:
            nonlocal inside, peak
            await gate.acquire()
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.001)
            inside -= 1
            gate.release()

        await asyncio.gather(*(one() for _ in range(30)))
        return peak

    assert asyncio.run(run()) == 3


def test_cancelled_waiters_give_up_their_place_without_leaking_slots() -> None:
    async def run() -> Gate:
        gate = Gate(1)
        await gate.acquire()
        waiting = [asyncio.create_task(gate.acquire()) for _ in range(3)]
        await asyncio.sleep(0)
        waiting[0].cancel()
        waiting[2].cancel()
        await asyncio.sleep(0)
        gate.release()  # must go to waiting[1], the only live waiter
        await asyncio.wait_for(waiting[1], 1)
        gate.release()
        return gate

    assert asyncio.run(run()).idle


def test_a_slot_handed_to_a_cancelled_waiter_is_passed_on() -> None:
    async def run() -> bool:
        gate = Gate(1)
        await gate.acquire()
        first = asyncio.create_task(gate.acquire())
        second = asyncio.create_task(gate.acquire())
        await asyncio.sleep(0)
        gate.release()  # hands the slot to `first` ...
        first.cancel()  # ... which is cancelled before it runs
        await asyncio.wait_for(second, 1)
        gate.release()
        return first.cancelled() and gate.idle

    assert asyncio.run(run())


def test_host_limits_forget_idle_hosts() -> None:
    async def run() -> tuple[int, int]:
        hosts = HostLimits(per_host=2)
        for n in range(100):
            await hosts.acquire(f"h{n}.example")
        busy = len(hosts)
        for n in range(100):
            hosts.release(f"h{n}.example")
        return busy, len(hosts)

    assert asyncio.run(run()) == (100, 0)


# --- the Fetcher over a real server --------------------------------------------


@contextlib.asynccontextmanager
async def timed_server(starts: list[tuple[str, float]], delay: float) -> AsyncIterator[int]:
    async def slow(request: web.Request) -> web.Response:
        starts.append((request.host.rsplit(":", 1)[0], time.monotonic()))
        await asyncio.sleep(delay)
        return web.Response(text="ok")

    async def hop(request: web.Request) -> web.Response:
        port = request.host.rsplit(":", 1)[1]
        raise web.HTTPFound(f"http://localhost:{port}/slow")

    app = web.Application()
    app.router.add_get("/slow", slow)
    app.router.add_get("/hop/{n}", hop)
    runner = web.AppRunner(app, shutdown_timeout=0.2)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


def test_a_busy_host_does_not_hold_global_slots_from_other_hosts() -> None:
    # Two global slots, one per host: five requests queue on 127.0.0.1, yet the
    # single request to localhost starts at once instead of behind them.
    starts: list[tuple[str, float]] = []

    async def run() -> float:
        async with timed_server(starts, 0.1) as port, Fetcher(limits(2, 1)) as fetcher:
            began = time.monotonic()
            urls = [f"http://127.0.0.1:{port}/slow"] * 5 + [f"http://localhost:{port}/slow"]
            await asyncio.gather(*(fetcher.get(url) for url in urls))
            return began

    began = asyncio.run(run())
    other = next(at for host, at in starts if host == "localhost")
    assert other - began < 0.09  # before the first 127.0.0.1 answer (0.1 s) was done


def test_cancelled_gets_release_their_slots() -> None:
    starts: list[tuple[str, float]] = []

    async def run() -> int:
        async with timed_server(starts, 0.05) as port, Fetcher(limits(2, 2)) as fetcher:
            url = f"http://127.0.0.1:{port}/slow"
            doomed = [asyncio.create_task(fetcher.get(url)) for _ in range(6)]
            await asyncio.sleep(0.01)
            for task in doomed:
                task.cancel()
            await asyncio.gather(*doomed, return_exceptions=True)
            answers = await asyncio.wait_for(
                asyncio.gather(*(fetcher.get(url) for _ in range(4))), 2
            )
            return sum(r.status == 200 for r in answers)

    assert asyncio.run(run()) == 4


def test_redirects_across_hosts_under_tight_limits_do_not_deadlock() -> None:
    # Every hop takes its own slots, so a chain never waits on a host while it
    # sits on the only global slot another chain needs.
    starts: list[tuple[str, float]] = []

    async def run() -> list[str]:
        async with timed_server(starts, 0.01) as port, Fetcher(limits(1, 1)) as fetcher:
            urls = [f"http://127.0.0.1:{port}/hop/{n}" for n in range(8)]
            answers = await asyncio.wait_for(asyncio.gather(*map(fetcher.get, urls)), 5)
            return [r.url for r in answers]

    finals = asyncio.run(run())
    assert len(finals) == 8
    assert all(url.startswith("http://localhost:") and url.endswith("/slow") for url in finals)
