"""Reader API item state: mark read, unread or starred, mark a stream read, count unread.

Items are folded copy groups, so marking one item marks every copy of it.
Routed by :mod:`occasional.web.reader`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..storage.accounts import ItemQuery
from .common import run
from .readercall import LABEL, MAX_CONTENTS, READING_LIST, ApiCall, ApiError, api
from .readeritems import plain_text
from .readerstreams import item_seqs, micros, refs_for, stream_query

__all__ = ["edit_tag", "mark_all_as_read", "unread_count"]


def _flag(stream: str) -> str | None:
    for name in ("read", "starred", "kept-unread"):
        if stream.endswith(f"/state/com.google/{name}"):
            return name
    return None


@api(write=True)
async def edit_tag(call: ApiCall) -> Response:
    """POST /edit-tag: i=… with a= / r= read or starred (kept-unread means unread)."""
    seqs = item_seqs(call.params.get("i", []))
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
    refs = await run(refs_for, call, seqs)
    await run(call.scope.mark, [ref.article_id for ref in refs], **changes)
    return PlainTextResponse("OK")


@api(write=True)
async def mark_all_as_read(call: ApiCall) -> Response:
    """POST /mark-all-as-read: s=stream, ts=microseconds (items up to then)."""
    query = await stream_query(call, call.one("s") or READING_LIST, MAX_CONTENTS)
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
    return {"id": stream, "count": count, "newestItemTimestampUsec": str(micros(newest))}
