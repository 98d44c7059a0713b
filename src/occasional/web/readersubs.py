"""Reader API subscriptions and tags: list, subscribe, unsubscribe, retitle, relabel.

Feeds are streams ``feed/<source id or URL>``; a subscription's tags are
labels ``user/-/label/<tag>`` (plain text, as OPML folders may carry any).
Routed by :mod:`occasional.web.reader`; :func:`feed_id` and
:func:`label_of` also read stream ids for :mod:`.readerstreams`.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..render.view import safe_url
from ..storage.accounts import Subscription
from .common import run
from .readercall import LABEL, STARRED, ApiCall, ApiError, api
from .readeritems import plain_text

__all__ = [
    "feed_id",
    "label_of",
    "quick_add",
    "subscription_edit",
    "subscription_list",
    "tag_list",
]


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


def feed_id(stream: str) -> str:
    """The source id or URL of a ``feed/…`` stream; :class:`ApiError` for another stream."""
    if not stream.startswith("feed/"):
        raise ApiError(f"{stream!r} is not a feed stream (feed/…)")
    return stream[len("feed/") :]


def label_of(stream: str) -> str | None:
    """The tag of a ``user/-/label/…`` stream, None for none; :class:`ApiError` otherwise."""
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
    add, remove = label_of(call.one("a")), label_of(call.one("r"))
    title = call.params.get("t", [None])[0]
    for stream in streams:
        feed = feed_id(stream)
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
