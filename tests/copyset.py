"""A realistic copies set, generated at run time from real article texts.

Used by the copies eval gate (tests/test_copies_generated.py) and by
``bench/bench_copies.py``. Nothing it builds is stored: the texts come from
the shared development data (``OCCASIONAL_SHARED_DATA``, else
``../shared/data`` beside the repository) and :func:`build` returns ``None``
when they are absent.

Originals are real texts: the article bodies of the extraction dev pages and
the ECB+ train documents (reports of one event by many outlets, so close
neighbours that must stay apart, and real wire copies among them, found here
and labelled). Copies of five kinds are made from them, as they appear in
real news:

- ``aggregator``: the whole text under a date line and a tagline, with a
  "Source link" footer (whose URL is in ``source_links`` only sometimes);
- ``teaser``: the first third to half of an article, cut at a paragraph, a
  sentence or mid-sentence, with a "read more" line, linking to it (mostly);
- ``rewrite``: a wire story rewritten by an outlet: a credit line added,
  changed or dropped, a paragraph moved, common words changed, sometimes the
  last paragraph dropped;
- ``sister``: the same article on a sister site of one publisher, with its
  own byline and footer, sometimes naming the original as canonical;
- ``reprint``: a wire or press-wire story reprinted on a business portal
  under a disclaimer, sometimes stamped with a wrong time zone.

Negatives that share text without being copies are made too: an article
quoting one paragraph of another, a follow-up that reuses another's lead, a
story built on the first half of another with its own second half.

Times vary (minutes to days after the original, missing, in the future,
1970, a few hours *before* the original where a time zone was misread), and
so do hosts, headers, taglines, credits, cut points and substitutions.
Two parts never share a source text or a generator family: ``"dev"`` (odd
ECB+ topics, half the extraction pages, family 0) is the one to tune on;
``"heldout"`` (the rest, family 1: other boilerplate, credits, word swaps,
hosts and seed) is only measured.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

Part = Literal["dev", "heldout"]

SHARED = Path(
    os.environ.get(
        "OCCASIONAL_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
)
T0 = datetime(2026, 3, 2, 6, tzinfo=UTC)
#: Every generated time but the deliberately wrong ones lies before this.
NOW = datetime(2026, 4, 20, tzinfo=UTC)
_SEEDS = {"dev": 9_101, "heldout": 52_447}
# Real wire copies among the ECB+ texts: pairs whose shorter text is at least
# this much made of the longer one's word 5-grams (every such pair was read).
_REAL_COPY = 0.7
# Pairs between this and _REAL_COPY are judgment calls; one side is left out.
_AMBIGUOUS = 0.25


@dataclass
class CopySet:
    """Generated docs (JSONL-ready objects) and their truth.

    ``gold`` maps every doc id to its copy group; ``originals`` maps each group
    of two or more docs to its original; ``kinds`` maps each copy to its kind
    (real ECB+ wire copies are ``"real"``).
    """

    docs: list[dict[str, Any]] = field(default_factory=list)
    gold: dict[str, str] = field(default_factory=dict)
    originals: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The docs as JSON Lines (what ``occasional copies --input`` reads)."""
        return [json.dumps(doc, ensure_ascii=False) for doc in self.docs]


@dataclass(frozen=True)
class _Family:
    """One generator family: the boilerplate, credits, swaps and hosts it draws from."""

    dates: tuple[str, ...]
    taglines: tuple[str, ...]
    footers: tuple[str, ...]
    teaser_tails: tuple[str, ...]
    swaps: tuple[tuple[str, str], ...]
    aggregators: tuple[str, ...]
    partners: tuple[str, ...]
    outlets: tuple[str, ...]
    sisters: tuple[tuple[str, ...], ...]
    portals: tuple[str, ...]
    portal_notes: tuple[str, ...]
    wires: tuple[tuple[str, str, tuple[str, ...]], ...]
    bylines: tuple[str, ...]


_FAMILIES: dict[Part, _Family] = {
    "dev": _Family(
        dates=("{d:%d %B %Y %H:%M}", "Published: {d:%Y-%m-%d}", "{d:%b %d, %Y} | {d:%I:%M %p}"),
        taglines=(
            "World Digest - a story for you",
            "Trending now",
            "Stay informed with the latest headlines from around the world, every single day.",
        ),
        footers=(
            "Source link",
            "Source: {host}",
            "Read the original article",
            "Disclaimer: this story is auto-aggregated by a computer program and has not been "
            "created or edited by World Digest. Publisher: {host}",
        ),
        teaser_tails=("Continue reading at {host}", "Read more", "[…]"),
        swaps=(
            ("said", "stated"),
            ("about", "around"),
            ("more than", "over"),
            ("but", "though"),
            ("also", "additionally"),
            ("big", "large"),
            ("show", "indicate"),
            ("told", "informed"),
            ("on Monday", "Monday"),
            ("because", "as"),
            ("people", "individuals"),
            ("the company", "the firm"),
            ("percent", "per cent"),
            ("will", "would"),
            ("including", "among them"),
            ("however", "but"),
            ("could", "may"),
            ("during", "in"),
            ("has been", "was"),
            ("was", "had been"),
        ),
        aggregators=("worlddigest.example", "newsroll.example", "headlinehub.example"),
        partners=("flipnews.example", "newsbreak-hub.example", "partnerfeed.example"),
        outlets=(
            "www.eveningpost.example",
            "dailycourier.example",
            "www.metroherald.example",
            "thechronicle.example",
        ),
        sisters=(
            ("www.northgazette.example", "www.southgazette.example", "eastgazette.example"),
            ("www.valleytimes.example", "www.rivertimes.example"),
        ),
        portals=("markets.moneydesk.example", "finance.portalnews.example"),
        portal_notes=(
            "The views and opinions expressed herein are the views and opinions of the author "
            "and do not necessarily reflect those of this portal.",
            "This content was provided by a third party and is republished here unedited.",
        ),
        wires=(
            ("Reuters", "www.reuters.com", ("{city} (Reuters) - ", "", "(Reuters) - ")),
            ("AP", "apnews.com", ("{city} (AP) — ", "", "AP — ")),
            ("Business Wire", "www.businesswire.com", ("{city}--(BUSINESS WIRE)--",)),
        ),
        bylines=("By Staff Reporter", "By Newsdesk", "Jane Holt, Local Democracy Reporter"),
    ),
    "heldout": _Family(
        dates=(
            "Posted on {d:%B %d, %Y} by admin",
            "{d:%Y/%m/%d %H:%M} GMT",
            "Updated {d:%d.%m.%Y}",
        ),
        taglines=(
            "Your daily dose of news",
            "Breaking: what you need to know today",
            "All the stories that matter, collected for our readers from trusted outlets.",
        ),
        footers=(
            "Source",
            "Original story: {host}",
            "Via {host}",
            "This article was automatically imported from {host}; we do not own the content "
            "and credit the original publisher.",
        ),
        teaser_tails=("Read the full story on {host}", "…", "Keep reading"),
        swaps=(
            ("said", "added"),
            ("announced", "revealed"),
            ("before", "prior to"),
            ("however", "but"),
            ("start", "begin"),
            ("after", "following"),
            ("many", "numerous"),
            ("help", "assist"),
            ("on Tuesday", "Tuesday"),
            ("very", "extremely"),
            ("buy", "purchase"),
            ("the company", "the group"),
            ("million", "mln"),
            ("it is", "it's"),
            ("would", "will"),
            ("while", "whereas"),
            ("such as", "like"),
            ("according to", "per"),
            ("has", "had"),
            ("that", "which"),
        ),
        aggregators=("newsgrab.example", "topstories24.example", "feedly-news.example"),
        partners=("msn-partner.example", "yahoo-syndication.example"),
        outlets=(
            "www.coastalnews.example",
            "cityledger.example",
            "www.thestar-tribune.example",
            "dailyobserver.example",
        ),
        sisters=(
            ("www.hillsidemercury.example", "www.lakesidemercury.example"),
            ("news.harbourmedia.example", "www.harbourexpress.example", "harbourpost.example"),
        ),
        portals=("www.bizportal.example", "investing-now.example"),
        portal_notes=(
            "Copyright notice: republished with permission of the original distributor.",
            "Market data and news are provided for information only and are not investment "
            "advice; the portal accepts no liability for their accuracy.",
        ),
        wires=(
            ("AFP", "www.afp.com", ("{city} (AFP) - ", "", "Source: AFP\n\n")),
            ("dpa", "www.dpa.com", ("{city} (dpa) - ", "")),
            ("GlobeNewswire", "www.globenewswire.com", ("{city} (GLOBE NEWSWIRE) -- ",)),
            ("PR Newswire", "www.prnewswire.com", ("{city} /PRNewswire/ -- ",)),
        ),
        bylines=("By Harbour Media staff", "Newsroom", "Tom Rees, Senior Reporter"),
    ),
}
_CITIES = ("LONDON", "NEW YORK", "PARIS", "BERLIN", "TOKYO", "WASHINGTON", "SYDNEY", "MADRID")


@dataclass
class _Text:
    """A source text with its real URL (extraction) or topic (ECB+)."""

    key: str
    paragraphs: list[str]
    url: str | None
    topic: str | None = None


def build(part: Part, data: Path | None = None) -> CopySet | None:
    """Generate one part; ``None`` when the shared texts are not there."""
    root = data or SHARED
    pages = root / "extraction" / "ground-truth.json"
    ecb = root / "clustering" / "ecbplus_train.jsonl"
    if not pages.exists() or not ecb.exists():
        return None
    return _Builder(part).run(_page_texts(pages, part), _ecb_texts(ecb, part))


def missing_message(data: Path | None = None) -> str:
    """The one-line reason :func:`build` returned ``None``."""
    root = data or SHARED
    return f"copies development texts not found under {root} (set OCCASIONAL_SHARED_DATA)"


def _page_texts(path: Path, part: Part) -> list[_Text]:
    truth = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for key, page in sorted(truth.items()):
        # Halves by a hash of the page, so the split does not follow the file order.
        half = "dev" if int(hashlib.sha256(key.encode()).hexdigest(), 16) % 2 else "heldout"
        paras = [p.strip() for p in page["articleBody"].split("\n") if p.strip()]
        if half == part and sum(len(p.split()) for p in paras) >= 40:
            found.append(_Text(key[:12], paras, page["url"]))
    return found


def _ecb_texts(path: Path, part: Part) -> list[_Text]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        topic = str(row["id"]).split("_")[0]
        if (int(topic) % 2 == 1) == (part == "dev") and row["text"].strip():
            found.append(_Text("e" + str(row["id"]), [row["text"].strip()], None, topic))
    return found


# --- real near-duplicates -------------------------------------------------------


def _grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def _containment(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    small = min(len(a), len(b))
    return len(a & b) / small if small else 0.0


def real_copies(texts: list[_Text]) -> tuple[list[list[_Text]], set[str]]:
    """Groups of real copies among same-topic texts, and the keys left out as unclear."""
    grams = {t.key: _grams(" ".join(t.paragraphs)) for t in texts}
    parent = {t.key: t.key for t in texts}

    def find(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    unclear: list[tuple[str, str]] = []
    for a, b in combinations(texts, 2):
        if a.topic != b.topic:
            continue
        share = _containment(grams[a.key], grams[b.key])
        if share >= _REAL_COPY:
            parent[find(b.key)] = find(a.key)
        elif share >= _AMBIGUOUS:
            unclear.append((a.key, b.key))
    dropped: set[str] = set()
    for a, b in unclear:
        if find(a) != find(b) and a not in dropped and b not in dropped:
            dropped.add(b)
    groups: dict[str, list[_Text]] = {}
    for text in texts:
        if text.key not in dropped:
            groups.setdefault(find(text.key), []).append(text)
    return list(groups.values()), dropped


# --- the builder ----------------------------------------------------------------


class _Builder:
    def __init__(self, part: Part) -> None:
        self.part = part
        self.fam = _FAMILIES[part]
        self.rnd = random.Random(_SEEDS[part])
        self.out = CopySet()
        self.count = 0

    def run(self, pages: list[_Text], ecb: list[_Text]) -> CopySet:
        spare = self._negatives(pages)
        for text in pages:
            if text.key not in spare:
                self._family_of(text, self._original(text, self._when()))
        groups, _ = real_copies(ecb)
        topic_time: dict[str, datetime] = {}
        for group in groups:
            center = topic_time.setdefault(group[0].topic or "", self._when())
            self._real_group(group, center)
        sizes = Counter(self.out.gold.values())
        self.out.originals = {g: g for g, n in sizes.items() if n > 1}
        return self.out

    # times and ids

    def _when(self) -> datetime:
        return T0 + timedelta(minutes=self.rnd.randrange(0, 40 * 24 * 60))

    def _id(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count:04d}"

    def _url(self, host: str, slug: str) -> str:
        style, serial = self.rnd.randrange(3), self.count * 7919 + self.rnd.randrange(7919)
        if style == 0:
            return f"https://{host}/{slug}-{serial}"
        if style == 1:
            return f"https://{host}/news/2026/03/{slug}-{serial}/"
        return f"https://{host}/p/{serial}?utm_source=feed"

    def _add(self, doc: dict[str, Any], group: str, kind: str | None = None) -> dict[str, Any]:
        self.out.docs.append(doc)
        self.out.gold[doc["id"]] = group
        if kind:
            self.out.kinds[doc["id"]] = kind
        return doc

    def _doc(
        self, paras: list[str], when: datetime | None, url: str, **extra: Any
    ) -> dict[str, Any]:
        doc = {
            "id": self._id("d"),
            "title": extra.pop("title", ""),
            "text": "\n\n".join(paras),
            "published": when.isoformat() if when else None,
            "url": url,
            "source": url.split("/")[2],
            "source_links": extra.pop("source_links", []),
        }
        doc.update(extra)
        return doc

    # originals

    def _original(self, text: _Text, when: datetime) -> dict[str, Any]:
        url = text.url or self._url(self.rnd.choice(self.fam.outlets), text.key)
        doc = self._doc(text.paragraphs, when, url, title=_title(text.paragraphs))
        return self._add(doc, doc["id"])

    def _family_of(self, text: _Text, original: dict[str, Any]) -> None:
        """Copies of one original, of kinds drawn at random."""
        copies = self.rnd.choices((0, 1, 2, 3), weights=(40, 32, 17, 11))[0]
        words = sum(len(p.split()) for p in text.paragraphs)
        kinds = ["aggregator", "teaser", "rewrite", "sister", "reprint"]
        weights = [22, 30 if words >= 60 else 0, 20, 14, 14]
        chosen = self.rnd.choices(kinds, weights=weights, k=copies)
        if {"rewrite", "reprint"} & set(chosen):
            self._wire_family(text, original, chosen)
            return
        for kind in chosen:
            getattr(self, "_" + kind)(original)

    def _copy_time(self, original: dict[str, Any], low: float, high: float) -> datetime | None:
        """A copy's time: after the original, sometimes missing, future or 1970."""
        base = datetime.fromisoformat(original["published"]) if original["published"] else T0
        roll = self.rnd.random()
        if roll < 0.06:
            return None
        if roll < 0.09:
            return NOW + timedelta(days=self.rnd.randrange(30, 4000))
        if roll < 0.11:
            return datetime(1970, 1, 1, tzinfo=UTC)
        return base + timedelta(minutes=round(self.rnd.uniform(low, high)))

    # copy kinds

    def _aggregator(self, original: dict[str, Any]) -> None:
        when = self._copy_time(original, 10, 2 * 24 * 60)
        host = self.rnd.choice(self.fam.aggregators)
        src_host = original["source"]
        paras = original["text"].split("\n\n")
        # Long taglines and disclaimers go round long texts (a short wire item's
        # page carries a short one).
        fit = None if len(original["text"].split()) >= 150 else 8
        head = []
        if self.rnd.random() < 0.8:
            head.append(self.rnd.choice(self.fam.dates).format(d=when or T0))
        if self.rnd.random() < 0.7:
            head.append(_pick(self.rnd, self.fam.taglines, fit))
        tail = [_pick(self.rnd, self.fam.footers, fit).format(host=src_host)]
        links = [original["url"]] if self.rnd.random() < 0.75 else []
        title = original["title"] if self.rnd.random() < 0.6 else "Watch: " + original["title"]
        doc = self._doc(
            [*head, *paras, *tail], when, self._url(host, "item"), title=title, source_links=links
        )
        self._add(doc, original["id"], "aggregator")

    def _teaser(self, original: dict[str, Any]) -> None:
        paras = _teaser_cut(self.rnd, original["text"].split("\n\n"))
        tail = self.rnd.choice(self.fam.teaser_tails).format(host=original["source"])
        roll = self.rnd.random()
        extra: dict[str, Any] = {}
        if roll < 0.8:
            extra["source_links"] = [original["url"]]
        elif roll < 0.88:
            extra["canonical_url"] = original["url"]
        # Teasers often go out with, or just before, the article they lead to.
        when = self._copy_time(original, -30, 6 * 60)
        host = self.rnd.choice(self.fam.partners)
        doc = self._doc(
            [*paras, tail], when, self._url(host, "teaser"), title=original["title"], **extra
        )
        self._add(doc, original["id"], "teaser")

    def _sister(self, original: dict[str, Any]) -> None:
        publisher = self.rnd.choice(self.fam.sisters)
        host = self.rnd.choice(publisher)
        paras = original["text"].split("\n\n")
        if len(paras) > 4 and self.rnd.random() < 0.3:
            paras.pop(self.rnd.randrange(1, len(paras)))  # a local edit drops a paragraph
        body = [self.rnd.choice(self.fam.bylines), *paras, "Copyright 2026 Media Group"]
        extra: dict[str, Any] = {}
        if self.rnd.random() < 0.4:
            extra["canonical_url"] = original["url"]
        when = self._copy_time(original, 1, 4 * 60)
        doc = self._doc(body, when, self._url(host, "story"), title=original["title"], **extra)
        self._add(doc, original["id"], "sister")

    def _wire_family(self, text: _Text, original: dict[str, Any], kinds: list[str]) -> None:
        """Wire stories: the agency's own article (mostly), rewrites and reprints of it.

        ``original`` (already added on an outlet's host) is moved onto the wire's
        host with its credit line. Without the agency's own copy, the earliest
        member is the original, credited or not; in "trap" families it is an
        outlet's uncredited text and the later copies credit the wire.
        """
        _, host, forms = self.rnd.choice(self.fam.wires)
        city = self.rnd.choice(_CITIES)
        credit = self.rnd.choice([f for f in forms if f]).format(city=city)
        mode = self.rnd.choices(("wire", "absent", "trap"), weights=(70, 15, 15))[0]
        paras = list(text.paragraphs)
        if mode == "wire":
            original["url"] = self._url(host, "article")
            original["source"] = host
            original["text"] = "\n\n".join(_credit(paras, credit))
            if self.rnd.random() < 0.1:
                original["published"] = None  # the wire's own page without a date
        elif mode == "absent":
            original["text"] = "\n\n".join(_credit(paras, credit))
        for kind in kinds:
            if kind == "rewrite":
                self._rewrite(paras, original, self.rnd.choice(forms).format(city=city), mode)
            elif kind == "reprint":
                self._reprint(paras, original, credit, mode)
            else:
                getattr(self, "_" + kind)(original)

    def _rewrite(self, paras: list[str], original: dict[str, Any], credit: str, mode: str) -> None:
        share = self.rnd.uniform(0.4, 1.0)
        body = [_swap(self.rnd, p, self.fam.swaps, share) for p in paras]
        if self.rnd.random() < 0.4:
            body = _drop_sentence(self.rnd, body)
        if len(body) >= 3:
            i = self.rnd.randrange(1, len(body))
            j = self.rnd.randrange(1, len(body))
            body.insert(j, body.pop(i))
        if len(body) >= 5 and self.rnd.random() < 0.3:
            body.pop()
        body = _credit(body, credit)
        low = 20 if mode == "wire" else 30
        when = self._copy_time(original, low, 10 * 60)
        if mode == "wire" and when and self.rnd.random() < 0.1:
            when -= timedelta(hours=self.rnd.randint(1, 5))  # a misread time zone
        host = self.rnd.choice(self.fam.outlets)
        title = _swap(self.rnd, original["title"], self.fam.swaps)
        doc = self._doc(body, when, self._url(host, "wire"), title=title)
        self._add(doc, original["id"], "rewrite")

    def _reprint(self, paras: list[str], original: dict[str, Any], credit: str, mode: str) -> None:
        note = self.rnd.choice(self.fam.portal_notes) if len(paras) > 2 else ""
        body = [*_credit(paras, credit), *([note] if note else [])]
        when = self._copy_time(original, 5, 3 * 60)
        if mode == "wire" and when and self.rnd.random() < 0.15:
            when -= timedelta(hours=self.rnd.randint(1, 5))  # a misread time zone
        host = self.rnd.choice(self.fam.portals)
        doc = self._doc(body, when, self._url(host, "news"), title=original["title"])
        self._add(doc, original["id"], "reprint")

    # negatives that share text

    def _negatives(self, pages: list[_Text]) -> set[str]:
        """Texts that share a paragraph or a lead with another without copying it.

        Uses a tenth of the pages (long ones) as the hosts of borrowed text; they
        appear only inside these negatives. Returns their keys.
        """
        long = [t for t in pages if len(t.paragraphs) >= 6]
        hosts = long[: max(2, len(long) // 5)]
        donors = [t for t in pages if t not in hosts and len(t.paragraphs) >= 3]
        for index, host in enumerate(hosts):
            donor = donors[index % len(donors)]
            own = host.paragraphs
            style = index % 3
            if style == 0:  # quotes one paragraph of the donor
                paras = [*own[:2], self.rnd.choice(donor.paragraphs), *own[2:]]
            elif style == 1:  # a follow-up reusing the donor's lead
                paras = [donor.paragraphs[0], *own]
            else:  # the donor's first half, then a long story of its own
                half = donor.paragraphs[: max(1, len(donor.paragraphs) // 2)]
                paras = [*half, *own]
            url = self._url(self.rnd.choice(self.fam.outlets), "analysis")
            doc = self._doc(paras, self._when(), url, title=_title(own))
            self._add(doc, doc["id"])
        return {t.key for t in hosts}

    # real copies in ECB+

    def _real_group(self, group: list[_Text], center: datetime) -> None:
        """ECB+ texts of one topic; real copies among them follow the first."""
        first: dict[str, Any] | None = None
        for offset, text in enumerate(group):
            when = center + timedelta(minutes=self.rnd.randrange(0, 36 * 60))
            if first is not None:
                when = datetime.fromisoformat(first["published"]) + timedelta(minutes=5 + offset)
            url = self._url(self.rnd.choice(self.fam.outlets), text.key)
            doc = self._doc(text.paragraphs, when, url)
            if first is None:
                first = self._add(doc, doc["id"])
            else:
                self._add(doc, first["id"], "real")
        if first is not None and len(group) == 1:
            self._family_of(group[0], first)


def _pick(rnd: random.Random, options: tuple[str, ...], most_words: int | None) -> str:
    fitting = [o for o in options if most_words is None or len(o.split()) <= most_words]
    return rnd.choice(fitting)


def _title(paras: list[str]) -> str:
    words = paras[0].split()
    return " ".join(words[: min(10, len(words))])


def _credit(paras: list[str], credit: str) -> list[str]:
    if not credit:
        return list(paras)
    if credit.endswith("\n\n"):
        return [credit.strip(), *paras]
    return [credit + paras[0], *paras[1:]]


def _swap(
    rnd: random.Random, text: str, swaps: tuple[tuple[str, str], ...], share: float = 0.7
) -> str:
    for old, new in swaps:
        pattern = re.compile(rf"\b{re.escape(old)}\b")
        text = pattern.sub(lambda m, new=new: new if rnd.random() < share else m.group(0), text)
    return text


def _drop_sentence(rnd: random.Random, paras: list[str]) -> list[str]:
    """One sentence of one paragraph left out (a subeditor's cut)."""
    index = rnd.randrange(len(paras))
    sentences = re.split(r"(?<=[.!?]) ", paras[index])
    if len(sentences) < 2:
        return paras
    sentences.pop(rnd.randrange(len(sentences)))
    return [*paras[:index], " ".join(sentences), *paras[index + 1 :]]


def _teaser_cut(rnd: random.Random, paras: list[str]) -> list[str]:
    """The first third to half of a text, cut at a paragraph, sentence or word."""
    words = " ".join(paras).split()
    target = int(len(words) * rnd.uniform(0.3, 0.5))
    style = rnd.random()
    if style < 0.45 and len(paras) >= 3:
        kept: list[str] = []
        for para in paras:
            if kept and sum(len(p.split()) for p in kept) >= target:
                break
            kept.append(para)
        return kept
    cut = " ".join(words[:target])
    if style < 0.75:
        end = max(cut.rfind(". "), cut.rfind("? "))
        if end > len(cut) // 3:
            return [cut[: end + 1]]
    return [cut + " …"]


# --- scoring ----------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Pairwise precision and recall of copy groups, originals right, recall per kind."""

    precision: float
    recall: float
    originals_right: float
    groups: int
    kind_recall: dict[str, float]
    wrong_originals: tuple[str, ...]

    def row(self) -> str:
        """One line: P, R, originals right."""
        return (
            f"P {self.precision:.3f}  R {self.recall:.3f}  "
            f"original right {self.originals_right:.3f} ({self.groups} groups)"
        )


def score(copyset: CopySet, group_of: dict[str, str], original_of: dict[str, str | None]) -> Score:
    """Score a prediction: each doc's group key, and each doc's group original (None if lone)."""
    gold = copyset.gold
    pred_pairs = _pairs(group_of)
    gold_pairs = _pairs(gold)
    hits = len(pred_pairs & gold_pairs)
    precision = hits / len(pred_pairs) if pred_pairs else 1.0
    recall = hits / len(gold_pairs) if gold_pairs else 1.0
    wrong = tuple(
        sorted(g for g, orig in copyset.originals.items() if original_of.get(orig) != orig)
    )
    right = 1 - len(wrong) / len(copyset.originals) if copyset.originals else 1.0
    per_kind: dict[str, list[bool]] = {}
    for doc_id, kind in copyset.kinds.items():
        together = group_of.get(doc_id) == group_of.get(gold[doc_id])
        per_kind.setdefault(kind, []).append(together)
    kinds = {k: sum(v) / len(v) for k, v in sorted(per_kind.items())}
    return Score(precision, recall, right, len(copyset.originals), kinds, wrong)


def _pairs(group_of: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for doc_id, group in group_of.items():
        members.setdefault(group, []).append(doc_id)
    return {pair for ids in members.values() for pair in combinations(sorted(ids), 2)}
