"""``occasional serve``: the long-running loop, the web app and the Reader API.

These things at once, until SIGINT or SIGTERM::

    every serve.poll_every seconds:  engine.poll(); log each failing source
                                     # (--queue: through the workers, waiting for them)
    when a profile's cron fires:     digest=$(engine.pending_digest $p)   # a failed one first
                                     digest=${digest:-$(engine.scheduled_digest $p)}  # quiet rule
                                     engine.send_digest $digest
    every 30 s:                      engine.retry_unsent --due-only  # backoff per digest
    GET /feedback?<signed link>:     a page asking to confirm        # from the e-mail's links
    POST /feedback (the form):       engine.feedback $story $action --link $sig  # once per link
    GET /health:                     {"ok": …, "poll": {last_started, last_ok, last_error, …}}
    everything else over HTTP:       the web app and the Reader API (occasional.web)

The HTTP side is a Starlette app under uvicorn, on ``serve.host:serve.port``.
A connection gets ``serve.header_timeout`` seconds to send a request's
headers (uvicorn has no such limit of its own, so a client trickling bytes
could otherwise hold a connection forever), and no more than
``serve.max_connections`` are held at once (more are closed as they come). Scheduled jobs (polls,
digests, feedback links) run on one worker thread, one at a time; web pages
read and write the storage from their own threads, which SQLite's WAL and
PostgreSQL both allow. On a signal the loop stops taking new work, lets the
running job finish, and closes the storage.

The poll loop survives anything a poll raises: it logs it (one line, the
traceback at debug level), keeps it for ``/health`` and polls again next time.
``/health`` answers 503 with ``"ok": false`` while the last poll failed or the
loop is not running.

The parts: :mod:`.server` (:class:`Server`, :func:`serve_forever`),
:mod:`.schedule` (the loops), :mod:`.feedback` (the links),
:mod:`.health`, :mod:`.protocol` (uvicorn and its limits) and
:mod:`.worker` (the job thread).
"""

from __future__ import annotations

from .feedback import confirm_page
from .health import PollHealth
from .protocol import HeaderTimeoutProtocol
from .schedule import due_profiles, poll_log
from .server import Server, serve_forever

__all__ = [
    "HeaderTimeoutProtocol",
    "PollHealth",
    "Server",
    "confirm_page",
    "due_profiles",
    "poll_log",
    "serve_forever",
]
