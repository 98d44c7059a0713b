"""The web application: routes, security headers, size limits and error pages.

:func:`make_app` builds one Starlette app over an Engine. ``occasional
serve`` adds its own routes (the signed feedback links, /health) and runs
it under uvicorn beside the poll loop and the digest schedules. Nothing
answers without a login except the login page, static files, /health, the
signed feedback links and the Reader API's ClientLogin (the Reader API
checks its own tokens).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib.resources import files

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core import Engine
from . import auth, manage, pages, reader
from .common import error_page

__all__ = ["MAX_BODY", "make_app"]

log = logging.getLogger("occasional.web")

#: Largest request body accepted (bigger ones get 413 before they are read).
MAX_BODY = 6 * 1024 * 1024

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
_HEADERS = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class Guard:
    """Security headers on every response; request bodies capped at :data:`MAX_BODY`."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body:
            await Response("Request too large.", status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise HTTPException(413, "Request too large.")
            return message

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in _HEADERS if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, counted, with_headers)


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    messages = {404: "There is no page here.", 405: "That page does not take this kind of request."}
    message = messages.get(status, getattr(exc, "detail", "") or "That request cannot be answered.")
    return error_page(request, None, status, str(message))


async def _crashed(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    message = "Something went wrong on the server. It was logged; please try again later."
    return error_page(request, None, 500, message)


def routes() -> list[BaseRoute]:
    """Every route of the web app and the Reader API."""
    static = StaticFiles(directory=str(files("occasional.web") / "static"))
    return [
        Route("/login", auth.login_form, methods=["GET"]),
        Route("/login", auth.login_submit, methods=["POST"]),
        Route("/logout", auth.logout, methods=["POST"]),
        Route("/", pages.today, methods=["GET"]),
        Route("/digest", pages.make_digest, methods=["POST"]),
        Route("/archive", pages.archive, methods=["GET"]),
        Route("/archive/{digest_id}", pages.archive_digest, methods=["GET"]),
        Route("/stories", pages.stories, methods=["GET"]),
        Route("/stories/{story_id}", pages.story, methods=["GET"]),
        Route("/stories/{story_id}/feedback", pages.feedback_action, methods=["POST"]),
        Route("/items/{article_id}/mark", pages.mark_action, methods=["POST"]),
        Route("/starred", pages.starred, methods=["GET"]),
        Route("/feedback/list", pages.feedback_page, methods=["GET"]),
        Route("/feedback/{feedback_id}/undo", pages.undo_feedback, methods=["POST"]),
        Route("/sources", manage.sources, methods=["GET"]),
        Route("/sources", manage.add_source, methods=["POST"]),
        Route("/sources/opml", manage.export_opml, methods=["GET"]),
        Route("/sources/opml", manage.import_opml, methods=["POST"]),
        Route("/sources/{source_id}", manage.edit_source, methods=["POST"]),
        Route("/profiles", manage.profiles, methods=["GET"]),
        Route("/profiles", manage.new_profile, methods=["POST"]),
        Route("/profiles/{name}", manage.profile_form, methods=["GET"]),
        Route("/profiles/{name}", manage.profile_save, methods=["POST"]),
        *reader.routes(),
        Mount("/static", app=static, name="static"),
    ]


def make_app(engine: Engine, *, extra: Sequence[BaseRoute] = ()) -> Starlette:
    """The web app over ``engine``; ``extra`` routes (serve's) are matched first."""
    app = Starlette(
        routes=[*extra, *routes()],
        exception_handlers={404: _not_found, 405: _not_found, 413: _not_found, 500: _crashed},
    )
    app.state.engine = engine
    app.state.limiter = auth.LoginLimiter(engine.clock)
    app.add_middleware(Guard)
    return app
