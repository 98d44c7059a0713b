"""Digests for readers: gather stories, build, keep, render and deliver.

The shell around the pure digest stage, drawn as pseudocode::

    views=$(storage list_stories --since $lookback | with_articles)
    digest=$(build_digest $profile $views --memory $(storage last_shown) --feedback ...)
    id=$(storage save_digest $digest $(card_fingerprint each card))
    for target in $profile.deliver; do deliver $(compose $digest $profile.formats) $target; done
    storage mark_digest_sent $id          # only when every target took it

A digest whose delivery failed stays stored, unsent, and is sent again by
:func:`retry_unsent` (``occasional digest --send`` and ``occasional serve``
call it first).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .config import Config
from .deliver import compose, deliver
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
from .exceptions import DeliveryError, InputError
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
    "retry_unsent",
    "send",
    "story_views",
]


def story_views(storage: Storage, since: datetime) -> list[StoryView]:
    """Every story active since ``since`` with its articles and its sources' tags."""
    stories = storage.list_stories(since=since)
    ids = [aid for story in stories for aid in story.article_ids]
    articles = {a.id: a for a in storage.iter_articles(ids=ids)} if ids else {}
    tags = {s.id: s.settings.tags for s in storage.list_sources()}
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


def build_for(storage: Storage, config: Config, profile: Profile, now: datetime) -> Digest:
    """Build (not store) ``profile``'s digest at ``now`` from what is stored."""
    views = story_views(storage, now - timedelta(days=config.digest.lookback_days))
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


def keep(storage: Storage, digest: Digest) -> Digest:
    """Store ``digest`` (under its id, if it has one) with the fingerprint of every card.

    Returns it with its id. From now on its stories count as shown.
    """
    shown = {item.id: card_fingerprint(item) for item in (*digest.items, *digest.top)}
    payload = digest_to_json(digest)
    digest_id = storage.save_digest(
        digest.profile, digest.generated, payload, shown, digest_id=digest.id
    )
    return replace(digest, id=digest_id)


def feedback_signer(config: Config) -> FeedbackSigner:
    """The signer of feedback links, with the home's secret (made on first use)."""
    path = config.home / "feedback.key"
    if not path.exists():
        path.write_bytes(secrets.token_bytes(32))
        path.chmod(0o600)
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


async def send(
    storage: Storage, config: Config, digest: Digest, profile: Profile, now: datetime
) -> None:
    """Deliver ``digest`` to every target of ``profile``; mark it sent only if all took it.

    Raises DeliveryError naming every target that failed; the digest stays
    stored and unsent for :func:`retry_unsent`.
    """
    if not profile.deliver:
        raise DeliveryError(
            f'profile {profile.name!r} has no delivery targets; add deliver = ["smtp://…"] '
            f'or ["file:///…"] to profiles/{profile.name}.toml'
        )
    formats = (*profile.formats, "text")
    outgoing = compose(digest, formats=formats, options=render_options(config))
    failures = []
    for target in profile.deliver:
        try:
            await deliver(outgoing, target)
        except DeliveryError as exc:
            failures.append(str(exc))
    if failures:
        raise DeliveryError(
            f"digest {digest.id} was kept and will be sent again: " + "; ".join(failures)
        )
    if digest.id:
        storage.mark_digest_sent(digest.id, now)


async def retry_unsent(
    storage: Storage, config: Config, profiles: Mapping[str, Profile], now: datetime
) -> list[str]:
    """Send every stored digest that is still unsent; returns what failed, one line each."""
    problems = []
    for profile in profiles.values():
        if not profile.deliver:
            continue
        for stored in storage.digests(profile.name, limit=10):
            if stored.sent is not None:
                continue
            try:
                await send(
                    storage, config, digest_from_json(stored.payload, stored.id), profile, now
                )
            except DeliveryError as exc:
                problems.append(str(exc))
    return problems


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
