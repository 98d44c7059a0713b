"""Logging in and out, and the limit on login attempts.

The session cookie is HttpOnly, SameSite=Lax, and Secure whenever the
request came over HTTPS (directly, or through a trusted proxy's
X-Forwarded-Proto) or ``serve.base_url`` is https. The login form has its
own CSRF token (a cookie matched by a hidden field), since there is no
session yet. :class:`LoginLimiter` counts failures per client address and
per user name; the Reader API's ClientLogin shares it.
"""

from __future__ import annotations

import secrets
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..exceptions import LoginError
from .common import (
    SESSION_COOKIE,
    Visit,
    csrf_ok,
    engine_of,
    local_path,
    page,
    read_form,
    render,
    run,
    visit_of,
)

__all__ = ["LoginLimiter", "login_form", "login_submit", "logout", "secure_cookies"]

LOGIN_COOKIE = "occasional_login"


class LoginLimiter:
    """At most ``attempts`` failed logins per ``window`` for one address or one name.

    Thread-safe; lives in the server process (a restart forgets it).
    """

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        attempts: int = 5,
        window: timedelta = timedelta(minutes=15),
    ) -> None:
        self._clock = clock
        self._attempts = attempts
        self._window = window
        self._failures: dict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self._failures[key]
        while times and now - times[0] >= self._window:
            times.popleft()
        return times

    def wait(self, *keys: str) -> timedelta | None:
        """How long the caller must wait before trying again, or None to go ahead."""
        now = self._clock()
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self._attempts:
                    return times[0] + self._window - now
        return None

    def failed(self, *keys: str) -> None:
        """Count a failed attempt against every key."""
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of these keys."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def limiter_keys(request: Request, name: str) -> tuple[str, str]:
    """The keys a login attempt counts against: its address and its user name."""
    address = request.client.host if request.client else "unknown"
    return f"ip:{address}", f"name:{name.strip().lower()}"


def too_many(wait: timedelta) -> str:
    """The message for a client that must wait."""
    minutes = max(1, int(wait.total_seconds() // 60) + 1)
    return f"Too many failed logins. Try again in {minutes} minute{'s' if minutes > 1 else ''}."


def secure_cookies(request: Request) -> bool:
    """Whether cookies must be Secure: HTTPS here, or a public https base URL."""
    base = engine_of(request).config.serve.base_url or ""
    return request.url.scheme == "https" or base.startswith("https://")


async def login_form(request: Request) -> Response:
    """GET /login: the login form (straight to the next page when logged in)."""
    target = local_path(request.query_params.get("next"))
    if await visit_of(request) is not None:
        return RedirectResponse(target, status_code=303)
    return _form(request, target, "", 200)


def _form(request: Request, target: str, message: str, status: int, name: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    request.scope["login_csrf"] = token
    response = render(
        request, "login.html", None, status=status, next=target, message=message, name=name
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/login",
    )
    return response


async def login_submit(request: Request) -> Response:
    """POST /login: check the form's token, the limit, then the password."""
    form = await read_form(request)
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    target = local_path(str(form.get("next", "")))
    if not csrf_ok(request.cookies.get(LOGIN_COOKIE, ""), str(form.get("csrf", ""))):
        return _form(request, target, "The login form expired. Please try again.", 403, name)
    limiter: LoginLimiter = request.app.state.limiter
    keys = limiter_keys(request, name)
    wait = limiter.wait(*keys)
    if wait is not None:
        response = _form(request, target, too_many(wait), 429, name)
        response.headers["Retry-After"] = str(int(wait.total_seconds()) + 1)
        return response
    engine = engine_of(request)
    try:
        user = await run(engine.authenticate, name.strip(), password)
    except LoginError as error:
        limiter.failed(*keys)
        return _form(request, target, f"{error}.".capitalize(), 401, name)
    limiter.succeeded(*keys)
    days = engine.config.serve.session_days
    login = await run(engine.start_login, user, kind="web", lifetime=timedelta(days=days))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        login.token,
        max_age=days * 86400,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@page
async def logout(request: Request, visit: Visit) -> Response:
    """POST /logout: end this session."""
    await run(visit.engine.end_login, visit.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
