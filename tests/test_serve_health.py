"""``serve``'s poll loop survives anything a poll raises, logs it, and says so on /health."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp
import pytest

from occasional import make_engine
from occasional.core import Engine
from occasional.pipeline import PollReport, SourceResult
from occasional.serve import Server

pytestmark = pytest.mark.faults


class TroubledEngine(Engine):
    """An Engine whose polls raise, then report a failing source, then succeed.

    The Server's one seam is the Engine it is given; the failures are the kinds a
    poll has raised in the field (a parser's TypeError, an overflow in a date).
    """

    script: list[BaseException | PollReport]

    def poll(self, **kwargs: object) -> PollReport:  # type: ignore[override]
        step = self.script.pop(0) if self.script else PollReport()
        if isinstance(step, BaseException):
            raise step
        return step


def troubled(home: Path, script: list[BaseException | PollReport]) -> TroubledEngine:
    plain = make_engine(home=home, overrides={"serve": {"poll_every": 1}})
    engine = TroubledEngine(plain.config, plain.storage)
    engine.script = script
    return engine


async def health(server: Server) -> tuple[int, dict[str, object]]:
    url = f"http://127.0.0.1:{server.bound_port}/health"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def started(server: Server) -> asyncio.Task[None]:
    task = asyncio.create_task(server.run())
    while server.bound_port is None:
        await asyncio.sleep(0.01)
    return task


async def until(condition, seconds: float = 15) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition never held")


def test_poll_loop_survives_anything_a_poll_raises_and_health_tells(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    failing = SourceResult("s1", "https://broken.example/feed", "error", error="HTTP 500")
    script: list[BaseException | PollReport] = [
        TypeError("'int' object is not iterable"),
        OverflowError("date value out of range"),
        PollReport(sources=[failing]),
    ]
    engine = troubled(tmp_path, script)
    lines: list[str] = []

    async def scenario() -> list[tuple[int, dict[str, object]]]:
        server = Server(engine, host="127.0.0.1", port=0, log=lines.append)
        task = await started(server)
        seen = []
        await until(lambda: server.poll_health.failures >= 1)
        seen.append(await health(server))
        await until(lambda: server.poll_health.failures == 0)
        seen.append(await health(server))
        server.stopping.set()
        await asyncio.wait_for(task, timeout=30)
        return seen

    with caplog.at_level(logging.DEBUG, logger="occasional.serve"):
        (bad, good) = asyncio.run(scenario())
    engine.close()
    assert bad[0] == 503 and bad[1]["ok"] is False
    poll = bad[1]["poll"]
    assert isinstance(poll, dict) and poll["running"] is True
    assert "TypeError: 'int' object is not iterable" in str(poll["last_error"])
    assert poll["last_started"] and poll["failures"] == 1
    assert good[0] == 200 and good[1]["ok"] is True
    assert good[1]["poll"]["last_error"] is None and good[1]["poll"]["last_ok"]  # type: ignore[index]
    assert any("poll failed: TypeError" in line for line in lines)
    assert any("poll failed: OverflowError" in line for line in lines)
    assert any("https://broken.example/feed: HTTP 500" in line for line in lines)
    assert any(r.exc_info and r.exc_info[0] is TypeError for r in caplog.records)  # traceback


def test_health_is_503_when_the_poll_loop_is_dead(tmp_path: Path) -> None:
    engine = troubled(tmp_path, [])

    async def scenario() -> tuple[int, dict[str, object]]:
        server = Server(engine, host="127.0.0.1", port=0, log=lambda _: None)
        task = await started(server)
        await until(lambda: server.poll_health.last_ok is not None)
        server.loops[0].cancel()  # as if the loop had ended
        await until(lambda: server.loops[0].done())
        answer = await health(server)
        server.stopping.set()
        await asyncio.wait_for(task, timeout=30)
        return answer

    status, body = asyncio.run(scenario())
    engine.close()
    assert status == 503 and body["ok"] is False
    assert body["poll"]["running"] is False  # type: ignore[index]
