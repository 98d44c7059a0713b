"""The Google Reader API, as Miniflux and FreshRSS serve it to mobile readers.

Protocol, in short::

    POST /accounts/ClientLogin   Email, Passwd  → "SID=…\\nLSID=…\\nAuth=TOKEN\\n"
    every other call:            Authorization: GoogleLogin auth=TOKEN
    GET  /reader/api/0/token     → T, which every write (POST) must carry

Streams: ``user/-/state/com.google/reading-list`` (everything),
``…/starred``, ``…/read``, ``feed/<source id or URL>``, ``user/-/label/<tag>``.
Items are **folded**: one item per copy group, its original (the article
the copies were taken from); the other outlets that carried it are named in
the item's content and in its ``occasional`` field. Item ids are articles'
stable numbers (long form ``tag:google.com,2005:reader/item/<16 hex>``,
short form decimal). Marking an item read or starred marks every copy.
Titles are plain text, links only http(s), content sanitised.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..exceptions import LoginError, OccasionalError
from ..render.view import safe_url
from ..scope import UserScope
from ..storage.accounts import ItemQuery, ItemRef, Session, Subscription, User
from .auth import LoginLimiter, limiter_keys
from .common import done_with, engine_of, read_form, run
from .readeritems import ITEM_PREFIX, items_json, plain_text

__all__ = ["routes"]

PREFIX = "/reader/api/0"
STATE = "user/-/state/com.google/"
LABEL = "user/-/label/"
READING_LIST, READ, STARRED = STATE + "reading-list", STATE + "read", STATE + "starred"
MAX_IDS, MAX_CONTENTS = 10_000, 1_000


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


async def _params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method == "POST":
        form = await read_form(request)
        for key, item in form.multi_items():
            if isinstance(item, str):
                params.setdefault(key, []).append(item)
    return params


def api(
    *, write: bool = False
) -> Callable[[Callable[[ApiCall], Awaitable[Response]]], Callable[[Request], Awaitable[Response]]]:
    """Wrap an API handler: token from the Authorization header, T checked on writes."""

    def decorate(
        handler: Callable[[ApiCall], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
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
            call = ApiCall(user, engine.for_user(user), session, await _params(request))
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


# --- login ------------------------------------------------------------------------


async def client_login(request: Request) -> Response:
    """POST /accounts/ClientLogin: Email and Passwd → an API token (rate limited)."""
    params = await _params(request)
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


# --- subscriptions and tags ---------------------------------------------------------


def _label(tag: str) -> dict[str, str]:
    # Tags come from OPML folders too: plain text, matched the same way in streams.
    name = plain_text(tag)
    return {"id": LABEL + name, "label": name}


def _subscription(sub: Subscription) -> dict[str, Any]:
    source = sub.source
    return {
        "id": f"feed/{source.id}",
        "title": plain_text(sub.name),
        "categories": [_label(tag) for tag in sub.tags],
        "url": safe_url(source.url) or "",
        "htmlUrl": safe_url(source.site_url) or "",
        "iconUrl": "",
        "firstitemmsec": str(int(sub.added.timestamp() * 1000)),
    }


@api()
async def subscription_list(call: ApiCall) -> Response:
    """GET /subscription/list."""
    subs = await run(call.scope.subscriptions)
    return JSONResponse({"subscriptions": [_subscription(s) for s in subs if s.active]})


@api()
async def tag_list(call: ApiCall) -> Response:
    """GET /tag/list: starred, then every label the user's subscriptions carry."""
    subs = await run(call.scope.subscriptions)
    tags = sorted({plain_text(tag) for sub in subs for tag in sub.tags})
    return JSONResponse(
        {
            "tags": [
                {"id": STARRED},
                *({"id": LABEL + t, "label": t, "type": "folder"} for t in tags),
            ]
        }
    )


def _feed_id(stream: str) -> str:
    if not stream.startswith("feed/"):
        raise ApiError(f"{stream!r} is not a feed stream (feed/…)")
    return stream[len("feed/") :]


def _label_of(stream: str) -> str | None:
    if not stream:
        return None
    parts = stream.split("/", 3)
    if len(parts) == 4 and parts[0] == "user" and parts[2] == "label" and parts[3]:
        return parts[3]
    raise ApiError(f"{stream!r} is not a label (user/-/label/…)")


@api(write=True)
async def subscription_edit(call: ApiCall) -> Response:
    """POST /subscription/edit: ac=subscribe|unsubscribe|edit, s=feed/…, t=, a=, r=."""
    action = call.one("ac")
    streams = call.params.get("s", [])
    if not streams:
        raise ApiError("subscription/edit needs s=feed/…")
    scope = call.scope
    add, remove = _label_of(call.one("a")), _label_of(call.one("r"))
    title = call.params.get("t", [None])[0]
    for stream in streams:
        feed = _feed_id(stream)
        if action == "subscribe":
            sub = await run(scope.follow, feed, tags=[add] if add else [], title=title)
        elif action == "unsubscribe":
            await run(scope.unfollow, feed)
            continue
        elif action == "edit":
            sub = await run(scope.subscription, feed)
        else:
            raise ApiError(f"unknown action {action!r}: subscribe, unsubscribe or edit")
        tags = [t for t in sub.tags if t != remove] + ([add] if add and add not in sub.tags else [])
        await run(scope.edit, sub.source.id, tags=tags, title=title)
    return PlainTextResponse("OK")


@api(write=True)
async def quick_add(call: ApiCall) -> Response:
    """POST /subscription/quickadd: quickadd=URL (a feed or a site)."""
    sub = await run(call.scope.follow, call.one("quickadd"))
    return JSONResponse(
        {
            "numResults": 1,
            "query": sub.source.url,
            "streamId": f"feed/{sub.source.id}",
            "streamName": plain_text(sub.name),
        }
    )


# --- streams --------------------------------------------------------------------------


def _seconds(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise ApiError(f"{value!r} is not a time in seconds") from exc


def _continuation(value: str) -> tuple[datetime, int] | None:
    if not value:
        return None
    micros, _, seq = value.partition("-")
    try:
        return datetime.fromtimestamp(int(micros) / 1e6, UTC), int(seq)
    except (ValueError, OverflowError, OSError) as exc:
        raise ApiError(f"{value!r} is not a continuation this server made") from exc


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


async def _stream_query(call: ApiCall, stream: str, cap: int) -> ItemQuery:
    """The item query a stream id and the usual parameters describe."""
    subs = [s for s in await run(call.scope.subscriptions) if s.active]
    every = [s.source.id for s in subs]
    read: bool | None = None
    starred: bool | None = None
    label = None
    if stream in ("", READING_LIST) or stream.endswith("/state/com.google/reading-list"):
        sources = every
    elif stream.endswith("/state/com.google/starred"):
        sources, starred = every, True
    elif stream.endswith("/state/com.google/read"):
        sources, read = every, True
    elif stream.startswith("feed/"):
        feed = _feed_id(stream)
        sources = [s.source.id for s in subs if feed in (s.source.id, s.source.url)]
    elif (label := _label_of(stream)) is not None:
        sources = [s.source.id for s in subs if label in {plain_text(t) for t in s.tags}]
    else:
        raise ApiError(f"unknown stream {stream!r}")
    for excluded in call.params.get("xt", []):
        if excluded.endswith("/state/com.google/read"):
            read = False
        elif excluded.endswith("/state/com.google/starred"):
            starred = False
    for included in call.params.get("it", []):
        if included.endswith("/state/com.google/read"):
            read = True
        elif included.endswith("/state/com.google/starred"):
            starred = True
    count = _count(call.one("n"), cap)
    return ItemQuery(
        call.user.id,
        sources,
        read=read,
        starred=starred,
        since=_seconds(call.one("ot")),
        until=_seconds(call.one("nt")),
        oldest_first=call.one("r") == "o",
        limit=count + 1,  # one more, to know whether a next page exists
        after=_continuation(call.one("c")),
    )


def _count(value: str, cap: int) -> int:
    if not value:
        return 20
    try:
        return max(1, min(int(value), cap))
    except ValueError as exc:
        raise ApiError(f"n={value!r} is not a number") from exc


def _page(refs: list[ItemRef], query: ItemQuery) -> tuple[list[ItemRef], str | None]:
    shown = refs[: query.limit - 1]
    if len(refs) < query.limit or not shown:
        return shown, None
    last = shown[-1]
    return shown, f"{_micros(last.sort_at)}-{last.seq}"


@api()
async def stream_item_ids(call: ApiCall) -> Response:
    """GET /stream/items/ids: s, xt, it, n, r, ot, nt, c → itemRefs and continuation."""
    query = await _stream_query(call, call.one("s"), MAX_IDS)
    refs, more = _page(await run(call.scope.items, query), query)
    body: dict[str, Any] = {
        "itemRefs": [
            {"id": str(ref.seq), "directStreamIds": [], "timestampUsec": str(_micros(ref.sort_at))}
            for ref in refs
        ]
    }
    if more:
        body["continuation"] = more
    return JSONResponse(body)


def _item_seqs(values: Sequence[str]) -> list[int]:
    seqs = []
    for value in values:
        try:
            seqs.append(
                int(value[len(ITEM_PREFIX) :], 16) if value.startswith(ITEM_PREFIX) else int(value)
            )
        except ValueError as exc:
            raise ApiError(f"{value!r} is not an item id") from exc
    return seqs


async def _items_json(call: ApiCall, refs: Sequence[ItemRef]) -> list[dict[str, Any]]:
    return await run(items_json, call.scope, refs)


@api()
async def stream_items_contents(call: ApiCall) -> Response:
    """GET or POST /stream/items/contents: i=… (repeated) → the items."""
    seqs = _item_seqs(call.params.get("i", []))[:MAX_CONTENTS]
    if not seqs:
        raise ApiError("stream/items/contents needs i=<item id>")
    refs = await run(_refs_for, call, seqs)
    return JSONResponse(
        {
            "id": READING_LIST,
            "updated": int(engine_clock(call).timestamp()),
            "items": await _items_json(call, refs),
        }
    )


def engine_clock(call: ApiCall) -> datetime:
    """Now, by the engine's clock."""
    return call.scope.engine.clock()


def _refs_for(call: ApiCall, seqs: Sequence[int]) -> list[ItemRef]:
    """Item refs for asked numbers, in the asked order, of articles the user can see."""
    storage = call.scope.storage
    ids = storage.articles_by_seq(seqs)
    groups = storage.copy_groups(list(ids.values()))
    members = list({aid for group in groups.values() for aid in group})
    articles = {a.id: a for a in storage.iter_articles(ids=members)} if members else {}
    mine = set(call.scope.source_ids())
    states = storage.item_states(call.user.id, list(ids.values()))
    refs = []
    for seq in seqs:
        article = articles.get(ids.get(seq, ""))
        if article is None:
            continue
        carriers = {articles[a].source_id for a in groups.get(article.id, ()) if a in articles}
        if not carriers & mine:
            continue
        read, starred = states.get(article.id, (False, False))
        at = article.published or article.fetched or engine_clock(call)
        refs.append(ItemRef(seq, article.id, at, article.source_id, read, starred))
    return refs


async def stream_contents_endpoint(request: Request) -> Response:
    """GET /stream/contents[/<stream>]: the stream may be in the path or in s=."""
    stream = request.path_params.get("stream", "")

    @api()
    async def handler(call: ApiCall) -> Response:
        # The stream comes from the path or from s=, whichever the client used.
        chosen = stream or call.one("s") or READING_LIST
        query = await _stream_query(call, chosen, MAX_CONTENTS)
        refs, more = _page(await run(call.scope.items, query), query)
        body: dict[str, Any] = {
            "direction": "ltr",
            "id": chosen,
            "title": "occasional",
            "updated": int(engine_clock(call).timestamp()),
            "items": await _items_json(call, refs),
        }
        if more:
            body["continuation"] = more
        return JSONResponse(body)

    return await handler(request)


# --- state --------------------------------------------------------------------------


def _flag(stream: str) -> str | None:
    for name in ("read", "starred", "kept-unread"):
        if stream.endswith(f"/state/com.google/{name}"):
            return name
    return None


@api(write=True)
async def edit_tag(call: ApiCall) -> Response:
    """POST /edit-tag: i=… with a= / r= read or starred (kept-unread means unread)."""
    seqs = _item_seqs(call.params.get("i", []))
    if not seqs:
        raise ApiError("edit-tag needs i=<item id>")
    changes: dict[str, bool] = {}
    for stream, value in [(s, True) for s in call.params.get("a", [])] + [
        (s, False) for s in call.params.get("r", [])
    ]:
        flag = _flag(stream)
        if flag == "read":
            changes["read"] = value
        elif flag == "kept-unread":
            changes["read"] = not value
        elif flag == "starred":
            changes["starred"] = value
    if not changes:
        raise ApiError("edit-tag needs a= or r= with …/state/com.google/read or starred")
    refs = await run(_refs_for, call, seqs)
    await run(call.scope.mark, [ref.article_id for ref in refs], **changes)
    return PlainTextResponse("OK")


@api(write=True)
async def mark_all_as_read(call: ApiCall) -> Response:
    """POST /mark-all-as-read: s=stream, ts=microseconds (items up to then)."""
    query = await _stream_query(call, call.one("s") or READING_LIST, MAX_CONTENTS)
    ts = call.one("ts")
    until = None
    if ts:
        try:
            until = datetime.fromtimestamp(int(ts) / 1e6, UTC) + timedelta(microseconds=1)
        except (ValueError, OverflowError, OSError) as exc:
            raise ApiError(f"ts={ts!r} is not a time in microseconds") from exc
    query = ItemQuery(call.user.id, query.source_ids, read=False, until=until, limit=MAX_CONTENTS)
    for _ in range(1000):  # each round marks up to MAX_CONTENTS items; stop runaway loops
        refs = await run(call.scope.items, query)
        if not refs:
            break
        await run(call.scope.mark, [ref.article_id for ref in refs], read=True)
    return PlainTextResponse("OK")


@api()
async def unread_count(call: ApiCall) -> Response:
    """GET /unread-count: unread folded items per feed, per label, and in all."""
    subs = [s for s in await run(call.scope.subscriptions) if s.active]
    storage = call.scope.storage
    counts = await run(storage.unread_counts, call.user.id, [s.source.id for s in subs])
    rows = []
    labels: dict[str, tuple[int, datetime]] = {}
    for sub in subs:
        if sub.source.id not in counts:
            continue
        count, newest = counts[sub.source.id]
        rows.append(_count_row(f"feed/{sub.source.id}", count, newest))
        for tag in sub.tags:
            old = labels.get(tag, (0, newest))
            labels[tag] = (old[0] + count, max(old[1], newest))
    labels = {plain_text(tag): value for tag, value in labels.items()}
    rows += [_count_row(LABEL + tag, *value) for tag, value in sorted(labels.items())]
    if counts:
        total = sum(count for count, _ in counts.values())
        newest = max(when for _, when in counts.values())
        rows.append(_count_row(READING_LIST, total, newest))
    return JSONResponse({"max": MAX_CONTENTS, "unreadcounts": rows})


def _count_row(stream: str, count: int, newest: datetime) -> dict[str, Any]:
    return {"id": stream, "count": count, "newestItemTimestampUsec": str(_micros(newest))}


def routes() -> list[BaseRoute]:
    """The Reader API's routes."""
    return [
        Route("/accounts/ClientLogin", client_login, methods=["GET", "POST"]),
        Route(f"{PREFIX}/token", token, methods=["GET", "POST"]),
        Route(f"{PREFIX}/user-info", user_info, methods=["GET"]),
        Route(f"{PREFIX}/subscription/list", subscription_list, methods=["GET"]),
        Route(f"{PREFIX}/subscription/edit", subscription_edit, methods=["POST"]),
        Route(f"{PREFIX}/subscription/quickadd", quick_add, methods=["POST"]),
        Route(f"{PREFIX}/tag/list", tag_list, methods=["GET"]),
        Route(f"{PREFIX}/stream/items/ids", stream_item_ids, methods=["GET", "POST"]),
        Route(f"{PREFIX}/stream/items/contents", stream_items_contents, methods=["GET", "POST"]),
        Route(f"{PREFIX}/stream/contents", stream_contents_endpoint, methods=["GET"]),
        Route(f"{PREFIX}/stream/contents/{{stream:path}}", stream_contents_endpoint),
        Route(f"{PREFIX}/edit-tag", edit_tag, methods=["POST"]),
        Route(f"{PREFIX}/mark-all-as-read", mark_all_as_read, methods=["POST"]),
        Route(f"{PREFIX}/unread-count", unread_count, methods=["GET"]),
    ]
