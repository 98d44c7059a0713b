"""``analyze(text) -> Analysis``: everything a story card needs from one text.

Called by the digest stage and by the ``analyze`` CLI command (which prints
:func:`analysis_to_json`). Pure; raises
:class:`~occasional.exceptions.ConfigError` only for an unknown or missing
entity or speaker backend.
"""

from __future__ import annotations

from typing import Any

from ..types import Analysis
from .entities import entities_from_names, find_entities
from .figures import find_figures
from .limits import MAX_CHARS, capped
from .names import scan_names
from .parsed import SPEAKER_BACKENDS, speaker_parser
from .quotes import quotes_with_names
from .summary import summarize

__all__ = ["MAX_CHARS", "SPEAKER_BACKENDS", "analysis_to_json", "analyze"]


def analyze(
    text: str, n: int = 3, entity_backend: str = "rules", speakers: str = "auto"
) -> Analysis:
    """Summary (``n`` sentences), quotes, figures and entities of ``text``.

    ``speakers`` picks how quotes are attributed (:data:`SPEAKER_BACKENDS`):
    ``"parser"`` reads the cue verb's subject from a spaCy dependency parse of
    the quotes' sentences, ``"rules"`` from word patterns, ``"auto"`` (the
    default) the parser when spaCy and its English pipeline are installed,
    else the rules. Only the first :data:`MAX_CHARS` characters are read.
    """
    text = capped(text)
    parser = speaker_parser(speakers)
    names = scan_names(text)
    if entity_backend == "rules":  # the default reuses the names the quotes need
        entities = entities_from_names(text, names)
    else:
        entities = find_entities(text, entity_backend)
    return Analysis(
        summary=tuple(summarize(text, n)),
        quotes=tuple(quotes_with_names(text, names, parser)),
        figures=tuple(find_figures(text)),
        entities=tuple(entities),
    )


def analysis_to_json(analysis: Analysis) -> dict[str, Any]:
    """The JSON object ``occasional analyze --json`` prints (see the CLI contract)."""
    return {
        "summary": [{"text": s.text, "start": s.start, "end": s.end} for s in analysis.summary],
        "quotes": [
            {"text": q.text, "speaker": q.speaker, "role": q.role, "start": q.start, "end": q.end}
            for q in analysis.quotes
        ],
        "figures": [
            {"text": f.text, "value": f.value, "unit": f.unit, "counts": f.counts}
            for f in analysis.figures
        ],
        "entities": [{"text": e.text, "label": e.label} for e in analysis.entities],
    }
