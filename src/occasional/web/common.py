"""What every page shares: the logged-in visit, CSRF checks, templates, error pages.

Every page handler is wrapped by :func:`page`, which finds the session from
its cookie (no session: a redirect to the login page for a plain GET, 401
otherwise), checks the CSRF token of every POST, runs the handler, and turns
any :class:`~occasional.exceptions.OccasionalError` into a page that says
what went wrong in words. Engine calls are synchronous and run on worker
threads (:func:`run`), never on the event loop.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote, urlsplit

import jinja2
from anyio import to_thread
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from ..core import Engine
from ..exceptions import (
    InputError,
    OccasionalError,
    SourceError,
    StorageError,
    UserError,
)
from ..render.view import safe_url
from ..scope import UserScope
from ..storage.accounts import User
from .words import relative, stamp

__all__ = [
    "SESSION_COOKIE",
    "Visit",
    "done_with",
    "error_page",
    "local_path",
    "page",
    "read_form",
    "render",
    "run",
    "templates",
]

P = ParamSpec("P")
T = TypeVar("T")

SESSION_COOKIE = "occasional_session"
#: Largest form accepted (an OPML upload is the biggest thing a page sends).
MAX_FORM_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Visit:
    """A logged-in request: who, their scope, their session's CSRF token."""

    user: User
    scope: UserScope
    csrf: str
    token: str

    @property
    def engine(self) -> Engine:
        """The engine behind the user's scope."""
        return self.scope.engine


async def run(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call a synchronous engine method on a worker thread."""
    return await to_thread.run_sync(functools.partial(func, *args, **kwargs))


@cache
def templates() -> Jinja2Templates:
    """The page templates; the e-mail card templates are importable from them."""
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("occasional.web", "templates"),
                jinja2.PackageLoader("occasional.render", "templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["stamp"] = stamp
    environment.globals["relative"] = relative
    environment.globals["safe"] = safe_url
    return Jinja2Templates(env=environment)


def engine_of(request: Request) -> Engine:
    """The engine the app serves."""
    engine: Engine = request.app.state.engine
    return engine


def render(
    request: Request,
    template: str,
    visit: Visit | None,
    /,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page from ``template``; never cached (it holds a user's data)."""
    values = {
        "visit": visit,
        "csrf": visit.csrf if visit else request.scope.get("login_csrf", ""),
        "path": request.url.path,
        "now": engine_of(request).clock(),
        **context,
    }
    response = templates().TemplateResponse(request, template, values, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(request: Request, visit: Visit | None, status: int, message: str) -> Response:
    """A page that says what went wrong in words (a fragment for htmx requests)."""
    if request.headers.get("hx-request"):
        return PlainTextResponse(message, status_code=status)
    return render(request, "error.html", visit, status=status, message=message)


def _status(error: OccasionalError) -> int:
    if isinstance(error, LookupError):
        return 404
    if isinstance(error, StorageError):
        return 503
    if isinstance(error, InputError | ValueError | SourceError | UserError):
        return 400
    return 502  # a fetch, delivery or extraction failed somewhere else


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site (never another host); else ``default``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return default
    return target


async def read_form(request: Request) -> FormData:
    """The request's form (cached by Starlette), with our size limits; see :func:`done_with`."""
    form = await request.form(max_part_size=MAX_FORM_BYTES)
    request.state.form = form
    return form


async def done_with(request: Request) -> None:
    """Close the request's form, if one was read (uploads live in temporary files)."""
    form = getattr(request.state, "form", None)
    if form is not None:
        await form.close()


async def visit_of(request: Request) -> Visit | None:
    """The logged-in visit of a request, or None."""
    token = request.cookies.get(SESSION_COOKIE, "")
    engine = engine_of(request)
    found = await run(engine.login_of, token, kind="web") if token else None
    if found is None:
        return None
    user, session = found
    return Visit(user, engine.for_user(user), session.csrf, token)


def _refuse(request: Request) -> Response:
    if request.method == "GET" and not request.headers.get("hx-request"):
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)
    headers = {"HX-Redirect": "/login"} if request.headers.get("hx-request") else {}
    return PlainTextResponse("Log in first.", status_code=401, headers=headers)


def csrf_ok(expected: str, given: str | None) -> bool:
    """Whether a submitted CSRF token matches (in constant time)."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


Handler = Callable[[Request, Visit], Awaitable[Response]]


def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a page handler: login required, CSRF checked on POST, errors in words."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        visit = await visit_of(request)
        if visit is None:
            return _refuse(request)
        if request.method == "POST":
            form = await read_form(request)
            given = request.headers.get("x-csrf-token") or form.get("csrf")
            if not csrf_ok(visit.csrf, given if isinstance(given, str) else None):
                message = "This form has expired. Reload the page and try again."
                return error_page(request, visit, 403, message)
        try:
            return await handler(request, visit)
        except OccasionalError as error:
            return error_page(request, visit, _status(error), str(error))
        finally:
            await done_with(request)

    return endpoint


def now_of(request: Request) -> datetime:
    """The engine's clock (injectable in tests)."""
    return engine_of(request).clock()
