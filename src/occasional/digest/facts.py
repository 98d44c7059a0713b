"""The cheap per-story facts ranking reads: computed once, from metadata and leads only.

:func:`story_facts` is called by :mod:`.candidates` for every story a digest
considers, so it touches titles, sources, times and the first few hundred
characters of text, never whole articles (those are analysed later, for the
few stories that make the digest).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, lru_cache

from ..types import Article
from .model import StoryView
from .text import host_of, keywords, proper_names

__all__ = [
    "LEAD_CHARS",
    "VELOCITY_WINDOW",
    "StoryFacts",
    "article_time",
    "headline",
    "ordered",
    "outlet_name",
    "profile_source_keys",
    "source_keys",
    "story_facts",
    "story_outlets",
    "story_terms",
]

LEAD_CHARS = 400
LEAD_ARTICLES = 3
VELOCITY_WINDOW = timedelta(hours=3)


@dataclass(frozen=True)
class StoryFacts:
    """What ranking knows about one story.

    ``articles`` are the view's articles oldest first; ``blob`` is the text
    follows and mutes are matched against (headline, titles, leads,
    categories, tags), lower-cased like ``title_text``; ``outlets`` the
    independent outlets in order of first report; ``recent`` the articles
    inside the velocity window. The properties are computed on first use,
    because most stories never need them.
    """

    view: StoryView
    articles: tuple[Article, ...]
    headline: str
    title_text: str
    blob: str
    outlets: tuple[str, ...]
    latest: datetime | None
    recent: int
    tags: frozenset[str]

    @cached_property
    def terms(self) -> frozenset[str]:
        """Keywords of the headline, the originals' categories and the tags."""
        return _terms(self.view, self.headline)

    @cached_property
    def names(self) -> frozenset[str]:
        """Proper names in the headline, lower-cased."""
        return frozenset(proper_names(self.headline))

    @cached_property
    def first_reporter(self) -> str | None:
        """The name of the outlet that reported first."""
        return _first_reporter(self.view, self.articles)


def article_time(article: Article) -> datetime | None:
    """When an article appeared: published, else fetched."""
    return article.published or article.fetched


def ordered(articles: tuple[Article, ...]) -> list[Article]:
    """Articles oldest first (undated last), ties broken by id, so output is deterministic."""

    def key(article: Article) -> tuple[bool, float, str]:
        when = article_time(article)
        return (when is None, when.timestamp() if when else 0.0, article.id)

    return sorted(articles, key=key)


def outlet_name(article: Article) -> str:
    """The outlet's name as a reader knows it."""
    return article.source_title or article.site_name or host_of(article.url) or article.source_id


@lru_cache(maxsize=8192)
def _spellings(source_id: str, source_url: str, name: str) -> frozenset[str]:
    keys = {source_id.lower(), source_url.lower(), name.lower(), host_of(source_url)}
    keys.discard("")
    return frozenset(keys)


def source_keys(article: Article) -> frozenset[str]:
    """Every spelling a profile may use for an article's source, lower-cased.

    The host comes from the feed URL, or from the article URL when the feed's
    is unknown (asking for every article's host would cost more than it adds).
    """
    keys = _spellings(article.source_id, article.source_url, outlet_name(article))
    if article.source_url:
        return keys
    host = host_of(article.url)
    return keys if not host or host in keys else keys | {host}


def profile_source_keys(values: Iterable[str]) -> frozenset[str]:
    """What a profile's source entries (ids, feed URLs, hosts) match in :func:`source_keys`."""
    keys: set[str] = set()
    for value in values:
        keys.add(value.lower())
        if "://" in value:
            keys.add(host_of(value))
    keys.discard("")
    return frozenset(keys)


def _headline(view: StoryView, articles: list[Article]) -> str:
    if view.story.label.strip():
        return view.story.label.strip()
    titled = [a for a in articles if a.title.strip()]
    original = next((a for a in titled if a.copy_of is None), titled[0] if titled else None)
    return original.title.strip() if original else view.story.id


def headline(view: StoryView) -> str:
    """The story's label, else its original's title, else its first title, else its id."""
    return _headline(view, ordered(view.articles))


def _outlets(view: StoryView, articles: list[Article]) -> tuple[str, ...]:
    if not articles:
        return view.story.sources
    present = {a.id for a in articles}
    outlets: dict[str, None] = {}
    for article in articles:
        if article.copy_of is None:
            outlets.setdefault(article.source_id)
        elif article.copy_of not in present:
            # The original is not in view (a muted outlet, say): its copies stand for it once.
            outlets.setdefault(f"copy-of:{article.copy_of}")
    return tuple(outlets)


def story_outlets(view: StoryView) -> tuple[str, ...]:
    """Independent outlets in order of first report: copies count once, with their original."""
    return _outlets(view, ordered(view.articles))


def _terms(view: StoryView, title: str) -> frozenset[str]:
    # The headline stands for the story; more titles would cost on every story ranked.
    parts = [title, *view.tags]
    for article in view.articles:
        if article.copy_of is None and article.categories:
            parts.extend(article.categories)
    return frozenset(keywords(" ".join(parts)))


def story_terms(view: StoryView) -> frozenset[str]:
    """Keywords of the headline, the originals' categories and the tags."""
    return _terms(view, headline(view))


def _first_reporter(view: StoryView, articles: Sequence[Article]) -> str | None:
    first = view.story.first_source
    for article in articles:
        if first == article.source_id or (first and first in source_keys(article)):
            return outlet_name(article)
    if articles:
        return outlet_name(articles[0])
    return first


def _latest(view: StoryView) -> datetime | None:
    if view.story.last_seen is not None:
        return view.story.last_seen
    return max((t for t in map(article_time, view.articles) if t is not None), default=None)


def _blob(title: str, view: StoryView, articles: list[Article]) -> str:
    parts = [title]
    leads = 0
    for article in articles:
        parts.append(article.title)
        parts.extend(article.categories)
        if article.copy_of is None and leads < LEAD_ARTICLES:
            parts.append((article.text or article.summary or "")[:LEAD_CHARS])
            leads += 1
    parts.extend(view.tags)
    return "\n".join(dict.fromkeys(parts))


def story_facts(view: StoryView, now: datetime) -> StoryFacts:
    """The facts ranking needs about ``view`` at ``now``."""
    articles = ordered(view.articles)
    title = _headline(view, articles)
    since = now - VELOCITY_WINDOW
    tags = {tag.lower() for tag in view.tags}
    for article in articles:
        if article.categories:
            tags.update(category.lower() for category in article.categories)
    return StoryFacts(
        view=view,
        articles=tuple(articles),
        headline=title,
        title_text="\n".join(dict.fromkeys([title, *(a.title for a in articles)])).lower(),
        blob=_blob(title, view, articles).lower(),
        outlets=_outlets(view, articles),
        latest=_latest(view),
        recent=sum(1 for a in articles if (t := article_time(a)) and since < t <= now),
        tags=frozenset(tags),
    )
