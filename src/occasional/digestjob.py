"""Digests for readers: gather stories, build, keep, render and deliver.

The shell around the pure digest stage, drawn as pseudocode::

    views=$(storage list_stories --since $lookback | with_articles)
    digest=$(build_digest $profile $views --memory $(storage last_shown) --feedback ...)
    id=$(storage save_digest $digest $(card_fingerprint each card))
    sending.send $digest                   # see occasional.sending

Delivery itself (each target once, retries, giving up) is
:mod:`occasional.sending`.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .config import Config
from .digest import (
    Feedback,
    LLMSummarizer,
    Memory,
    Profile,
    StoryView,
    Summarizer,
    build_digest,
    card_fingerprint,
    digest_to_json,
)
from .exceptions import InputError
from .fileio import write_private
from .render import FeedbackSigner, RenderOptions
from .storage.base import Storage
from .types import (
    Digest,
    DigestItem,
    DigestSource,
    Entity,
    Figure,
    Quote,
    SummarySentence,
)

__all__ = [
    "build_for",
    "digest_from_json",
    "feedback_base_url",
    "feedback_signer",
    "keep",
    "render_options",
    "story_views",
]


def story_views(
    storage: Storage, since: datetime, sources: Mapping[str, tuple[str, ...]] | None = None
) -> list[StoryView]:
    """Every story active since ``since`` with its articles and its sources' tags.

    With ``sources`` (source id → the reader's tags for it) only articles of
    those sources count, and a story with none of them is left out.
    """
    stories = storage.list_stories(since=since)
    ids = [aid for story in stories for aid in story.article_ids]
    articles = {a.id: a for a in storage.iter_articles(ids=ids)} if ids else {}
    if sources is None:
        tags = {s.id: s.settings.tags for s in storage.list_sources()}
    else:
        tags = dict(sources)
        articles = {aid: a for aid, a in articles.items() if a.source_id in sources}
    views = []
    for story in stories:
        members = tuple(articles[aid] for aid in story.article_ids if aid in articles)
        if members:
            story_tags = tuple(dict.fromkeys(t for a in members for t in tags.get(a.source_id, ())))
            views.append(StoryView(story=story, articles=members, tags=story_tags))
    return views


def summarizer_for(config: Config) -> Summarizer | None:
    """The LLM summariser when ``[llm] base_url`` is set, else None (extractive only)."""
    llm = config.llm
    if not llm.base_url:
        return None
    return LLMSummarizer(llm.base_url, llm.model, llm.api_key_env, llm.timeout)


def build_for(
    storage: Storage,
    config: Config,
    profile: Profile,
    now: datetime,
    sources: Mapping[str, tuple[str, ...]] | None = None,
) -> Digest:
    """Build (not store) ``profile``'s digest at ``now`` from what is stored.

    ``sources`` narrows it to a reader's subscriptions (see :func:`story_views`).
    """
    views = story_views(storage, now - timedelta(days=config.digest.lookback_days), sources)
    memory = Memory(shown=storage.last_shown(profile.name))
    feedback = [
        Feedback(story_id=f.story_id, kind=f.kind, time=f.created)
        for f in storage.feedback(profile.name)
    ]
    return build_digest(
        profile,
        views,
        now=now,
        memory=memory,
        feedback=feedback,
        summarizer=summarizer_for(config),
    )


def keep(storage: Storage, digest: Digest, *, for_delivery: bool = False) -> Digest:
    """Store ``digest`` (under its id, if it has one) with the fingerprint of every card.

    Returns it with its id. From now on its stories count as shown. With
    ``for_delivery`` it stays pending until every target of its profile took it.
    """
    shown = {item.id: card_fingerprint(item) for item in (*digest.items, *digest.top)}
    payload = digest_to_json(digest)
    digest_id = storage.save_digest(
        digest.profile,
        digest.generated,
        payload,
        shown,
        digest_id=digest.id,
        for_delivery=for_delivery,
    )
    return replace(digest, id=digest_id)


def feedback_signer(config: Config) -> FeedbackSigner:
    """The signer of feedback links, with the home's secret (made on first use)."""
    path = config.home / "feedback.key"
    if not path.exists():
        # Created 0600 in one step: the secret is never readable by others, not even briefly.
        with contextlib.suppress(FileExistsError):  # another process made it first
            write_private(path, secrets.token_bytes(32), exclusive=True)
    # The signer adds the endpoint's path itself.
    return FeedbackSigner(path.read_bytes(), feedback_base_url(config))


def feedback_base_url(config: Config) -> str:
    """Where mail readers reach ``occasional serve``: ``serve.base_url``, else host and port."""
    serve = config.serve
    host = f"[{serve.host}]" if ":" in serve.host else serve.host
    return serve.base_url or f"http://{host}:{serve.port}"


def render_options(config: Config) -> RenderOptions:
    """Render options with signed feedback links."""
    return RenderOptions(feedback_signer=feedback_signer(config))


# --- reading a stored digest back -----------------------------------------------


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _item(data: Mapping[str, Any]) -> DigestItem:
    return DigestItem(
        id=data["id"],
        headline=data["headline"],
        reasons=tuple(data.get("reasons", ())),
        summary=tuple(
            SummarySentence(s["text"], s["article"], s.get("url")) for s in data.get("summary", ())
        ),
        quotes=tuple(
            (Quote(q["text"], q.get("speaker"), 0, len(q["text"])), q["article"])
            for q in data.get("quotes", ())
        ),
        figures=tuple(
            Figure(f["text"], float(f["value"]), f.get("unit"), f.get("counts"))
            for f in data.get("figures", ())
        ),
        entities=tuple(Entity(e["text"], e["label"]) for e in data.get("entities", ())),
        sources=tuple(
            DigestSource(
                s["url"],
                s["title"],
                s["source"],
                bool(s.get("original")),
                _time(s.get("published")),
            )
            for s in data.get("sources", ())
        ),
        score=float(data.get("score", 0.0)),
        status=data.get("status", "new"),
        first_seen=_time(data.get("first_seen")),
        last_seen=_time(data.get("last_seen")),
        top=bool(data.get("top", False)),
    )


def digest_from_json(payload: Mapping[str, Any], digest_id: str | None = None) -> Digest:
    """The :class:`Digest` a stored ``digest_to_json`` payload describes."""
    generated = _time(payload.get("generated"))
    if generated is None:
        raise InputError("a stored digest has no generation time; it cannot be sent again")
    return Digest(
        profile=payload["profile"],
        generated=generated,
        items=tuple(_item(item) for item in payload.get("stories", ())),
        top=tuple(_item(item) for item in payload.get("top", ())),
        quiet=payload.get("quiet"),
        id=digest_id or payload.get("id"),
    )


def write_outputs(digest: Digest, folder: Path, formats: Sequence[str]) -> list[Path]:
    """Render ``digest`` in ``formats`` into ``folder``; returns the files written."""
    from .render import get_renderer

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in formats:
        renderer = get_renderer(name)
        path = folder / f"digest-{digest.profile}.{renderer.extension}"
        path.write_text(renderer.render(digest, options=RenderOptions()), encoding="utf-8")
        written.append(path)
    return written
