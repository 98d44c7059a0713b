"""Story cards: summary, quotes, figures, entities and sources for one chosen story.

Called by the builder only for stories that made the ranking, because this is
where article text is analysed. The analyser sees the originals (copies say
the same thing), oldest first, each capped in length.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import Article, DigestItem, DigestSource, Entity, Figure, Quote, SummarySentence
from ..urls import output_url
from .facts import article_time, outlet_name
from .model import Analyzer, StoryView, Summarizer
from .rank import Ranked
from .text import normalise_space

__all__ = ["CardLimits", "build_card", "with_summary"]


@dataclass(frozen=True, slots=True)
class CardLimits:
    """How much a card holds and how much text analysis reads."""

    summary_sentences: int = 4
    quotes: int = 3
    figures: int = 4
    entities: int = 8
    analysed_articles: int = 5
    text_chars: int = 20_000


def _analysed(articles: Sequence[Article], limits: CardLimits) -> list[tuple[str, str]]:
    originals = [a for a in articles if a.copy_of is None] or list(articles)
    texts = [(a.id, (a.text or a.summary or "")[: limits.text_chars]) for a in originals]
    return [(aid, text) for aid, text in texts if text.strip()][: limits.analysed_articles]


def _with_urls(
    sentences: Sequence[SummarySentence], urls: dict[str, str]
) -> tuple[SummarySentence, ...]:
    return tuple(
        SummarySentence(text=s.text, article=s.article, url=s.url or urls.get(s.article))
        for s in sentences
    )


def _quotes(
    analyzer: Analyzer, texts: list[tuple[str, str]], most: int
) -> tuple[tuple[Quote, str], ...]:
    seen: set[str] = set()
    found: list[tuple[Quote, str]] = []
    for article_id, text in texts:
        for quote in analyzer.find_quotes(text):
            key = normalise_space(quote.text).lower()
            if key and key not in seen:
                seen.add(key)
                found.append((quote, article_id))
    # Attributed quotes first; the sort is stable, so text order holds within each group.
    found.sort(key=lambda pair: pair[0].speaker is None)
    return tuple(found[:most])


def _figures(analyzer: Analyzer, texts: list[tuple[str, str]], most: int) -> tuple[Figure, ...]:
    seen: set[tuple[float, str | None]] = set()
    found: list[Figure] = []
    for _, text in texts:
        for figure in analyzer.find_figures(text):
            if (figure.value, figure.unit) not in seen:
                seen.add((figure.value, figure.unit))
                found.append(figure)
    return tuple(found[:most])


def _entities(analyzer: Analyzer, texts: list[tuple[str, str]], most: int) -> tuple[Entity, ...]:
    counts: Counter[Entity] = Counter()
    for _, text in texts:
        counts.update(analyzer.find_entities(text))
    # Counter keeps first-seen order among equals, so ties stay deterministic.
    return tuple(entity for entity, _ in counts.most_common(most))


def _source(article: Article) -> DigestSource:
    return DigestSource(
        url=output_url(article.url) or "",  # "" when it is no link a reader may follow
        title=article.title,
        source=outlet_name(article),
        original=article.copy_of is None,
        published=article_time(article),
    )


def _sources(articles: Sequence[Article]) -> tuple[DigestSource, ...]:
    return tuple(_source(a) for a in sorted(articles, key=lambda a: a.copy_of is not None))


def build_card(
    ranked: Ranked,
    analyzer: Analyzer,
    limits: CardLimits = CardLimits(),
) -> DigestItem:
    """The card for one ranked story, with the extractive summary; calls ``analyzer``."""
    facts = ranked.facts
    view = facts.view
    texts = _analysed(facts.articles, limits)
    urls = {a.id: url for a in view.articles if (url := output_url(a.url))}
    summary = analyzer.summarize_articles(texts, n=limits.summary_sentences) if texts else []
    times = [t for t in map(article_time, view.articles) if t is not None]
    return DigestItem(
        id=view.story.id,
        headline=facts.headline,
        reasons=ranked.reasons,
        summary=_with_urls(summary, urls),
        quotes=_quotes(analyzer, texts, limits.quotes),
        figures=_figures(analyzer, texts, limits.figures),
        entities=_entities(analyzer, texts, limits.entities),
        sources=_sources(facts.articles),
        score=round(ranked.score, 4),
        first_seen=view.story.first_seen or min(times, default=None),
        last_seen=view.story.last_seen or max(times, default=None),
    )


def with_summary(card: DigestItem, view: StoryView, summarizer: Summarizer) -> DigestItem:
    """``card`` with the summarizer's summary, if it gives one (called for shown cards only)."""
    if not card.summary:
        return card
    written = summarizer.summarize(view, card.summary)
    if not written:
        return card
    urls = {a.id: url for a in view.articles if (url := output_url(a.url))}
    return dataclasses.replace(card, summary=_with_urls(written, urls))
