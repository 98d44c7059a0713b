"""What the digest stage is given: story views, memory of earlier digests, feedback.

The pipeline reads these from storage and hands them to
:func:`occasional.digest.build_digest`; nothing here does I/O. The two seams
the digest calls out through are protocols:

- :class:`Analyzer` finds summary sentences, quotes, figures and entities in
  article text. :func:`default_analyzer` imports ``occasional.analysis`` only
  when first used, and falls back to the lead sentences when it is absent.
- :class:`Summarizer` may rewrite a story's summary (an LLM, for instance); it
  returns ``None`` to keep the extractive one.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Protocol, cast, runtime_checkable

from ..exceptions import InputError
from ..types import Article, Entity, Figure, Quote, Story, SummarySentence

__all__ = [
    "FEEDBACK_KINDS",
    "Analyzer",
    "Feedback",
    "LeadAnalyzer",
    "Memory",
    "StoryView",
    "Summarizer",
    "default_analyzer",
]

log = logging.getLogger(__name__)

FEEDBACK_KINDS = frozenset({"like", "dislike", "less", "more", "opened", "mute-source"})


@dataclass(frozen=True, slots=True)
class StoryView:
    """One story with its articles, as the digest ranks and shows it.

    ``articles`` carry the copy fields (``copy_of``, ``original_url``,
    ``original_reason``) and ``source_title``; ``tags`` are the tags of the
    sources that reported the story (from their settings).
    """

    story: Story
    articles: tuple[Article, ...]
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Memory:
    """What earlier digests of a profile showed: story id → card fingerprint.

    Storage's ``last_shown(profile)`` fills ``shown``; the fingerprints come
    from :func:`occasional.digest.card_fingerprint`.
    """

    shown: Mapping[str, str] = field(default_factory=dict)

    def fingerprint(self, story_id: str) -> str | None:
        """The fingerprint last shown for a story, or ``None`` if it never was."""
        return self.shown.get(story_id)


@dataclass(frozen=True, slots=True)
class Feedback:
    """A reader's reaction to a story.

    ``kind`` is one of :data:`FEEDBACK_KINDS`; ``source`` names the outlet a
    ``mute-source`` means (the story's first source when ``None``). Raises
    :class:`~occasional.exceptions.InputError` for an unknown kind.
    """

    story_id: str
    kind: str
    time: datetime
    source: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FEEDBACK_KINDS:
            allowed = ", ".join(sorted(FEEDBACK_KINDS))
            raise InputError(f"feedback kind {self.kind!r} is not one of: {allowed}")


@runtime_checkable
class Analyzer(Protocol):
    """Finds the parts of a story card in article text.

    Called by the digest builder only for the stories that make a digest.
    Implementations should not raise on odd text; an exception propagates to
    the caller of ``build_digest``.
    """

    def summarize_articles(
        self, articles: Sequence[tuple[str, str]], n: int = 4
    ) -> list[SummarySentence]:
        """``n`` sentences across ``(article id, text)`` pairs, each naming its article."""
        ...

    def find_quotes(self, text: str) -> list[Quote]:
        """Direct quotes in ``text``, verbatim, with speakers where known."""
        ...

    def find_figures(self, text: str) -> list[Figure]:
        """Key figures in ``text``."""
        ...

    def find_entities(self, text: str) -> list[Entity]:
        """Named entities in ``text``."""
        ...


class Summarizer(Protocol):
    """Rewrites a story's summary; called by the digest builder once per card.

    Returns the sentences to show, or ``None`` to keep ``extractive``. It must
    not raise: failures are its own to log and turn into ``None``.
    """

    def summarize(
        self, view: StoryView, extractive: Sequence[SummarySentence]
    ) -> Sequence[SummarySentence] | None:
        """The new summary of ``view``, or ``None``."""
        ...


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(]?[A-Z0-9])")


class LeadAnalyzer:
    """The fallback when ``occasional.analysis`` is absent: lead sentences, nothing else."""

    def summarize_articles(
        self, articles: Sequence[tuple[str, str]], n: int = 4
    ) -> list[SummarySentence]:
        """The first ``n`` sentences of the first article with text."""
        for article_id, text in articles:
            sentences = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
            if sentences:
                return [SummarySentence(text=s, article=article_id) for s in sentences[:n]]
        return []

    def find_quotes(self, text: str) -> list[Quote]:
        """No quotes: finding speakers needs the real analyser."""
        return []

    def find_figures(self, text: str) -> list[Figure]:
        """No figures without the real analyser."""
        return []

    def find_entities(self, text: str) -> list[Entity]:
        """No entities without the real analyser."""
        return []


class _ModuleAnalyzer:
    """Calls the functions of ``occasional.analysis`` (imported on first use)."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def summarize_articles(
        self, articles: Sequence[tuple[str, str]], n: int = 4
    ) -> list[SummarySentence]:
        return cast(list[SummarySentence], self._module.summarize_articles(articles, n=n))

    def find_quotes(self, text: str) -> list[Quote]:
        return cast(list[Quote], self._module.find_quotes(text))

    def find_figures(self, text: str) -> list[Figure]:
        return cast(list[Figure], self._module.find_figures(text))

    def find_entities(self, text: str) -> list[Entity]:
        return cast(list[Entity], self._module.find_entities(text))


def default_analyzer() -> Analyzer:
    """The analyser ``build_digest`` uses when given none.

    ``occasional.analysis`` when it can be imported; otherwise
    :class:`LeadAnalyzer`, with a warning in the log.
    """
    try:
        module = importlib.import_module("occasional.analysis")
    except ImportError:
        log.warning("occasional.analysis is unavailable; digest summaries use lead sentences")
        return LeadAnalyzer()
    return _ModuleAnalyzer(module)
