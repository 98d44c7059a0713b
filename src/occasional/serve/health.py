"""``GET /health``: whether the loops run and the last poll succeeded.

The poll loop (:mod:`.schedule`) keeps a :class:`PollHealth` up to date;
:func:`health_response` answers 200 with ``"ok": true`` while the loops run
and the last poll did not fail, else 503.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.responses import JSONResponse, Response

__all__ = ["PollHealth", "health_response"]


@dataclass(slots=True)
class PollHealth:
    """What ``/health`` says about the poll loop: its last poll, and how it ended."""

    last_started: datetime | None = None
    last_finished: datetime | None = None
    last_ok: datetime | None = None
    last_error: str | None = None
    failures: int = 0

    def as_json(self, running: bool) -> dict[str, object]:
        """The ``poll`` object of ``/health``; times ISO 8601 or null."""
        times = {
            name: when.isoformat() if when else None
            for name, when in (
                ("last_started", self.last_started),
                ("last_finished", self.last_finished),
                ("last_ok", self.last_ok),
            )
        }
        return {
            "running": running,
            **times,
            "last_error": self.last_error,
            "failures": self.failures,
        }


def health_response(running: bool, health: PollHealth) -> Response:
    """200 with ``"ok": true`` while the loops run and the last poll did not fail, else 503."""
    ok = running and health.failures == 0
    body = {"ok": ok, "poll": health.as_json(running)}
    return JSONResponse(body, status_code=200 if ok else 503)
