"""Story cards: summary, quotes, figures, entities and sources for one chosen story.

Called by the builder only for stories that made the ranking, because this is
where article text is analysed. The analyser sees the originals (copies say
the same thing), oldest first, each capped in length.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..types import Article, DigestItem, DigestSource, Entity, Figure, Quote, SummarySentence
from ..urls import output_url
from .facts import article_time, outlet_name
from .model import Analyzer, StoryView, Summarizer
from .rank import Ranked

__all__ = ["CardLimits", "build_card", "card_quotes", "with_summary"]

_QUOTE_WORDS = re.compile(r"[^\W_][\w'’-]*")
_MIN_QUOTE_WORDS = 4
_REPEAT_SHARE = 0.8  # of the shorter quote's words found in the other: a repeat


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


def card_quotes(
    analyzer: Analyzer, texts: list[tuple[str, str]], most: int
) -> tuple[tuple[Quote, str], ...]:
    """The quotes a card shows: whole clauses, none repeating another.

    A quote of fewer than four words says too little out of its sentence; one
    that opens in lower case ("meeting by meeting.", “every success in a job
    that will test her.”) is a piece of the writer's sentence, not a clause
    of its own; a quote whose words another shown quote already holds (or
    that holds most of another's) is a repeat.
    """
    found: list[tuple[Quote, str]] = []
    shown: list[frozenset[str]] = []
    for article_id, text in texts:
        for quote in analyzer.find_quotes(text):
            words = _QUOTE_WORDS.findall(quote.text.lower())
            if not _whole_clause(quote.text, words):
                continue
            bag = frozenset(words)
            if any(_repeats(bag, other) for other in shown):
                continue
            shown.append(bag)
            found.append((quote, article_id))
    return tuple(sorted(found, key=_speaker_order(found))[:most])


def _speaker_order(
    found: list[tuple[Quote, str]],
) -> Callable[[tuple[Quote, str]], tuple[int, int]]:
    """Attributed quotes first, each speaker's first quote before anyone's second.

    A speaker's next quote usually goes on from the first ("… by any standard" then
    "But it is not exceptional any more …"): it may follow, but not crowd out another
    speaker. The sort is stable, so text order holds within each group.
    """
    turn: dict[int, int] = {}
    said: Counter[str] = Counter()
    for quote, _ in found:
        if quote.speaker is not None:
            turn[id(quote)] = said[quote.speaker]
            said[quote.speaker] += 1
    return lambda pair: (pair[0].speaker is None, turn.get(id(pair[0]), 0))


def _whole_clause(text: str, words: list[str]) -> bool:
    if len(words) < _MIN_QUOTE_WORDS:
        return False
    return text[:1].isupper() or text[:1].isdigit()


def _repeats(bag: frozenset[str], other: frozenset[str]) -> bool:
    shared = len(bag & other)
    return shared >= _REPEAT_SHARE * min(len(bag), len(other))


def _figures(analyzer: Analyzer, texts: list[tuple[str, str]], most: int) -> tuple[Figure, ...]:
    seen: set[tuple[float, str | None]] = set()
    found: list[Figure] = []
    for _, text in texts:
        for figure in analyzer.find_figures(text):
            if not figure.counts:
                continue  # "44.1 percent" alone: a card shows what a figure counts
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
        quotes=card_quotes(analyzer, texts, limits.quotes),
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
