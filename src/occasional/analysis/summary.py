"""Extractive summaries of one text and of a story's articles.

``summarize(text, n=3)`` picks the ``n`` sentences that best stand for a
text: central (sharing words with many others) and early (news puts the
point first), without repeating each other. ``summarize_articles`` does the
same across the articles of one story, by maximal marginal relevance over
word overlap, so three outlets saying the same thing yield one sentence.
Sentences are verbatim. Called by :func:`occasional.analysis.analyze` and
the digest. Pure; never raises.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import SentenceSpan, SummarySentence
from .lexicon import STOPWORDS
from .limits import capped
from .sentences import split_sentences

__all__ = ["summarize", "summarize_articles"]

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*")
_FIRST_PERSON = re.compile(
    r"(?<![\w'’])(?:I|I['’](?:m|ve|d|ll)|me|my|mine|myself|[Ww]e|[Ww]e['’](?:re|ve|d|ll)|us|"
    r"[Oo]ur|ours|ourselves)(?![\w'’])"
)
_QUOTED = re.compile(r"[\"“«„‘][^\"”»“‘’]*[\"”»“’]")
# A pronoun opening the sentence, or its main clause after a short opening phrase
# ("Over eleven days, they used it …", "For 77 minutes last night, this looked like …").
_PRONOUN_OPENING = re.compile(
    r"[\"“‘']?(?:[^,;:\"“”]{1,60},\s+)?(?i:he|she|it|they|his|her|its|their|this|these|those|"
    r"him|them)\b"
)
_MIN_WORDS = 6  # shorter lines are headlines, datelines and captions
_MAX_WORDS = 60  # longer "sentences" are lists and run-on captions
_LEAD_WEIGHT = 0.5
_DIVERSITY = 0.7  # MMR: weight of relevance against novelty
_REDUNDANT = 0.5
_SHORTLIST = 60  # overlap above which a sentence adds nothing new


@dataclass(frozen=True, slots=True)
class _Candidate:
    span: SentenceSpan
    article: str
    words: frozenset[str]
    score: float
    leans_on: int | None = None  # start of the sentence its opening pronoun needs


def summarize(text: str, n: int = 3) -> list[SentenceSpan]:
    """The ``n`` most representative sentences of ``text``, in text order."""
    chosen = _select(_candidates(capped(text), ""), n)
    return sorted((c.span for c in chosen), key=lambda s: s.start)


def summarize_articles(articles: Sequence[tuple[str, str]], n: int = 4) -> list[SummarySentence]:
    """``n`` sentences across ``(article id, text)`` pairs, most important first."""
    pool: list[_Candidate] = []
    for article, text in articles:
        pool.extend(_candidates(capped(text), article))
    pool = _rescore_across(pool)
    return [SummarySentence(c.span.text, c.article) for c in _select(pool, n)]


def _candidates(text: str, article: str) -> list[_Candidate]:
    every = split_sentences(text)
    before = {s.start: (every[i - 1].start if i else -1) for i, s in enumerate(every)}
    sentences = [s for s in every if _usable(s.text) and not _first_person(s.text)]
    bags = [_words(s.text) for s in sentences]
    central = _centrality(bags)
    return [
        _Candidate(
            s,
            article,
            bag,
            _blend(central[i], 1 / math.sqrt(1 + i), s.text),
            before[s.start] if _PRONOUN_OPENING.match(s.text) else None,
        )
        for i, (s, bag) in enumerate(zip(sentences, bags, strict=True))
    ]


def _first_person(sentence: str) -> bool:
    """A blogger's "I have read …", a fan's "We waited 41 years": first person outside quotes."""
    return bool(_FIRST_PERSON.search(_QUOTED.sub(" ", sentence)))


def _usable(sentence: str) -> bool:
    size = len(_WORD.findall(sentence))
    return _MIN_WORDS <= size <= _MAX_WORDS and sentence.rstrip("\"'”’»)")[-1:] in ".!?…"


def _words(sentence: str) -> frozenset[str]:
    return frozenset(
        w.lower().rstrip("s") for w in _WORD.findall(sentence) if w.lower() not in STOPWORDS
    )


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _centrality(bags: list[frozenset[str]]) -> list[float]:
    """How many other sentences share each word, per √length: linear, not pairwise."""
    spread = Counter(w for bag in bags for w in bag)
    totals = [sum(spread[w] - 1 for w in bag) / math.sqrt(len(bag) or 1) for bag in bags]
    top = max(totals, default=0.0) or 1.0
    return [t / top for t in totals]


def _blend(central: float, lead: float, sentence: str) -> float:
    # A sentence that is mostly quote tells the reader less than the narration around it.
    quoted = sentence.lstrip()[:1] in "\"“«„‘'"
    return (1 - _LEAD_WEIGHT) * central + _LEAD_WEIGHT * lead - (0.3 if quoted else 0.0)


def _rescore_across(pool: list[_Candidate]) -> list[_Candidate]:
    """Across articles, centrality is agreement with the whole story."""
    story = Counter(w for c in pool for w in c.words)
    top = max((_agreement(c, story) for c in pool), default=0.0) or 1.0
    return [
        _Candidate(
            c.span, c.article, c.words, 0.5 * c.score + 0.5 * _agreement(c, story) / top, c.leans_on
        )
        for c in pool
    ]


def _agreement(candidate: _Candidate, story: Counter[str]) -> float:
    if not candidate.words:
        return 0.0
    return sum(math.log1p(story[w] - 1) for w in candidate.words) / math.sqrt(len(candidate.words))


def _select(pool: list[_Candidate], n: int) -> list[_Candidate]:
    """Maximal marginal relevance: relevant, and unlike what is already chosen."""
    chosen: list[_Candidate] = []
    # Only the best few can win; MMR over all of a long text would be quadratic.
    left = sorted(pool, key=lambda c: c.score, reverse=True)[:_SHORTLIST]
    while left and len(chosen) < n:
        best = max(left, key=lambda c: _marginal(c, chosen))
        left.remove(best)
        if best.leans_on is not None and not any(
            c.article == best.article and c.span.start == best.leans_on for c in chosen
        ):
            continue  # "She promised …" with nobody to be "she"
        if not chosen or max(_overlap(best.words, c.words) for c in chosen) < _REDUNDANT:
            chosen.append(best)
    return chosen


def _marginal(candidate: _Candidate, chosen: list[_Candidate]) -> float:
    similarity = max((_overlap(candidate.words, c.words) for c in chosen), default=0.0)
    return _DIVERSITY * candidate.score - (1 - _DIVERSITY) * similarity
