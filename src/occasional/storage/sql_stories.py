"""Copy decisions, stories and readers' story overrides, for SqlStorage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, get_args

from sqlalchemy import Connection, Row, delete, exists, insert, select

from ..exceptions import InputError, StoryNotFoundError
from ..text import plural
from ..types import CopyDecision, Story, StoryAssignment
from .base import OverrideKind, StoryOverride
from .schema import articles, copies, story_articles, story_overrides
from .schema import stories as stories_table
from .sqlbase import SqlBase, chunks

__all__ = ["StoriesMixin"]

_KINDS: tuple[str, ...] = get_args(OverrideKind)


def _copy_row(decision: CopyDecision, original_urls: Mapping[str, str | None]) -> dict[str, Any]:
    return {
        "article_id": decision.id,
        "copy_of": decision.copy_of,
        "reason": decision.reason,
        "group_id": decision.group,
        "original_url": original_urls.get(decision.id),
    }


def _story_row(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "label": story.label,
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
        "sources": list(story.sources),
        "first_source": story.first_source,
    }


def _memberships(
    stories_: Sequence[Story], assignments: Sequence[StoryAssignment]
) -> list[dict[str, Any]]:
    # An article belongs to one story; an explicit assignment wins over a list.
    member: dict[str, str] = {}
    for story in stories_:
        member.update(dict.fromkeys(story.article_ids, story.id))
    member.update({assignment.id: assignment.story for assignment in assignments})
    return [{"article_id": article, "story_id": story} for article, story in member.items()]


def _article_ids(connection: Connection, story_ids: list[str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for part in chunks(story_ids):
        query = (
            select(story_articles.c.story_id, story_articles.c.article_id)
            .join(articles, articles.c.id == story_articles.c.article_id)
            .where(story_articles.c.story_id.in_(part))
            .order_by(articles.c.sort_at, articles.c.seq)
        )
        for story_id, article_id in connection.execute(query):
            grouped[story_id].append(article_id)
    return {key: tuple(value) for key, value in grouped.items()}


def _story(row: Row[Any], article_ids: tuple[str, ...]) -> Story:
    return Story(
        id=row.id,
        label=row.label,
        article_ids=article_ids,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        sources=tuple(row.sources or ()),
        first_source=row.first_source,
    )


class StoriesMixin(SqlBase):
    """Copy and story methods of :class:`~occasional.storage.base.Storage`."""

    def set_copies(
        self,
        decisions: Sequence[CopyDecision],
        original_urls: Mapping[str, str | None] | None = None,
    ) -> None:
        """See :meth:`Storage.set_copies`."""
        rows = [_copy_row(decision, original_urls or {}) for decision in decisions]
        with self._write(f"storing {plural(len(rows), 'copy decision')}") as connection:
            self._upsert(connection, copies, rows, ["article_id"])

    def set_stories(self, stories: Sequence[Story], assignments: Sequence[StoryAssignment]) -> None:
        """See :meth:`Storage.set_stories`."""
        story_rows = [_story_row(story) for story in stories]
        members = _memberships(stories, assignments)
        with self._write(f"storing {plural(len(story_rows), 'story', 'stories')}") as connection:
            self._upsert(connection, stories_table, story_rows, ["id"])
            self._upsert(connection, story_articles, members, ["article_id"])
            empty = ~exists().where(story_articles.c.story_id == stories_table.c.id)
            connection.execute(delete(stories_table).where(empty))

    def list_stories(
        self, *, since: datetime | None = None, limit: int | None = None
    ) -> list[Story]:
        """See :meth:`Storage.list_stories`."""
        query = select(stories_table).order_by(
            stories_table.c.last_seen.desc().nulls_last(), stories_table.c.id
        )
        if since is not None:
            query = query.where(stories_table.c.last_seen >= since)
        with self._read("listing stories") as connection:
            rows = connection.execute(query.limit(limit)).all()
            members = _article_ids(connection, [row.id for row in rows])
        return [_story(row, members.get(row.id, ())) for row in rows]

    def get_story(self, story_id: str) -> Story:
        """See :meth:`Storage.get_story`."""
        with self._read(f"reading story {story_id}") as connection:
            row = connection.execute(
                select(stories_table).where(stories_table.c.id == story_id)
            ).first()
            if row is None:
                raise StoryNotFoundError(f"no story {story_id!r}; `occasional stories` lists them")
            return _story(row, _article_ids(connection, [story_id]).get(story_id, ()))

    def add_story_override(self, kind: OverrideKind, a: str, b: str, now: datetime) -> None:
        """See :meth:`Storage.add_story_override`."""
        if kind not in _KINDS:
            raise InputError(f"a story override is 'split' or 'merge', not {kind!r}")
        values = {"kind": kind, "a": a, "b": b, "created": now}
        with self._write(f"recording a {kind} of {a} and {b}") as connection:
            connection.execute(insert(story_overrides).values(**values))

    def story_overrides(self) -> list[StoryOverride]:
        """See :meth:`Storage.story_overrides`."""
        query = select(story_overrides).order_by(story_overrides.c.seq)
        with self._read("reading story overrides") as connection:
            rows = connection.execute(query).all()
        return [StoryOverride(row.kind, row.a, row.b, row.created) for row in rows]
