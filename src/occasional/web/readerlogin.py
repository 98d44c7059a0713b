"""Reader API login: ClientLogin (rate limited), the write token T, and user-info.

``POST /accounts/ClientLogin`` with ``Email`` and ``Passwd`` answers
``SID=…\\nLSID=…\\nAuth=TOKEN\\n`` (or JSON with ``output=json``); the token
lasts ``serve.api_token_days``. Routed by :mod:`occasional.web.reader`.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..exceptions import LoginError
from .auth import LoginLimiter, limiter_keys
from .common import engine_of, run
from .readercall import ApiCall, api, params_of

__all__ = ["client_login", "token", "user_info"]


async def client_login(request: Request) -> Response:
    """POST /accounts/ClientLogin: Email and Passwd → an API token (rate limited)."""
    params = await params_of(request)
    name = (params.get("Email") or [""])[0]
    password = (params.get("Passwd") or [""])[0]
    limiter: LoginLimiter = request.app.state.limiter
    keys = limiter_keys(request, name)
    wait = limiter.wait(*keys)
    if wait is not None:
        headers = {"Retry-After": str(int(wait.total_seconds()) + 1)}
        return PlainTextResponse("Error=TooManyAttempts\n", status_code=429, headers=headers)
    engine = engine_of(request)
    try:
        user = await run(engine.authenticate, name.strip(), password)
    except LoginError:
        limiter.failed(*keys)
        return PlainTextResponse("Error=BadAuthentication\n", status_code=401)
    limiter.succeeded(*keys)
    lifetime = timedelta(days=engine.config.serve.api_token_days)
    login = await run(engine.start_login, user, kind="api", lifetime=lifetime)
    if (params.get("output") or [""])[0] == "json":
        return JSONResponse({"SID": login.token, "LSID": login.token, "Auth": login.token})
    body = f"SID={login.token}\nLSID={login.token}\nAuth={login.token}\n"
    return PlainTextResponse(body)


@api()
async def token(call: ApiCall) -> Response:
    """GET /token: the T value writes must carry."""
    return PlainTextResponse(call.session.csrf)


@api()
async def user_info(call: ApiCall) -> Response:
    """GET /user-info."""
    user = call.user
    return JSONResponse(
        {
            "userId": user.id,
            "userName": user.name,
            "userProfileId": user.id,
            "userEmail": user.name,
            "isBloggerUser": False,
            "signupTimeSec": int(user.created.timestamp()),
        }
    )
