"""Digests, what they showed, readers' feedback and stage state, for SqlStorage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from .base import DigestNotFoundError, Feedback, StoredDigest, new_digest_id
from .schema import digest_shown, digests, feedback, state
from .sqlbase import SqlBase, chunks

__all__ = ["DigestsMixin"]


def _stored(connection: Connection, rows: Sequence[Row[Any]]) -> list[StoredDigest]:
    """Digest rows as StoredDigest, each with the fingerprints it showed."""
    shown: dict[str, dict[str, str]] = defaultdict(dict)
    for part in chunks([row.id for row in rows]):
        picked = select(digest_shown).where(digest_shown.c.digest_id.in_(part))
        for item in connection.execute(picked):
            shown[item.digest_id][item.story_id] = item.fingerprint
    return [
        StoredDigest(
            row.id,
            row.profile,
            row.generated,
            row.sent,
            row.payload,
            shown[row.id],
            for_delivery=row.for_delivery,
            attempts=row.attempts,
            last_attempt=row.last_attempt,
            last_error=row.last_error,
            delivered=tuple(row.delivered or ()),
            given_up=row.given_up,
        )
        for row in rows
    ]


class DigestsMixin(SqlBase):
    """Digest, feedback and state methods of :class:`~occasional.storage.base.Storage`."""

    def save_digest(
        self,
        profile: str,
        generated: datetime,
        payload: Any,
        shown: Mapping[str, str],
        *,
        digest_id: str | None = None,
        for_delivery: bool = False,
    ) -> str:
        """See :meth:`Storage.save_digest`."""
        digest_id = digest_id or new_digest_id()
        row = {
            "id": digest_id,
            "profile": profile,
            "generated": generated,
            "payload": payload,
            "for_delivery": for_delivery,
        }
        shown_rows = [
            {"digest_id": digest_id, "story_id": story, "fingerprint": fingerprint}
            for story, fingerprint in shown.items()
        ]
        with self._write(f"saving a digest for {profile}") as connection:
            connection.execute(insert(digests).values(**row))
            if shown_rows:
                connection.execute(insert(digest_shown), shown_rows)
        return digest_id

    def mark_digest_sent(self, digest_id: str, now: datetime) -> None:
        """See :meth:`Storage.mark_digest_sent`."""
        values = {
            "sent": now,
            "attempts": digests.c.attempts + 1,
            "last_attempt": now,
            "last_error": None,
            "given_up": None,
        }
        statement = update(digests).where(digests.c.id == digest_id).values(**values)
        with self._write(f"marking digest {digest_id} sent") as connection:
            if connection.execute(statement).rowcount == 0:
                raise DigestNotFoundError(f"no digest {digest_id!r} is stored")

    def note_delivered(self, digest_id: str, target: str, now: datetime) -> None:
        """See :meth:`Storage.note_delivered`."""
        with self._write(f"noting a delivery of digest {digest_id}") as connection:
            found = self._delivery_row(connection, digest_id)
            delivered = list(dict.fromkeys([*(found.delivered or ()), target]))
            statement = update(digests).where(digests.c.id == digest_id)
            values = {"delivered": delivered, "last_attempt": now, "for_delivery": True}
            connection.execute(statement.values(**values))

    def note_delivery_failure(
        self, digest_id: str, error: str, now: datetime, *, give_up: bool = False
    ) -> StoredDigest:
        """See :meth:`Storage.note_delivery_failure`."""
        with self._write(f"noting a failed delivery of digest {digest_id}") as connection:
            found = self._delivery_row(connection, digest_id)
            values: dict[str, Any] = {
                "for_delivery": True,
                "attempts": found.attempts + 1,
                "last_attempt": now,
                "last_error": error,
            }
            if give_up:
                values["given_up"] = now
            statement = update(digests).where(digests.c.id == digest_id).values(**values)
            connection.execute(statement)
            rows = connection.execute(select(digests).where(digests.c.id == digest_id)).all()
            return _stored(connection, rows)[0]

    @staticmethod
    def _delivery_row(connection: Connection, digest_id: str) -> Row[Any]:
        query = select(digests).where(digests.c.id == digest_id)
        found = connection.execute(query).first()
        if found is None:
            raise DigestNotFoundError(f"no digest {digest_id!r} is stored")
        return found

    def digests(self, profile: str, limit: int = 10) -> list[StoredDigest]:
        """See :meth:`Storage.digests`."""
        query = (
            select(digests)
            .where(digests.c.profile == profile)
            .order_by(digests.c.generated.desc(), digests.c.seq.desc())
            .limit(limit)
        )
        with self._read(f"reading digests of {profile}") as connection:
            return _stored(connection, connection.execute(query).all())

    def get_digest(self, digest_id: str) -> StoredDigest:
        """See :meth:`Storage.get_digest`."""
        query = select(digests).where(digests.c.id == digest_id)
        with self._read(f"reading digest {digest_id}") as connection:
            found = _stored(connection, connection.execute(query).all())
        if not found:
            raise DigestNotFoundError(
                f"no stored digest {digest_id!r}; `occasional digests` lists the stored ones"
            )
        return found[0]

    def last_shown(self, profile: str, *, sent_only: bool = False) -> dict[str, str]:
        """See :meth:`Storage.last_shown`."""
        query = (
            select(digest_shown.c.story_id, digest_shown.c.fingerprint)
            .join(digests, digests.c.id == digest_shown.c.digest_id)
            .where(digests.c.profile == profile)
            .order_by(digests.c.generated, digests.c.seq)
        )
        query = query.where(digests.c.given_up.is_(None))
        if sent_only:
            query = query.where(digests.c.sent.is_not(None))
        with self._read(f"reading what {profile} was shown") as connection:
            # Oldest first, so each story keeps the fingerprint shown last.
            return {story: fingerprint for story, fingerprint in connection.execute(query)}

    def add_feedback(
        self, profile: str, story_id: str, kind: str, now: datetime, *, link: str | None = None
    ) -> bool:
        """See :meth:`Storage.add_feedback`."""
        values = {
            "profile": profile,
            "story_id": story_id,
            "kind": kind,
            "created": now,
            "link": link,
        }
        with self._write(f"recording feedback from {profile}") as connection:
            statement: Any = self._insert(connection, feedback).values(**values)
            if link is not None:
                statement = statement.on_conflict_do_nothing(index_elements=["link"])
            # rowcount is not reliable for ON CONFLICT DO NOTHING on every driver.
            return connection.execute(statement.returning(feedback.c.seq)).first() is not None

    def feedback(self, profile: str) -> list[Feedback]:
        """See :meth:`Storage.feedback`."""
        query = select(feedback).where(feedback.c.profile == profile).order_by(feedback.c.seq)
        with self._read(f"reading feedback from {profile}") as connection:
            rows = connection.execute(query).all()
        return [
            Feedback(row.profile, row.story_id, row.kind, row.created, str(row.seq)) for row in rows
        ]

    def get_state(self, key: str) -> Any:
        """See :meth:`Storage.get_state`."""
        with self._read(f"reading state {key}") as connection:
            return connection.execute(select(state.c.value).where(state.c.key == key)).scalar()

    def set_state(self, key: str, value: Any) -> None:
        """See :meth:`Storage.set_state`."""
        with self._write(f"storing state {key}") as connection:
            self._upsert(connection, state, [{"key": key, "value": value}], ["key"])
