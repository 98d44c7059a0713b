"""Named entities: ``find_entities(text, backend="rules") -> list[Entity]``.

Called by :func:`occasional.analysis.analyze`. Backends are registered by
name in :data:`ENTITY_BACKENDS`: ``"rules"`` (the default, pure: names by
capitalisation, titles and gazetteers, see :mod:`.names`) and ``"spacy"``
(optional: needs the ``nlp`` extra and an installed English model).

Each entity appears once, with the name as first written in full and in
order of first mention. Raises :class:`~occasional.exceptions.ConfigError`
for an unknown backend, or for ``"spacy"`` when spaCy or its model is
missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..exceptions import ConfigError
from ..types import Entity
from .limits import capped
from .names import NameIndex, scan_names
from .parsed import PARSER_MODELS, load_parser
from .quotemarks import titles

__all__ = ["ENTITY_BACKENDS", "SPACY_MODEL", "entities_from_names", "find_entities"]

SPACY_MODEL = PARSER_MODELS[0]
_SPACY_LABELS = {
    "PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC",
    "EVENT": "EVENT", "NORP": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC",
    "LAW": "MISC", "LANGUAGE": "MISC",
}  # fmt: skip


def find_entities(text: str, backend: str = "rules") -> list[Entity]:
    """The distinct named entities of ``text``, in order of first mention."""
    try:
        finder = ENTITY_BACKENDS[backend]
    except KeyError:
        known = ", ".join(sorted(ENTITY_BACKENDS))
        raise ConfigError(f"unknown entity backend {backend!r}; use one of: {known}") from None
    return _dedupe(finder(capped(text)))


def entities_from_names(text: str, names: NameIndex) -> list[Entity]:
    """The rules backend's answer from names already scanned (``analyze`` shares them).

    A quoted title is one MISC entity; the capitalised words inside it are not
    names ("Some Like It Hot" holds no person called "Like It Hot").
    """
    quoted = titles(text)
    found = [(t.start, Entity(text[t.start : t.end], "MISC")) for t in quoted]
    for m in names.mentions:
        if not any(t.start <= m.start < t.end for t in quoted):
            found.append((m.start, Entity(m.name, m.label)))
    return _dedupe([entity for _, entity in sorted(found, key=lambda pair: pair[0])])


def _rule_entities(text: str) -> list[Entity]:
    return entities_from_names(text, scan_names(text))


def _spacy_entities(text: str) -> list[Entity]:
    doc = _load_spacy()(text)
    return [
        Entity(ent.text, _SPACY_LABELS[ent.label_])
        for ent in doc.ents
        if ent.label_ in _SPACY_LABELS
    ]


def _load_spacy() -> Any:
    nlp = load_parser()
    if nlp is None:
        message = (
            f"the spacy entity backend needs spaCy and its {SPACY_MODEL} pipeline: "
            "pip install 'occasional[nlp]'"
        )
        raise ConfigError(message)
    return nlp


def _dedupe(entities: list[Entity]) -> list[Entity]:
    """One entity per name, ignoring case; "Tokyo" beats a dateline's "TOKYO"."""
    seen: dict[str, Entity] = {}
    for entity in entities:
        key = entity.text.lower()
        kept = seen.get(key)
        if kept is None or (kept.text.isupper() and not entity.text.isupper()):
            seen[key] = entity
    return list(seen.values())


ENTITY_BACKENDS: dict[str, Callable[[str], list[Entity]]] = {
    "rules": _rule_entities,
    "spacy": _spacy_entities,
}
