"""Read and starred state and the folded item listing, for SqlStorage.

An item is a copy group: its representative is the group's original
(``copies.copy_of``), or the article itself when it is an original or alone.
The listing finds the representatives of every article from the asked
sources, so a wire story carried by five feeds is one item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from .accounts import ItemQuery, ItemRef
from .schema import articles, copies, item_state
from .sqlbase import SqlBase, chunks

__all__ = ["ItemsMixin"]

_rep = func.coalesce(copies.c.copy_of, articles.c.id)


def _representatives(source_ids: Sequence[str]) -> Any:
    """The distinct representatives of every article from ``source_ids``."""
    return (
        select(_rep.label("rep"))
        .select_from(articles.outerjoin(copies, copies.c.article_id == articles.c.id))
        .where(articles.c.source_id.in_(list(source_ids)))
        .distinct()
        .subquery("reps")
    )


def _items_query(query: ItemQuery) -> Select[Any]:
    reps = _representatives(query.source_ids)
    r = articles.alias("r")
    state = item_state.alias("st")
    joined = reps.join(r, r.c.id == reps.c.rep).outerjoin(
        state, and_(state.c.article_id == r.c.id, state.c.user_id == query.user_id)
    )
    statement = select(
        r.c.seq, r.c.id, r.c.sort_at, r.c.source_id, state.c.read_at, state.c.starred_at
    ).select_from(joined)
    if query.read is not None:
        read = state.c.read_at.is_not(None)
        statement = statement.where(read if query.read else or_(state.c.read_at.is_(None)))
    if query.starred is not None:
        starred = state.c.starred_at.is_not(None)
        statement = statement.where(starred if query.starred else state.c.starred_at.is_(None))
    if query.since is not None:
        statement = statement.where(r.c.sort_at >= query.since)
    if query.until is not None:
        statement = statement.where(r.c.sort_at < query.until)
    if query.after is not None:
        at, seq = query.after
        if query.oldest_first:
            later = or_(r.c.sort_at > at, and_(r.c.sort_at == at, r.c.seq > seq))
        else:
            later = or_(r.c.sort_at < at, and_(r.c.sort_at == at, r.c.seq < seq))
        statement = statement.where(later)
    if query.oldest_first:
        statement = statement.order_by(r.c.sort_at, r.c.seq)
    else:
        statement = statement.order_by(r.c.sort_at.desc(), r.c.seq.desc())
    return statement.limit(query.limit)


class ItemsMixin(SqlBase):
    """Item state methods of the Storage protocol."""

    def set_item_state(
        self,
        user_id: str,
        article_ids: Sequence[str],
        *,
        now: datetime,
        read: bool | None = None,
        starred: bool | None = None,
    ) -> None:
        """See :meth:`AccountStore.set_item_state`."""
        if read is None and starred is None:
            return
        ids = list(dict.fromkeys(article_ids))
        with self._write("marking items") as connection:
            for part in chunks(ids):
                known = select(articles.c.id).where(articles.c.id.in_(part))
                present = {row[0] for row in connection.execute(known)}
                stored = select(item_state).where(
                    item_state.c.user_id == user_id, item_state.c.article_id.in_(present)
                )
                rows = {row.article_id: row for row in connection.execute(stored)}
                values = []
                for article_id in sorted(present):
                    old = rows.get(article_id)
                    read_at = old.read_at if old is not None else None
                    starred_at = old.starred_at if old is not None else None
                    if read is not None:
                        read_at = (read_at or now) if read else None
                    if starred is not None:
                        starred_at = (starred_at or now) if starred else None
                    values.append(
                        {
                            "user_id": user_id,
                            "article_id": article_id,
                            "read_at": read_at,
                            "starred_at": starred_at,
                        }
                    )
                self._upsert(connection, item_state, values, ["user_id", "article_id"])

    def item_states(self, user_id: str, article_ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        """See :meth:`AccountStore.item_states`."""
        found: dict[str, tuple[bool, bool]] = {}
        with self._read("reading item state") as connection:
            for part in chunks(list(dict.fromkeys(article_ids))):
                query = select(item_state).where(
                    item_state.c.user_id == user_id, item_state.c.article_id.in_(part)
                )
                for row in connection.execute(query):
                    found[row.article_id] = (row.read_at is not None, row.starred_at is not None)
        return found

    def items(self, query: ItemQuery) -> list[ItemRef]:
        """See :meth:`AccountStore.items`."""
        if not query.source_ids or query.limit <= 0:
            return []
        with self._read("listing items") as connection:
            rows = connection.execute(_items_query(query)).all()
        return [
            ItemRef(
                row.seq,
                row.id,
                row.sort_at,
                row.source_id,
                row.read_at is not None,
                row.starred_at is not None,
            )
            for row in rows
        ]

    def unread_counts(
        self, user_id: str, source_ids: Sequence[str]
    ) -> dict[str, tuple[int, datetime]]:
        """See :meth:`AccountStore.unread_counts`."""
        if not source_ids:
            return {}
        wanted = list(source_ids)
        r = articles.alias("r")
        state = item_state.alias("st")
        statement = (
            select(_rep.label("rep"), articles.c.source_id, r.c.source_id, r.c.sort_at)
            .select_from(
                articles.outerjoin(copies, copies.c.article_id == articles.c.id)
                .join(r, r.c.id == _rep)
                .outerjoin(state, and_(state.c.article_id == r.c.id, state.c.user_id == user_id))
            )
            .where(articles.c.source_id.in_(wanted), state.c.read_at.is_(None))
        )
        with self._read("counting unread items") as connection:
            rows = connection.execute(statement).all()
        carriers: dict[str, set[str]] = defaultdict(set)
        own: dict[str, tuple[str, datetime]] = {}
        for rep, carrier, rep_source, sort_at in rows:
            carriers[rep].add(carrier)
            own[rep] = (rep_source, sort_at)
        rank = {source: n for n, source in enumerate(wanted)}
        counts: dict[str, tuple[int, datetime]] = {}
        for rep, (rep_source, sort_at) in own.items():
            home = rep_source if rep_source in rank else min(carriers[rep], key=rank.__getitem__)
            count, newest = counts.get(home, (0, sort_at))
            counts[home] = (count + 1, max(newest, sort_at))
        return counts

    def copy_groups(self, article_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """See :meth:`AccountStore.copy_groups`."""
        ids = list(dict.fromkeys(article_ids))
        with self._read("reading copy groups") as connection:
            rep_of: dict[str, str] = {}
            for part in chunks(ids):
                query = (
                    select(articles.c.id, _rep)
                    .select_from(articles.outerjoin(copies, copies.c.article_id == articles.c.id))
                    .where(articles.c.id.in_(part))
                )
                rep_of.update({row[0]: row[1] for row in connection.execute(query)})
            members: dict[str, list[str]] = defaultdict(list)
            reps = sorted(set(rep_of.values()))
            for part in chunks(reps):
                query = (
                    select(copies.c.copy_of, copies.c.article_id)
                    .where(copies.c.copy_of.in_(part))
                    .order_by(copies.c.article_id)
                )
                for rep, member in connection.execute(query):
                    members[rep].append(member)
        return {aid: (rep, *members.get(rep, ())) for aid, rep in rep_of.items()}

    def article_seqs(self, article_ids: Sequence[str]) -> dict[str, int]:
        """See :meth:`AccountStore.article_seqs`."""
        found: dict[str, int] = {}
        with self._read("reading article numbers") as connection:
            for part in chunks(list(article_ids)):
                query = select(articles.c.id, articles.c.seq).where(articles.c.id.in_(part))
                found.update({row[0]: int(row[1]) for row in connection.execute(query)})
        return found

    def articles_by_seq(self, seqs: Sequence[int]) -> dict[int, str]:
        """See :meth:`AccountStore.articles_by_seq`."""
        found: dict[int, str] = {}
        with self._read("reading articles by number") as connection:
            for part in chunks(list(seqs)):
                query = select(articles.c.seq, articles.c.id).where(articles.c.seq.in_(part))
                found.update({int(row[0]): row[1] for row in connection.execute(query)})
        return found
