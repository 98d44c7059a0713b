"""The :class:`Server` of ``occasional serve``: the loops and the HTTP side on one event loop.

It binds the socket (:mod:`.protocol`), builds the web app with serve's own
routes (:mod:`.feedback`, :mod:`.health`), starts the loops
(:mod:`.schedule`) and, once ``stopping`` is set, lets the running job
finish (:mod:`.worker`) and shuts the HTTP side down.
:func:`serve_forever` runs it until SIGINT or SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..core import Engine
from ..digestjob import feedback_base_url
from .feedback import FeedbackLinks
from .health import health_response
from .protocol import listen, uvicorn_server
from .schedule import Scheduler
from .worker import Worker

__all__ = ["Server", "serve_forever"]

Log = Callable[[str], None]
_ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - compared, not bound


class Server:
    """The poll loop, the digest schedules, the feedback links, the web app and the API.

    ``scheduler`` runs the loops (its ``health`` is :attr:`poll_health`);
    ``bound_port`` is the port it listens on once :meth:`run` has started.
    """

    def __init__(
        self, engine: Engine, *, host: str, port: int, log: Log = print, queue: bool = False
    ) -> None:
        self.engine = engine
        self.queue = queue
        self.host, self.port = host, port
        self.log = log
        self.stopping = asyncio.Event()
        self.worker = Worker()
        self.feedback = FeedbackLinks(engine, self.worker)
        self.scheduler = Scheduler(engine, self.worker, self.stopping, log, queue=queue)
        self.poll_health = self.scheduler.health
        self.bound_port: int | None = None
        self.loops: list[asyncio.Task[None]] = []

    def app(self) -> Starlette:
        """The web app with serve's own routes: the signed feedback links and health."""
        from ..web import make_app

        routes = [*self.feedback.routes(), Route("/health", self.on_health, methods=["GET"])]
        return make_app(self.engine, extra=routes)

    async def on_health(self, request: Request) -> Response:
        """200 with ``"ok": true`` while the loops run and the last poll did not fail, else 503."""
        running = bool(self.loops) and not self.loops[0].done()
        return health_response(running, self.poll_health)

    def _use_bound_address(self) -> None:
        """Make the digests this server sends link to where it listens (unless base_url says)."""
        config = self.engine.config
        if config.serve.base_url:
            return
        serve = config.serve.model_copy(update={"host": self.host, "port": self.bound_port})
        self.engine.config = config.model_copy(update={"serve": serve})
        if self.host in _ANY_ADDRESS:
            self.log(
                f"digests will link to http://{self.host}:{self.bound_port}, which mail readers "
                "cannot reach; set [serve] base_url to this machine's public address"
            )

    async def run(self) -> None:
        """Serve until :attr:`stopping` is set; then finish the running job and return."""
        sock = listen(self.host, self.port)
        http = uvicorn_server(self.app(), self.engine.config.serve)
        # What uvicorn.Server.serve does, minus taking over the signal handlers.
        http.config.load()
        http.lifespan = http.config.lifespan_class(http.config)
        await http.startup(sockets=[sock])
        self.bound_port = int(sock.getsockname()[1])
        self._use_bound_address()
        address = feedback_base_url(self.engine.config)
        self.log(f"web app, Reader API and feedback links on {address}/")
        self.loops = [
            asyncio.create_task(self.scheduler.poll_loop()),
            asyncio.create_task(self.scheduler.schedule_loop()),
            asyncio.create_task(http.main_loop()),  # uvicorn's housekeeping (Date header)
        ]
        try:
            await self.stopping.wait()
        finally:
            http.should_exit = True
            await asyncio.gather(*self.loops, return_exceptions=True)
            await http.shutdown(sockets=[sock])
            self.worker.shutdown()


def serve_forever(
    engine: Engine,
    *,
    host: str | None = None,
    port: int | None = None,
    log: Log = print,
    queue: bool = False,
) -> None:
    """Run :class:`Server` until SIGINT or SIGTERM, then shut down cleanly."""
    settings = engine.config.serve

    async def main() -> None:
        server = Server(
            engine,
            host=host or settings.host,
            port=settings.port if port is None else port,
            log=log,
            queue=queue,
        )
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.stopping.set)
        await server.run()
        log("stopped")

    asyncio.run(main())
