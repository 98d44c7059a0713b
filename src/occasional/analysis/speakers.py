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
from bisect import bisect_right
from dataclasses import dataclass

from .genders import gender_of_role
from .lexicon import (
    ATTACHING,
    CLAUSE_WORDS,
    CUE_VERBS,
    DETERMINERS,
    DOCUMENTS,
    MAIN_VERBS,
    MONTHS,
    NATIONALITIES,
    NOUN_LIKE_CUES,
    NOUN_MARKERS,
    ORG_NOUNS,
    PARTICIPLES,
    PREPOSITIONS,
    ROLE_WORDS,
    TIME_WORDS,
)
from .names import Mention, NameIndex
from .phrases import Phrase, opens_clause, phrase_after, phrase_before, tokens
from .pronouns import GROUP, PERSONAL, Source, Sources, learn_genders, resolve_pronoun

__all__ = [
    "Attribution",
    "Context",
    "attribute",
    "make_context",
    "note_speech_subjects",
    "read_phrase",
]

# Any lower-case word, tested against CUE_VERBS: a 250-word alternation is several times slower.
_CUE = re.compile(r"(?<![\w'’-])(?:according to|[a-z]+)(?![\w'’-])")
_Token = tuple[int, int, str]
_ANY_ORG = frozenset({"company", "firm", "group"})
_LOOK_BACK = 300  # mentions searched for an organisation "the bank" stands for
_AGED = re.compile(r"the \d+-year-old", re.IGNORECASE)
_FIRST_PERSON = frozenset({"i", "you"})
_AFTER_REACH = 16  # tokens: "“…,” the head of the party's rules committee said"


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
        word = m.group()
        if word not in CUE_VERBS and word != "according to":
            continue
        if word in NOUN_LIKE_CUES:
            before = text[max(start, m.start() - 30) : m.start()].split()
            last = before[-1].lower() if before else ""
            if last in DETERMINERS or last in NOUN_MARKERS or last.endswith(("’s", "'s")):
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
    if phrase is None or phrase.passive:
        return None
    named = _named_apposition(ctx, phrase)
    return named[0] if named is not None else _source(ctx, phrase)


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
        return None if lead else read_phrase(ctx, phrase_after(text, verb.end(), after[1]))
    if word in PARTICIPLES:
        return None
    if lead:
        phrase = phrase_before(text, after[0], verb.start())
        if phrase is None or any(t[2][0].isalnum() for t in toks if t[0] < phrase.start):
            return None
        if not _opens_subject(text, phrase):
            return None
        return read_phrase(ctx, phrase)
    phrase = phrase_after(text, verb.end(), after[1])
    if phrase is None and not any(t[2][0].isalnum() for t in toks if t[0] > verb.start()):
        return None  # a bare noun after a title: the so-called "lithium killer" claims
    return read_phrase(ctx, phrase)


def _opens_subject(text: str, phrase: Phrase) -> bool:
    """Whether a phrase after a quote can be a subject (not "making air quotes")."""
    first = tokens(text, phrase.start, phrase.end)[0][2]
    return not (text[phrase.start].islower() and first.endswith(("ing", "ly", "ed")))


def _from_before(
    ctx: Context, before: tuple[int, int], after: tuple[int, int]
) -> Attribution | None:
    verbs = _cues(ctx.text, *before)
    if not verbs:
        if ctx.text[before[0] : before[1]].rstrip().endswith(":"):
            found = _clause_subject(ctx, before[0], before[1])  # "Kasich resisted: “…”"
            return found if found.speaker is not None else None
        return None
    verb = verbs[-1]
    word = verb.group().lower()
    if word == "according to":
        return read_phrase(ctx, phrase_after(ctx.text, verb.end(), before[1]))
    if word in PARTICIPLES:
        return _clause_subject(ctx, before[0], verb.start())
    phrase = phrase_before(ctx.text, before[0], verb.start())
    if phrase is None and not ctx.text[before[0] : verb.start()].strip(" ,—–-\n"):
        phrase = phrase_after(ctx.text, verb.end(), before[1])  # "Said Smith: “…”"
    return read_phrase(ctx, phrase)


def _clause_subject(ctx: Context, start: int, verb: int) -> Attribution:
    """ "Trump lashed out, saying “…”": the subject of the sentence's main verb.

    That is the phrase that opens the sentence, or that follows its opening
    phrase ("In a statement, the campaign said").
    """
    known = ctx.between(start, verb)
    if known:
        return Attribution(True, known[0].speaker)
    toks = tokens(ctx.text, start, verb)
    openings = [0] + [i + 1 for i, t in enumerate(toks) if t[2] == ","]
    for first in openings:
        if first >= len(toks) or opens_clause(ctx.text, toks, first):
            continue
        last = first
        while last + 1 < len(toks) and not _ends_subject(ctx.text, toks[last + 1]):
            last += 1
        following = toks[last + 1][2] if last + 1 < len(toks) else ","
        if following == "to" and last > first:  # "The senator sought to calm …, saying"
            last -= 1
        elif following == "," and _relative_follows(toks, last + 2):
            pass  # "Donald Trump, who is battling Carson, has picked up …, telling"
        elif following == "," or following in PREPOSITIONS:
            continue
        return read_phrase(ctx, Phrase(toks[first][0], toks[last][1]))
    return Attribution(True, None)


def _relative_follows(toks: list[tuple[int, int, str]], i: int) -> bool:
    return i < len(toks) and toks[i][2] in ("who", "whose")


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


def read_phrase(ctx: Context, phrase: Phrase | None) -> Attribution:
    """The speaker a source phrase names (a parser's or the rules'), and their role."""
    if phrase is None:
        return Attribution(True, None)
    if phrase.passive:
        return Attribution(True, None)
    named = _named_apposition(ctx, phrase)
    if named is not None:
        return Attribution(True, named[0].speaker, named[1])
    source = _source(ctx, phrase)
    if source is None:
        return Attribution(True, None)
    return Attribution(True, source.speaker, _role(ctx, phrase, source))


def _named_apposition(ctx: Context, phrase: Phrase) -> tuple[Source, str] | None:
    """ "Her manager, Chris Daley, said": the name in the apposition, and the role."""
    if phrase.role is None or _named(ctx, phrase.start, phrase.end) is not None:
        return None
    inside = _named(ctx, *phrase.role)
    if inside is None or inside.start != phrase.role[0]:
        return None
    return inside, ctx.text[phrase.start : phrase.end]


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
    if len(words) == 1 and words[0][2] in _FIRST_PERSON:  # the writer: no one "he" stands for
        return Source(phrase.start, text[phrase.start : phrase.end], "SELF")
    pairs = zip(words[1:], [*words[2:], None], strict=False)
    head_end = next((t[0] for t, u in pairs if _ends_head(text, t, u)), phrase.end)
    if _AGED.fullmatch(text, phrase.start, phrase.end):  # "the 27-year-old said"
        return resolve_pronoun(ctx, "he", phrase.start) or resolve_pronoun(ctx, "she", phrase.start)
    named = _named(ctx, phrase.start, head_end)
    if named is not None:
        return named
    if all(t[2] in TIME_WORDS or t[2] in MONTHS or not t[2][0].isalpha() for t in words):
        return None  # "Last November", "Monday"
    return _described(ctx, phrase, words, head_end)


def _ends_head(text: str, tok: _Token, following: _Token | None) -> bool:
    """ "of" in "a spokesman of …", "involved" in "an official involved in …"."""
    word = tok[2]
    if word in ATTACHING or word in CLAUSE_WORDS:
        return True
    participle = text[tok[0]].islower() and word.endswith(("ed", "ing")) and len(word) > 4
    return participle and following is not None and following[2] in PREPOSITIONS


def _named(ctx: Context, start: int, head_end: int) -> Source | None:
    """The name a phrase's head is: the last mention, ending the head."""
    names = ctx.names
    inside = []
    for m in names.mentions[names.first_from(start) :]:
        if m.start >= head_end:
            break
        inside.append(m)
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
    if len(head) == 1 and text[head[0][0]].isupper() and not _common(text, head[0]):
        alias = ctx.names.aliases.get(text[head[0][0] : head[0][1]])
        if alias is not None:
            return Source(phrase.start, alias[0], alias[1], ctx.genders.get(alias[0]))
        return Source(phrase.start, spoken, "PERSON")
    if head_word in ROLE_WORDS or gender_of_role(head_word):
        holder = ctx.names.resolve_role(head_word, phrase.start) if words[0][2] == "the" else None
        if holder is not None:  # "Health Minister Sofia Andersson … the minister said"
            return Source(phrase.start, holder, "PERSON", ctx.genders.get(holder))
        return Source(phrase.start, spoken, "PERSON", gender_of_role(head_word))
    if head_word in DOCUMENTS:
        return Source(phrase.start, spoken, "THING")
    if head_word in ORG_NOUNS:
        named = _named_org(ctx, head_word, phrase.start) if words[0][2] == "the" else None
        return named or Source(phrase.start, spoken, "ORG")
    kind = "GROUP" if head_word.endswith("s") else "THING"
    return Source(phrase.start, spoken, kind)


def _named_org(ctx: Context, noun: str, pos: int) -> Source | None:
    """ "the bank said" after "the European Central Bank": that organisation.

    "the company" or "the firm" is the last organisation named shortly before.
    """
    names = ctx.names
    stop = names.first_from(pos)
    near = ctx.sentences[max(0, bisect_right(ctx.sentences, pos) - 8)] if ctx.sentences else 0
    for m in reversed(names.mentions[max(0, stop - _LOOK_BACK) : stop]):
        if m.label != "ORG" or not ctx.outside_quotes(m.start):
            continue
        if noun in m.name.lower() or (noun in _ANY_ORG and m.start >= near):
            return Source(m.start, m.name, "ORG")
    return None


def _common(text: str, tok: tuple[int, int, str]) -> bool:
    """A capital that only opens a sentence on a common noun ("Economists at ING")."""
    opens = not text[: tok[0]].rstrip()[-1:].isalnum()
    return opens and (tok[2].endswith("s") or tok[2] in ROLE_WORDS or tok[2] in ORG_NOUNS)


def _mention_at(names: NameIndex, pos: int) -> Mention | None:
    at = names.first_from(pos)
    if at < len(names.mentions) and names.mentions[at].start == pos:
        return names.mentions[at]
    return None
