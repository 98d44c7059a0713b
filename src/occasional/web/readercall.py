"""Reader API plumbing: the authenticated call, its errors, and the ``api`` decorator.

Every Reader API handler but ClientLogin is wrapped by :func:`api`, which
reads the ``GoogleLogin auth=TOKEN`` header, checks ``T`` on writes, and
turns :class:`ApiError` and :class:`~occasional.exceptions.OccasionalError`
into plain-text answers (404 for a lookup, else 400). Used by the
``reader*`` modules; routed by :mod:`occasional.web.reader`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..exceptions import OccasionalError
from ..scope import UserScope
from ..storage.accounts import Session, User
from .common import done_with, engine_of, read_form, run

__all__ = [
    "LABEL",
    "MAX_CONTENTS",
    "MAX_IDS",
    "PREFIX",
    "READING_LIST",
    "STARRED",
    "ApiCall",
    "ApiError",
    "api",
    "params_of",
]

PREFIX = "/reader/api/0"
STATE = "user/-/state/com.google/"
LABEL = "user/-/label/"
READING_LIST, READ, STARRED = STATE + "reading-list", STATE + "read", STATE + "starred"
MAX_IDS, MAX_CONTENTS = 10_000, 1_000

Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class ApiCall:
    """An authenticated Reader API request."""

    user: User
    scope: UserScope
    session: Session
    params: dict[str, list[str]]

    def one(self, name: str, default: str = "") -> str:
        """The first value of a parameter."""
        values = self.params.get(name)
        return values[0] if values else default


class ApiError(Exception):
    """A bad request to the API: answered with ``status`` and the message as text."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _unauthorized() -> Response:
    return PlainTextResponse(
        "Unauthorized", status_code=401, headers={"X-Reader-Google-Bad-Token": "true"}
    )


async def params_of(request: Request) -> dict[str, list[str]]:
    """The query's parameters, then (on POST) the form's text fields, in order."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method == "POST":
        form = await read_form(request)
        for key, item in form.multi_items():
            if isinstance(item, str):
                params.setdefault(key, []).append(item)
    return params


def api(*, write: bool = False) -> Callable[[Callable[[ApiCall], Awaitable[Response]]], Handler]:
    """Wrap an API handler: token from the Authorization header, T checked on writes."""

    def decorate(handler: Callable[[ApiCall], Awaitable[Response]]) -> Handler:
        async def endpoint(request: Request) -> Response:
            scheme, _, rest = request.headers.get("authorization", "").partition(" ")
            token = rest.strip()[5:] if rest.strip().startswith("auth=") else ""
            if scheme != "GoogleLogin" or not token:
                return _unauthorized()
            engine = engine_of(request)
            found = await run(engine.login_of, token, kind="api")
            if found is None:
                return _unauthorized()
            user, session = found
            call = ApiCall(user, engine.for_user(user), session, await params_of(request))
            if write and call.one("T") != session.csrf:
                return _unauthorized()
            try:
                return await handler(call)
            except ApiError as error:
                return PlainTextResponse(str(error), status_code=error.status)
            except OccasionalError as error:
                status = 404 if isinstance(error, LookupError) else 400
                return PlainTextResponse(str(error), status_code=status)
            finally:
                await done_with(request)

        return endpoint

    return decorate
