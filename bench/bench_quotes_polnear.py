"""Quotes and speakers scored on PolNeAR, political news with gold attributions.

    python bench/bench_quotes_polnear.py [--split train|dev] [--root DIR] [--errors N]

PolNeAR (networkdynamics/PolNeAR) annotates attributions in US political
news: a *source* (who), a *cue* (the verb) and a *content* span (what), as
BRAT standoff files (``T<n> Source|Cue|Content <start> <end>[;<start> <end>]``
plus ``E<n>`` lines tying them together) beside the article texts. Point
``--root`` (or ``OCCASIONAL_POLNEAR``) at a folder holding ``data/<split>/
text`` and ``data/<split>/attributions``; ``data/<split>/corenlp`` (the
CoreNLP parses the corpus ships) is optional and lets pronoun sources count.
Without the data the script says so and exits.

Every article is analysed through the same code path as ``occasional analyze
--json`` (``analysis_to_json(analyze(text))``).

What is scored, and why:

- **Gold quotes** are the attributions whose content holds quoted words
  (text between quote marks). PolNeAR also annotates indirect speech ("he
  said the plan would fail"), which ``analyze`` does not report, so those are
  left out. An article annotated by several people counts once (the first
  annotation by file name).
- **Quote P/R/F1 by overlap**: a predicted quote is right when it overlaps
  the quoted words of a gold quote; a gold quote is found when some predicted
  quote overlaps it. Overlap forgives splitting one quote differently.
- **Speaker right**, over the predicted quotes that hit a gold quote: the
  predicted ``speaker`` and the gold source name the same head. A phrase's
  head is its last word before the first comma, bracket or "of/for/at/from/
  who/…" ("Joel Pollak of Breitbart" → pollak, "a spokeswoman for the
  campaign" → spokeswoman), after titles ("Mr.", "Sen.") are dropped. It is
  right when the heads agree, or when one side's head is a word of the
  other's name ("Hillary" against "Hillary Clinton"), or when the gold source
  lists an apposition ("Hope Hicks, a Trump spokeswoman") and the prediction
  names either part. A gold source that is a pronoun ("she") is resolved
  through CoreNLP's coreference chain: the prediction is right when it names
  a non-pronoun mention of that chain. A pronoun with no such chain is left
  out of the speaker score (and counted). A gold quote with no source is
  right when the prediction has no speaker either.
- **Verbatim**: ``text[start:end] == quote text``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from occasional.analysis import analysis_to_json, analyze

Span = tuple[int, int]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


PRONOUNS = _set(
    "he she they it i we you him her them me us his hers their theirs its our ours your "
    "yours my mine himself herself themselves itself myself ourselves who whom which that"
)
TITLES = _set(
    "mr mrs ms miss dr prof sen senator rep gov gen president former sir lord dame the a an jr sr"
)
# Last words of a title before a name: "Secretary of State", "organizing director".
TITLE_ENDS = _set(
    "state secretary director chairman chairwoman chair minister spokesman spokeswoman "
    "spokesperson leader manager senator representative governor mayor ambassador"
)
CUT = re.compile(
    r",|\(|\[|—|–|\s-\s|\b(?:of|for|at|from|who|which|that|with|in|on|to|whose|said|says)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[^\W_][\w'’.-]*")
QUOTE_MARKS = re.compile(r'["“”]')


@dataclass
class Attribution:
    source: list[Span]
    content: list[Span]


@dataclass
class GoldQuote:
    spans: list[Span]  # the quoted words inside the content
    source: str | None
    source_spans: list[Span]


@dataclass
class Article:
    name: str
    text: str
    gold: list[GoldQuote]
    chains: list[list[tuple[Span, str]]] = field(default_factory=list)


def data_root(given: str | None) -> Path:
    base = given or os.environ.get("OCCASIONAL_POLNEAR")
    if base:
        return Path(base)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear"


# --- loading -----------------------------------------------------------------


def _spans(field_text: str) -> list[Span]:
    parts = []
    for piece in field_text.split(";"):
        start, end = piece.split()[-2:]
        parts.append((int(start), int(end)))
    return parts


def parse_ann(raw: str) -> list[Attribution]:
    """The attributions of one BRAT standoff file (sources may be absent)."""
    spans: dict[str, list[Span]] = {}
    links: list[dict[str, str]] = []
    for line in raw.splitlines():
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            spans[cols[0]] = _spans(cols[1].split(" ", 1)[1])
        elif line.startswith("E") and len(cols) >= 2:
            links.append(dict(part.split(":", 1) for part in cols[1].split() if ":" in part))
    found = []
    for link in links:
        if "Content" in link and link["Content"] in spans:
            source = spans.get(link.get("Source", ""), [])
            found.append(Attribution(source, spans[link["Content"]]))
    return found


def _quoted_parts(text: str, content: list[Span]) -> list[Span]:
    """The quoted words of a content span: between paired quote marks, or from a lone mark."""
    parts: list[Span] = []
    for start, end in content:
        marks = [m.start() for m in QUOTE_MARKS.finditer(text, start, end)]
        for opening, closing in zip(marks[::2], [*marks[1::2], end], strict=False):
            if closing - opening > 1 and WORD.search(text, opening + 1, closing):
                parts.append((opening + 1, closing))
    return parts


def gold_quotes(text: str, attributions: list[Attribution]) -> list[GoldQuote]:
    found = []
    for att in attributions:
        parts = _quoted_parts(text, att.content)
        if not parts:
            continue
        source = " … ".join(text[s:e] for s, e in att.source) if att.source else None
        found.append(GoldQuote(parts, source, att.source))
    return found


def _chains(path: Path) -> list[list[tuple[Span, str]]]:
    """CoreNLP coreference chains as lists of (character span, mention text)."""
    if not path.exists():
        return []
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, huge_tree=True))
    offsets: dict[tuple[int, int], Span] = {}
    for sentence in tree.iterfind(".//sentences/sentence"):
        sid = int(sentence.get("id"))
        for token in sentence.iterfind("tokens/token"):
            begin = int(token.findtext("CharacterOffsetBegin"))
            end = int(token.findtext("CharacterOffsetEnd"))
            offsets[(sid, int(token.get("id")))] = (begin, end)
    chains = []
    for chain in tree.iterfind(".//coreference/coreference"):
        mentions = []
        for mention in chain.iterfind("mention"):
            sid = int(mention.findtext("sentence"))
            first = offsets.get((sid, int(mention.findtext("start"))))
            last = offsets.get((sid, int(mention.findtext("end")) - 1))
            if first and last:
                mentions.append(((first[0], last[1]), mention.findtext("text")))
        chains.append(mentions)
    return chains


def load_split(root: Path, split: str, coref: bool = True) -> list[Article]:
    base = root / "data" / split
    articles = []
    used: set[str] = set()
    for ann in sorted((base / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        if name in used:
            continue  # a second annotator's copy of the same article
        used.add(name)
        text = (base / "text" / f"{name}.txt").read_text("utf-8")
        gold = gold_quotes(text, parse_ann(ann.read_text("utf-8")))
        chains = _chains(base / "corenlp" / f"{name}.txt.xml") if coref else []
        articles.append(Article(name, text, gold, chains))
    return articles


# --- matching ----------------------------------------------------------------


def _tokens(phrase: str) -> list[str]:
    return [
        w.lower().replace("’", "'").removesuffix("'s").rstrip(".'")
        for w in WORD.findall(phrase.replace("’s ", " ").replace("'s ", " "))
    ]


def _head_tokens(chunk: str) -> list[str]:
    cut = CUT.search(chunk)
    first = chunk[: cut.start()] if cut and cut.start() > 0 else chunk
    words = [w for w in _tokens(first) if w]
    kept = [w for w in words if w not in TITLES]
    return kept or words[-1:]  # "the senator", "the president": the title is the head


def _alternatives(phrase: str) -> list[list[str]]:
    """Each name a phrase gives: "Hope Hicks, a Trump spokeswoman" gives two."""
    pieces = re.split(r",|\band\b|\(|—|–", phrase)
    return [toks for piece in pieces if (toks := _head_tokens(piece))]


def _named_after_title(predicted: str, gold: str) -> bool:
    """ "Secretary of State John F. Kerry" against "John F. Kerry": the name its title leads to.

    The head rule cuts the gold at "of" ("Secretary"); the name is right when
    it ends the gold's first part, has two words or more, and follows a title
    word ("State", "director", "Sen.").
    """
    said = _tokens(predicted)
    first = _tokens(re.split(r",|\(|—|–", gold)[0])
    if len(said) < 2 or len(first) <= len(said) or first[-len(said) :] != said:
        return False
    return first[-len(said) - 1] in TITLES or first[-len(said) - 1] in TITLE_ENDS


def names_match(predicted: str, gold: str) -> bool:
    """Whether ``predicted`` and ``gold`` name the same speaker (see the module doc)."""
    wanted = _alternatives(gold)
    main = _head_tokens(predicted)
    if not main or not wanted:
        return False
    if any(main[-1] == t[-1] or t[-1] in main or main[-1] in t for t in wanted):
        return True
    return _named_after_title(predicted, gold)


def is_pronoun(phrase: str) -> bool:
    """A pronoun, or no word at all (CoreNLP's mention "'s" of a possessive)."""
    words = [w for w in _tokens(phrase) if w != "s"]
    return all(w in PRONOUNS for w in words)


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _chain_names(article: Article, spans: list[Span]) -> list[str] | None:
    """The non-pronoun mentions of the chain holding exactly this source span."""
    for chain in article.chains:
        if any(m == s for m, _ in chain for s in spans):
            names = [text for _, text in chain if not is_pronoun(text)]
            return names or None
    return None


@dataclass
class Tally:
    predicted: int = 0
    hit: int = 0
    gold: int = 0
    found: int = 0
    verbatim: int = 0
    judged: int = 0
    right: int = 0
    entity_right: int = 0
    unresolved: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    missed: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def report(self) -> dict[str, float]:
        p = self.hit / self.predicted if self.predicted else 0.0
        r = self.found / self.gold if self.gold else 0.0
        return {
            "precision": p,
            "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "speaker_right": self.right / self.judged if self.judged else 0.0,
            "speaker_entity": self.entity_right / self.judged if self.judged else 0.0,
            "verbatim": self.verbatim / self.predicted if self.predicted else 1.0,
        }


def _speaker_verdict(article: Article, gold: GoldQuote, speaker: str | None) -> tuple[str, bool]:
    """(kind, right) for one predicted speaker against its gold quote's source."""
    if gold.source is None:
        return "no source", speaker is None
    if is_pronoun(gold.source):
        names = _chain_names(article, gold.source_spans)
        if names is None:
            return "unresolved", False
        return "pronoun", speaker is not None and any(names_match(speaker, n) for n in names)
    return "named", speaker is not None and names_match(speaker, gold.source)


def _miss_category(
    article: Article, gold: GoldQuote, span: Span, kind: str, said: str | None
) -> str:
    """Where a wrong speaker's gold source stands: the error dump groups misses by it.

    ``<kind>/<what was said>/<where the gold source is>``: what was said is
    ``none`` (no speaker) or ``wrong``; the place is ``same sentence`` (the
    gold source shares the quote's sentence), ``same paragraph`` (an earlier
    sentence of it), ``earlier paragraph``, ``after`` or ``no source``.
    """
    text = article.text
    said_part = "none" if said is None else "wrong"
    if not gold.source_spans:
        return f"{kind}/{said_part}/no source"
    where = gold.source_spans[0][0]
    if where >= span[1] and "\n" in text[span[1] : where]:
        place = "after"
    elif where < span[0] and "\n" in text[where : span[0]]:
        place = "earlier paragraph"
    else:
        low, high = min(where, span[0]), max(where, span[0])
        between = text[low:high]
        stops = sum(between.count(mark) for mark in (". ", "? ", "! ", '." ', ".” "))
        place = "same sentence" if stops == 0 or where > span[0] else "same paragraph"
    return f"{kind}/{said_part}/{place}"


def score_article(article: Article, result: dict[str, Any], tally: Tally) -> None:
    text = article.text
    tally.gold += len(article.gold)
    found = [False] * len(article.gold)
    for quote in result["quotes"]:
        tally.predicted += 1
        span = (quote["start"], quote["end"])
        tally.verbatim += text[span[0] : span[1]] == quote["text"]
        hits = [i for i, g in enumerate(article.gold) if any(_overlaps(span, s) for s in g.spans)]
        if not hits:
            tally.errors.append(f"FP  {article.name}: “{quote['text'][:90]}”")
            continue
        tally.hit += 1
        for i in hits:
            found[i] = True
        gold = min((article.gold[i] for i in hits), key=lambda g: sum(e - s for s, e in g.spans))
        kind, right = _speaker_verdict(article, gold, quote["speaker"])
        tally.kinds[kind] += 1
        if kind == "unresolved":
            tally.unresolved += 1
            continue
        tally.judged += 1
        tally.right += right
        chain = _chain_names(article, gold.source_spans) or []
        said = quote["speaker"]
        entity = right or (said is not None and any(names_match(said, n) for n in chain))
        tally.entity_right += entity
        if not right:
            tally.missed[_miss_category(article, gold, span, kind, said)] += 1
            tally.errors.append(
                f"SPK {article.name}@{span[0]}: {quote['speaker']!r} vs gold {gold.source!r} "
                f"[{kind}] “{quote['text'][:70]}”"
            )
    tally.found += sum(found)
    for g, hit in zip(article.gold, found, strict=True):
        if not hit:
            s, e = g.spans[0]
            tally.errors.append(f"FN  {article.name}@{s}: “{text[s:e][:90]}” ({g.source!r})")


def run(articles: list[Article], speakers: str = "rules") -> tuple[Tally, list[float]]:
    tally = Tally()
    timings = []
    for article in articles:
        started = time.process_time()
        result = analysis_to_json(analyze(article.text, speakers=speakers))
        timings.append((time.process_time() - started) * 1000)
        score_article(article, result, tally)
    return tally, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", help="folder holding data/<split>/{text,attributions}")
    parser.add_argument("--split", default="train", choices=["train", "dev"])
    parser.add_argument("--errors", type=int, default=0, help="print this many mistakes")
    parser.add_argument("--speakers", default="rules", choices=["rules", "parser"])
    parser.add_argument("--no-coref", action="store_true", help="skip the CoreNLP parses")
    args = parser.parse_args()
    root = data_root(args.root)
    if not (root / "data" / args.split / "attributions").is_dir():
        print(f"PolNeAR data not found under {root}: set OCCASIONAL_POLNEAR or --root; skipped")
        return
    articles = load_split(root, args.split, coref=not args.no_coref)
    tally, timings = run(articles, args.speakers)
    words = sum(len(a.text.split()) for a in articles)
    print(f"PolNeAR {args.split}: {len(articles)} articles, {words} words, {tally.gold} gold")
    for name, value in tally.report().items():
        print(f"{name:<16} {value:.3f}")
    print(f"speaker kinds    {dict(tally.kinds)} (unresolved pronouns left out)")
    sizes = [max(1, len(a.text.split())) for a in articles]
    per_750 = statistics.median(t / n * 750 for t, n in zip(timings, sizes, strict=True))
    print(f"analyze CPU ms per 750 words, median {per_750:.2f}")
    if args.errors:
        for category, count in tally.missed.most_common():
            print(f"missed {count:5d}  {category}")
    for line in tally.errors[: args.errors]:
        print(line)


if __name__ == "__main__":
    sys.exit(main())
