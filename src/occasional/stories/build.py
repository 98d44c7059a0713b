"""Stories as readers see them, built from docs and their story assignments.

Called by the pipeline after :func:`~occasional.stories.cluster.cluster_stories`.
Pure; nothing raises (an assignment for an unknown doc is ignored).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..types import Doc, Story, StoryAssignment

__all__ = ["build_stories"]

_LATEST = datetime.max.replace(tzinfo=UTC)
_LABEL_WORDS = 14


def build_stories(docs: Sequence[Doc], assignments: Sequence[StoryAssignment]) -> list[Story]:
    """One :class:`~occasional.types.Story` per story id, earliest first.

    Articles are listed in order of publication (undated last, then by id);
    the label is the headline of the first article that has one, else the
    opening words of its text; ``sources`` are the distinct outlets (the
    doc's ``source``, else its URL's host) in order of first report.
    """
    by_id = {doc.id: doc for doc in docs}
    members: defaultdict[str, list[Doc]] = defaultdict(list)
    for assignment in assignments:
        if assignment.id in by_id:
            members[assignment.story].append(by_id[assignment.id])
    stories = [_story(story, sorted(group, key=_order)) for story, group in members.items()]
    return sorted(stories, key=lambda s: (s.first_seen or _LATEST, s.id))


def _order(doc: Doc) -> tuple[datetime, str]:
    return doc.published or _LATEST, doc.id


def _story(story_id: str, group: list[Doc]) -> Story:
    dates = [doc.published for doc in group if doc.published]
    sources = list(dict.fromkeys(s for s in (_outlet(doc) for doc in group) if s))
    return Story(
        id=story_id,
        label=_label(group),
        article_ids=tuple(doc.id for doc in group),
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
        sources=tuple(sources),
        first_source=sources[0] if sources else None,
    )


def _label(group: list[Doc]) -> str:
    for doc in group:
        if doc.title.strip():
            return " ".join(doc.title.split())
    words = group[0].text.split()
    return " ".join(words[:_LABEL_WORDS]) + (" …" if len(words) > _LABEL_WORDS else "")


def _outlet(doc: Doc) -> str | None:
    if doc.source:
        return doc.source
    if doc.url:
        try:
            host = urlsplit(doc.url).hostname
        except ValueError:
            return None
        return host.removeprefix("www.") if host else None
    return None
