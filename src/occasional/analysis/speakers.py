"""Who said a quote: the source of the speech verb that attributes it.

Called by :mod:`.quotes`. Pure; never raises.

The rules, in order: a speech or cue verb just after the quote ("“…,” X
said", "“…,” said X", "“…,” according to X"), else the last one before it in
the same sentence ("X said: “…”", "He called it “…”", "…, saying “…”"). The
speaker is that verb's subject (:mod:`.phrases` finds it), read as:

- a name: the name as first written in full ("Mr. Trump" → "Donald J.
  Trump"), with the role its apposition or title gives;
- a pronoun: the nearest compatible earlier source (:mod:`.pronouns`);
- a description with no name ("a spokeswoman", "the company", "a joint
  statement from the two agencies"): the phrase as the article writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .genders import gender_of_role
from .lexicon import (
    ATTACHING,
    CLAUSE_WORDS,
    CUE_VERBS,
    DETERMINERS,
    MAIN_VERBS,
    MONTHS,
    NATIONALITIES,
    NOUN_LIKE_CUES,
    ORG_NOUNS,
    PARTICIPLES,
    ROLE_WORDS,
    TIME_WORDS,
)
from .names import Mention, NameIndex
from .phrases import Phrase, phrase_after, phrase_before, tokens
from .pronouns import GROUP, PERSONAL, Source, Sources, learn_genders, resolve_pronoun

__all__ = ["Attribution", "Context", "attribute", "make_context", "note_speech_subjects"]

_CUE = re.compile(
    r"(?<![\w'’-])(?:according to|"
    + "|".join(sorted(CUE_VERBS, key=len, reverse=True))
    + r")(?![\w'’-])",
    re.IGNORECASE,
)
_NOUN_MARKERS = frozenset(
    [
        "of",
        "in",
        "on",
        "to",
        "by",
        "with",
        "for",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "your",
        "such",
        "all",
        "no",
        "any",
        "new",
        "recent",
        "public",
        "own",
        "air",
    ]
)
_AFTER_REACH = 16  # tokens: "“…,” the head of the party's rules committee said"
_DOCUMENTS = frozenset(
    [
        "statement",
        "report",
        "study",
        "ruling",
        "letter",
        "memo",
        "email",
        "ad",
        "advertisement",
        "post",
        "tweet",
        "release",
        "filing",
        "complaint",
        "lawsuit",
        "suit",
        "petition",
        "order",
        "indictment",
        "poll",
        "survey",
        "document",
    ]
)


@dataclass(frozen=True, slots=True)
class Attribution:
    """The outcome: whether a cue attributes the quote, to whom, and their role."""

    attributed: bool
    speaker: str | None
    role: str | None = None


Context = Sources


def make_context(
    text: str, names: NameIndex, quoted: list[tuple[int, int]], sentences: list[int]
) -> Context:
    """What attribution reads; learns the genders the text marks."""
    ctx = Sources(text, names, sentences, quoted)
    learn_genders(ctx)
    return ctx


def attribute(
    ctx: Context, before: tuple[int, int], after: tuple[int, int], after_first: bool
) -> Attribution:
    """Attribute a quote from the windows of text ``before`` and ``after`` it.

    ``after_first`` is true when the quote hands over to its attribution
    (“…,” she said): then the words after it are read first.
    """
    rules = (_from_after, _from_before) if after_first else (_from_before, _from_after)
    for rule in rules:
        found = rule(ctx, before, after)
        if found is not None:
            return found
    return Attribution(False, None)


def _cues(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Cue verbs in ``text[start:end]``: lower case, and not a noun ("the claims")."""
    found = []
    for m in _CUE.finditer(text, start, end):
        if not text[m.start()].islower():
            continue
        word = m.group().lower()
        if word in NOUN_LIKE_CUES:
            before = text[max(start, m.start() - 30) : m.start()].split()
            last = before[-1].lower() if before else ""
            if last in DETERMINERS or last in _NOUN_MARKERS or last.endswith(("’s", "'s")):
                continue
        found.append(m)
    return found


def note_speech_subjects(ctx: Context, clauses: list[tuple[int, int]]) -> None:
    """Record the source of each cue verb in ``clauses`` (text outside quotes), in order."""
    for start, end in clauses:
        for verb in _cues(ctx.text, start, end):
            found = _source_of_verb(ctx, start, end, verb)
            if found is not None:
                ctx.found.append(found)
    ctx.found.sort(key=lambda s: s.start)


def _source_of_verb(ctx: Context, start: int, end: int, verb: re.Match[str]) -> Source | None:
    word = verb.group().lower()
    if word == "according to":
        phrase = phrase_after(ctx.text, verb.end(), end)
    elif word in PARTICIPLES:
        return None
    else:
        phrase = phrase_before(ctx.text, start, verb.start())
    return _source(ctx, phrase) if phrase else None


def _from_after(
    ctx: Context, before: tuple[int, int], after: tuple[int, int]
) -> Attribution | None:
    text = ctx.text
    toks = tokens(text, *after)[:_AFTER_REACH]
    reach = toks[-1][1] if toks else after[0]
    verbs = _cues(text, after[0], reach)
    if not verbs:
        return None
    verb = verbs[0]
    word = verb.group().lower()
    lead = [t for t in toks if t[0] < verb.start() and t[2][0].isalnum()]
    if word == "according to":
        return None if lead else _attribution(ctx, phrase_after(text, verb.end(), after[1]))
    if word in PARTICIPLES:
        return None
    if lead:
        phrase = phrase_before(text, after[0], verb.start())
        if phrase is None or any(t[2][0].isalnum() for t in toks if t[0] < phrase.start):
            return None
        if not _opens_subject(text, phrase):
            return None
        return _attribution(ctx, phrase)
    phrase = phrase_after(text, verb.end(), after[1])
    if phrase is None and not any(t[2][0].isalnum() for t in toks if t[0] > verb.start()):
        return None  # a bare noun after a title: the so-called "lithium killer" claims
    return _attribution(ctx, phrase)


def _opens_subject(text: str, phrase: Phrase) -> bool:
    """Whether a phrase after a quote can be a subject (not "making air quotes")."""
    first = tokens(text, phrase.start, phrase.end)[0][2]
    return not (text[phrase.start].islower() and first.endswith(("ing", "ly", "ed")))


def _from_before(
    ctx: Context, before: tuple[int, int], after: tuple[int, int]
) -> Attribution | None:
    verbs = _cues(ctx.text, *before)
    if not verbs:
        return None
    verb = verbs[-1]
    word = verb.group().lower()
    if word == "according to":
        return _attribution(ctx, phrase_after(ctx.text, verb.end(), before[1]))
    if word in PARTICIPLES:
        return _clause_subject(ctx, before[0], verb.start())
    phrase = phrase_before(ctx.text, before[0], verb.start())
    if phrase is None:
        phrase = phrase_after(ctx.text, verb.end(), before[1])
    return _attribution(ctx, phrase)


def _clause_subject(ctx: Context, start: int, verb: int) -> Attribution:
    """ "Trump lashed out, saying “…”": the subject of the sentence's main verb.

    That is the phrase that opens the sentence, or that follows its opening
    phrase ("In a statement, the campaign said").
    """
    known = [s for s in ctx.found if start <= s.start < verb]
    if known:
        return Attribution(True, known[0].speaker)
    toks = tokens(ctx.text, start, verb)
    openings = [0] + [i + 1 for i, t in enumerate(toks) if t[2] == ","]
    for first in openings:
        if first >= len(toks) or toks[first][2] in CLAUSE_WORDS:
            continue
        last = first
        while last + 1 < len(toks) and not _ends_subject(ctx.text, toks[last + 1]):
            last += 1
        if last + 1 < len(toks) and toks[last + 1][2] != ",":
            return _attribution(ctx, Phrase(toks[first][0], toks[last][1]))
    return Attribution(True, None)


def _ends_subject(text: str, tok: tuple[int, int, str]) -> bool:
    word = tok[2]
    if not word[0].isalnum():
        return True
    if not text[tok[0]].islower():
        return False
    return (
        word in MAIN_VERBS
        or word in CUE_VERBS
        or word in CLAUSE_WORDS
        or word.endswith("ed")
        or (word.endswith("ly") and len(word) > 4)
    )


def _attribution(ctx: Context, phrase: Phrase | None) -> Attribution:
    if phrase is None:
        return Attribution(True, None)
    if phrase.passive:
        return Attribution(True, None)
    source = _source(ctx, phrase)
    if source is None:
        return Attribution(True, None)
    return Attribution(True, source.speaker, _role(ctx, phrase, source))


def _role(ctx: Context, phrase: Phrase, source: Source) -> str | None:
    if phrase.role is not None:
        return ctx.text[phrase.role[0] : phrase.role[1]]
    mention = _mention_at(ctx.names, source.start)
    if mention is None or not phrase.start <= mention.start < phrase.end:
        return None
    lead = ctx.text[phrase.start : mention.start].strip(" ,")
    return lead or mention.role


def _source(ctx: Context, phrase: Phrase) -> Source | None:
    """Read a subject phrase as a name, a pronoun or a description."""
    text = ctx.text
    words = tokens(text, phrase.start, phrase.end)
    if not words:
        return None
    if len(words) == 1 and (words[0][2] in PERSONAL or words[0][2] in GROUP):
        return resolve_pronoun(ctx, words[0][2], words[0][0])
    head_end = next((t[0] for t in words[1:] if t[2] in ATTACHING), phrase.end)
    named = _named(ctx, phrase.start, head_end)
    if named is not None:
        return named
    if all(t[2] in TIME_WORDS or t[2] in MONTHS or not t[2][0].isalpha() for t in words):
        return None  # "Last November", "Monday"
    return _described(ctx, phrase, words, head_end)


def _named(ctx: Context, start: int, head_end: int) -> Source | None:
    """The name a phrase's head is: the last mention, ending the head."""
    names = ctx.names
    inside = [
        m
        for m in names.mentions[names.first_from(start) :]
        if m.start < head_end and m.end <= head_end
    ]
    inside = [m for m in inside if m.start >= start]
    if not inside:
        return None
    last = inside[-1]
    tail = ctx.text[last.end : head_end].strip(" ’'s.,")
    if tail:
        return None  # "Clinton's campaign": the name only qualifies the head
    person = last.label == "PERSON" or (
        last.label == "MISC" and " " not in last.name and last.name.lower() not in NATIONALITIES
    )
    kind = "PERSON" if person else "ORG"
    return Source(last.start, last.name, kind, ctx.genders.get(last.name))


def _described(
    ctx: Context, phrase: Phrase, words: list[tuple[int, int, str]], head_end: int
) -> Source:
    text = ctx.text
    head = [t for t in words if t[1] <= head_end and t[2][0].isalpha()]
    head_word = head[-1][2] if head else words[-1][2]
    spoken = text[phrase.start : phrase.end]
    if len(head) == 1 and text[head[0][0]].isupper():
        alias = ctx.names.aliases.get(text[head[0][0] : head[0][1]])
        if alias is not None:
            return Source(phrase.start, alias[0], alias[1], ctx.genders.get(alias[0]))
        return Source(phrase.start, spoken, "PERSON")
    if head_word in ROLE_WORDS or gender_of_role(head_word):
        return Source(phrase.start, spoken, "PERSON", gender_of_role(head_word))
    if head_word in _DOCUMENTS:
        return Source(phrase.start, spoken, "THING")
    if head_word in ORG_NOUNS:
        return Source(phrase.start, spoken, "ORG")
    kind = "GROUP" if head_word.endswith("s") else "THING"
    return Source(phrase.start, spoken, kind)


def _mention_at(names: NameIndex, pos: int) -> Mention | None:
    at = names.first_from(pos)
    if at < len(names.mentions) and names.mentions[at].start == pos:
        return names.mentions[at]
    return None
