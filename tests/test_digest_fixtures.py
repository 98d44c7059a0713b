"""Story views built from tests/fixtures/digest, and a small analyser of our own.

The other digest tests import ``load_views``, ``SimpleAnalyzer`` and friends
from here; the tests below check that the fixture itself is what they assume.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from occasional.digest import StoryView
from occasional.types import Article, Entity, Figure, Quote, Story, SummarySentence

FIXTURES = Path(__file__).parent / "fixtures" / "digest"


def _raw() -> dict[str, Any]:
    return json.loads((FIXTURES / "articles.json").read_text(encoding="utf-8"))


def fixture_now() -> datetime:
    return datetime.fromisoformat(_raw()["now"])


def _article(data: dict[str, Any], sources: dict[str, Any]) -> Article:
    source = sources[data["source_id"]]
    return Article(
        id=data["id"],
        source_id=data["source_id"],
        url=data["url"],
        title=data["title"],
        text=data["text"],
        source_url=source["url"],
        source_title=source["title"],
        published=datetime.fromisoformat(data["published"]),
        language=data.get("language"),
        copy_of=data.get("copy_of"),
        original_url=data.get("original_url"),
        original_reason=data.get("original_reason"),
        story=data["story"],
    )


def make_view(story: Story, articles: Sequence[Article], tags: Sequence[str] = ()) -> StoryView:
    """A view whose story fields agree with its articles, as storage would give it."""
    ordered = sorted(articles, key=lambda a: (a.published or datetime.max, a.id))
    outlets = list(dict.fromkeys(a.source_id for a in ordered))
    times = [a.published for a in ordered if a.published]
    story = dataclasses.replace(
        story,
        article_ids=tuple(a.id for a in ordered),
        first_seen=min(times, default=None),
        last_seen=max(times, default=None),
        sources=tuple(outlets),
        first_source=story.first_source or (outlets[0] if outlets else None),
    )
    return StoryView(story=story, articles=tuple(ordered), tags=tuple(sorted(set(tags))))


def load_views() -> list[StoryView]:
    raw = _raw()
    sources = raw["sources"]
    articles = [_article(a, sources) for a in raw["articles"]]
    views = []
    for entry in raw["stories"]:
        mine = [a for a in articles if a.story == entry["id"]]
        tags = [t for a in mine for t in sources[a.source_id]["tags"]]
        story = Story(
            id=entry["id"], label=entry["label"], article_ids=(), first_source=entry["first_source"]
        )
        views.append(make_view(story, mine, tags))
    return views


def view_by_id(views: Sequence[StoryView], story_id: str) -> StoryView:
    return next(v for v in views if v.story.id == story_id)


def with_article(view: StoryView, article: Article) -> StoryView:
    return make_view(view.story, [*view.articles, article], view.tags)


def new_article(view: StoryView, ident: str, source: str, text: str, at: datetime) -> Article:
    return Article(
        id=ident,
        source_id=source,
        url=f"https://{source}.example/{ident}",
        title=f"{source} on {view.story.id}",
        text=text,
        source_title=source.replace("-", " ").title(),
        published=at,
        language="en",
        story=view.story.id,
    )


_SENTENCE = re.compile(r"(?<=[.!?”])\s+(?=[“A-Z0-9])")
_QUOTE = re.compile(
    r"“([^”]+?),?”,? (?:said|told \w+|Tamaki told reporters)(?: ([A-Z][\w']+(?: [A-Z][\w'’]+)*))?"
)
_FIGURE = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s*(%|percent|billion|million)?\s+([A-Za-z][\w-]+(?: [a-z][\w-]+)?)"
)
_NAME = re.compile(r"(?<=[a-z,] )[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*")


class SimpleAnalyzer:
    """A small, honest analyser for tests: regular expressions, no models."""

    def __init__(self) -> None:
        self.calls = 0

    def summarize_articles(
        self, articles: Sequence[tuple[str, str]], n: int = 4
    ) -> list[SummarySentence]:
        self.calls += 1
        firsts = [(aid, _SENTENCE.split(text.strip())) for aid, text in articles]
        found: list[SummarySentence] = []
        for depth in range(max((len(s) for _, s in firsts), default=0)):
            for aid, sentences in firsts:
                if depth < len(sentences) and len(found) < n:
                    found.append(SummarySentence(text=sentences[depth], article=aid))
        return found

    def find_quotes(self, text: str) -> list[Quote]:
        return [
            Quote(text=m.group(1), speaker=m.group(2), start=m.start(1), end=m.end(1))
            for m in _QUOTE.finditer(text)
        ]

    def find_figures(self, text: str) -> list[Figure]:
        return [
            Figure(
                text=m.group(0),
                value=float(m.group(1).replace(",", "")),
                unit=m.group(2),
                counts=m.group(3),
                start=m.start(),
                end=m.end(),
            )
            for m in _FIGURE.finditer(text)
        ]

    def find_entities(self, text: str) -> list[Entity]:
        return [Entity(text=m.group(0), label="MISC") for m in _NAME.finditer(text)]


# --- the fixture is what the other tests assume -----------------------------


def test_fixture_stories_have_their_articles() -> None:
    views = load_views()
    assert len(views) == 8
    assert all(v.articles for v in views)
    japan = view_by_id(views, "s-japan")
    assert [a.id for a in japan.articles] == ["a1", "a2", "a3", "a4", "a5"]
    assert japan.story.first_seen < japan.story.last_seen


def test_copies_point_at_an_original_in_the_same_story() -> None:
    for view in load_views():
        ids = {a.id for a in view.articles}
        assert all(a.copy_of in ids for a in view.articles if a.copy_of)


def test_simple_analyzer_finds_quotes_figures_and_names() -> None:
    text = view_by_id(load_views(), "s-japan").articles[0].text
    analyzer = SimpleAnalyzer()
    quotes = analyzer.find_quotes(text)
    assert quotes and quotes[0].speaker == "Defence Minister Gen Nakatani"
    assert text[quotes[0].start : quotes[0].end] == quotes[0].text
    assert 54000.0 in {f.value for f in analyzer.find_figures(text)}
    assert any(e.text == "Okinawa" for e in analyzer.find_entities(text))
    summary = analyzer.summarize_articles([("x", text), ("y", "One. Two.")], n=3)
    assert [s.article for s in summary] == ["x", "y", "x"]


def test_fixture_clock_is_after_every_article() -> None:
    now = fixture_now()
    assert all(a.published <= now for v in load_views() for a in v.articles)
    assert now - max(a.published for v in load_views() for a in v.articles) < timedelta(hours=1)
