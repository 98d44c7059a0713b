"""Copies and stories over the open window: the pure stages, called and stored."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from ..config import Config
from ..storage.base import (
    Storage,
)
from ..stories import StoryOverride, build_stories, cluster_stories, copy_groups
from ..stories.cluster import Embed
from ..stories.embed import Embedder, default_model_dir, load_embedder
from ..text import html_to_text
from ..types import Article, Doc, Story

__all__ = ["article_doc", "refresh_stories"]


# --- copies and stories ---------------------------------------------------------


def article_doc(article: Article) -> Doc:
    """The view of an article that copy detection and clustering take.

    Its time is the one its feed or page states, or none: standing in the
    time it was polled would make its story depend on when (and so on which
    machine, or database) it was polled, not on what it says.
    """
    return Doc(
        id=article.id,
        title=article.title,
        text=article.text or html_to_text(article.content or article.summary or ""),
        published=article.published,
        url=article.url,
        source=article.source_id,
        source_links=article.source_links,
        canonical_url=article.canonical_url,
    )


def refresh_stories(storage: Storage, config: Config, now: datetime) -> list[Story]:
    """Recompute copies and stories over the open window and store them.

    Deterministic: the same stored articles give the same groups and stories,
    and story ids already stored are kept (passed back as ``previous``). One
    refresh at a time per database (``storage.exclusive("stories")``): workers
    of the task queue and a CLI poll never interleave their reads and writes.
    """
    with storage.exclusive("stories"):
        return _refresh(storage, config, now)


def _refresh(storage: Storage, config: Config, now: datetime) -> list[Story]:
    since = now - timedelta(days=config.stories.window_days)
    articles = list(storage.iter_articles(since=since))
    docs = [article_doc(article) for article in articles]
    groups = copy_groups(docs, preference=config.stories.source_preference, now=now)
    copies = groups.decisions
    previous = {article.id: article.story for article in articles if article.story}
    overrides = [StoryOverride(o.kind, o.a, o.b) for o in storage.story_overrides()]
    assignments = cluster_stories(
        docs, previous=previous, overrides=overrides, copies=copies, embed=_embed(config)
    )
    stories = build_stories(docs, assignments)
    # What readers see of a copy is why its group's original is the original.
    stored = [replace(d, reason=groups.original_reason(d.id)) for d in copies]
    storage.set_copies(stored, {d.id: groups.original_url(d.id) for d in stored if d.copy_of})
    storage.set_stories(stories, assignments)
    return stories


def _embed(config: Config) -> Embed | None:
    """The embedding model's encode when ``stories.embeddings`` is on, else None.

    Raises ConfigError when it is on and the model or the extra is missing.
    """
    if not config.stories.embeddings:
        return None
    folder = config.stories.embedding_model or default_model_dir(config.home)
    return _load_embedder(folder.expanduser().resolve()).encode


@functools.lru_cache(maxsize=2)
def _load_embedder(folder: Path) -> Embedder:
    # Loading takes about half a second; a serve process refreshes stories often.
    return load_embedder(folder)
