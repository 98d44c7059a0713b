"""Reader API streams: item ids and contents of a stream, and contents of asked items.

Streams: ``user/-/state/com.google/reading-list`` (everything),
``…/starred``, ``…/read``, ``feed/<source id or URL>``,
``user/-/label/<tag>``; ``xt`` / ``it`` exclude or include read and starred
items, ``n`` caps a page, ``r=o`` is oldest first, ``ot`` / ``nt`` bound the
time, ``c`` continues a page. Routed by :mod:`occasional.web.reader`;
:func:`stream_query`, :func:`item_seqs`, :func:`refs_for` and :func:`micros`
also serve :mod:`.readerstate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..storage.accounts import ItemQuery, ItemRef, Subscription
from .common import run
from .readercall import MAX_CONTENTS, MAX_IDS, READING_LIST, ApiCall, ApiError, api
from .readeritems import ITEM_PREFIX, items_json, plain_text
from .readersubs import feed_id, label_of

__all__ = [
    "engine_clock",
    "item_seqs",
    "micros",
    "refs_for",
    "stream_contents_endpoint",
    "stream_item_ids",
    "stream_items_contents",
    "stream_query",
]


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
    stamp, _, seq = value.partition("-")
    try:
        return datetime.fromtimestamp(int(stamp) / 1e6, UTC), int(seq)
    except (ValueError, OverflowError, OSError) as exc:
        raise ApiError(f"{value!r} is not a continuation this server made") from exc


def micros(moment: datetime) -> int:
    """A time as whole microseconds since the epoch, as the API writes times."""
    return int(moment.timestamp() * 1_000_000)


def _stream_sources(
    stream: str, subs: list[Subscription]
) -> tuple[list[str], bool | None, bool | None]:
    """The sources a stream id covers, and whether it asks for read or starred items only."""
    every = [s.source.id for s in subs]
    if stream in ("", READING_LIST) or stream.endswith("/state/com.google/reading-list"):
        return every, None, None
    if stream.endswith("/state/com.google/starred"):
        return every, None, True
    if stream.endswith("/state/com.google/read"):
        return every, True, None
    if stream.startswith("feed/"):
        feed = feed_id(stream)
        return [s.source.id for s in subs if feed in (s.source.id, s.source.url)], None, None
    if (label := label_of(stream)) is not None:
        return [s.source.id for s in subs if label in {plain_text(t) for t in s.tags}], None, None
    raise ApiError(f"unknown stream {stream!r}")


def _state_filters(
    call: ApiCall, read: bool | None, starred: bool | None
) -> tuple[bool | None, bool | None]:
    """``read`` and ``starred`` after the call's ``xt`` (excluded) and ``it`` (included)."""
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
    return read, starred


async def stream_query(call: ApiCall, stream: str, cap: int) -> ItemQuery:
    """The item query a stream id and the usual parameters describe."""
    subs = [s for s in await run(call.scope.subscriptions) if s.active]
    sources, read, starred = _stream_sources(stream, subs)
    read, starred = _state_filters(call, read, starred)
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
    return shown, f"{micros(last.sort_at)}-{last.seq}"


@api()
async def stream_item_ids(call: ApiCall) -> Response:
    """GET /stream/items/ids: s, xt, it, n, r, ot, nt, c → itemRefs and continuation."""
    query = await stream_query(call, call.one("s"), MAX_IDS)
    refs, more = _page(await run(call.scope.items, query), query)
    body: dict[str, Any] = {
        "itemRefs": [
            {"id": str(ref.seq), "directStreamIds": [], "timestampUsec": str(micros(ref.sort_at))}
            for ref in refs
        ]
    }
    if more:
        body["continuation"] = more
    return JSONResponse(body)


def item_seqs(values: Sequence[str]) -> list[int]:
    """Item numbers from item ids, long (``tag:google.com,…/<16 hex>``) or short (decimal)."""
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
    seqs = item_seqs(call.params.get("i", []))[:MAX_CONTENTS]
    if not seqs:
        raise ApiError("stream/items/contents needs i=<item id>")
    refs = await run(refs_for, call, seqs)
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


def refs_for(call: ApiCall, seqs: Sequence[int]) -> list[ItemRef]:
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
        query = await stream_query(call, chosen, MAX_CONTENTS)
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
