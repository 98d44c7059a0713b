"""Text analysis for story cards: sentences, summaries, quotes, figures, entities.

A pure stage: rules of our own (regular expressions and small word lists)
and, where installed, spaCy's small English pipeline to parse the sentences
that attribute quotes (nothing is downloaded at run time); spaCy is also an
optional entity backend. Every span
it returns indexes its input exactly (``text[x.start:x.end] == x.text``).

Flow, as :func:`analyze` runs it::

    text ─┬─ split_sentences ── summarize ───────────► summary
          ├─ pair quote marks ─ attribute speakers ──► quotes
          │                     (parse or rules)
          ├─ find_figures ───────────────────────────► figures
          └─ scan names ─────── find_entities ───────► entities

``summarize_articles`` summarises a story across its articles.
"""

from __future__ import annotations

from .core import MAX_CHARS, SPEAKER_BACKENDS, analysis_to_json, analyze
from .entities import ENTITY_BACKENDS, find_entities
from .figures import find_figures
from .quotes import find_quotes
from .sentences import split_sentences
from .summary import summarize, summarize_articles

__all__ = [
    "ENTITY_BACKENDS",
    "MAX_CHARS",
    "SPEAKER_BACKENDS",
    "analysis_to_json",
    "analyze",
    "find_entities",
    "find_figures",
    "find_quotes",
    "split_sentences",
    "summarize",
    "summarize_articles",
]
