"""The demo web's articles: read from ``site/articles``, dated, given URLs.

Called by :class:`~occasional.demo.server.NewsWeb` at start, once the ports
are known. Pure apart from reading the package's own text files.

Each ``site/articles/<outlet>/<slug>.txt`` is a header of ``name: value``
lines, a ``---`` line, then paragraphs separated by blank lines. Header
names: ``headline``, ``hours_ago`` (before ``now``), ``event``, ``author``,
``section``, ``wire: yes`` (wire-agency copy), ``private: yes`` (under the
robots-disallowed ``/private/``), ``copy_of: <outlet>/<slug>`` with an
optional ``keep: N`` (a copy: the original's first N paragraphs, or all,
when the body is empty). A paragraph ``@include <outlet>/<slug> A-B`` pulls
in paragraphs A to B (1-based) of another article, verbatim.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from importlib import resources
from importlib.resources.abc import Traversable

from .model import DemoArticle
from .outlets import OUTLET_SPECS, spec_for

__all__ = ["ArticleSource", "build_articles", "load_sources", "parse_source"]


@dataclass(frozen=True, slots=True)
class ArticleSource:
    """One article file, parsed but not yet dated or placed at a URL."""

    id: str
    outlet: str
    slug: str
    header: Mapping[str, str]
    paragraphs: tuple[str, ...]

    @property
    def copy_of(self) -> str | None:
        return self.header.get("copy_of")


def parse_source(outlet: str, slug: str, text: str) -> ArticleSource:
    """Parse one article file; raises ``ValueError`` on a missing header line."""
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise ValueError(f"{outlet}/{slug}: no '---' line after the header")
    header: dict[str, str] = {}
    for line in head.strip().splitlines():
        name, _, value = line.partition(":")
        header[name.strip()] = value.strip()
    for required in ("headline", "hours_ago"):
        if required not in header:
            raise ValueError(f"{outlet}/{slug}: header lacks {required!r}")
    paragraphs = tuple(" ".join(p.split()) for p in body.split("\n\n") if p.strip())
    return ArticleSource(f"{outlet}/{slug}", outlet, slug, header, paragraphs)


def _article_files() -> Iterator[tuple[str, str, Traversable]]:
    root = resources.files("occasional.demo") / "site" / "articles"
    for spec in OUTLET_SPECS:
        folder = root / spec.key
        if not folder.is_dir():
            continue
        for item in sorted(folder.iterdir(), key=lambda t: t.name):
            if item.name.endswith(".txt"):
                yield spec.key, item.name.removesuffix(".txt"), item


def load_sources() -> tuple[ArticleSource, ...]:
    """Every article file of the package, in outlet order then by name."""
    return tuple(
        parse_source(outlet, slug, item.read_text(encoding="utf-8"))
        for outlet, slug, item in _article_files()
    )


def _resolve_bodies(sources: tuple[ArticleSource, ...]) -> dict[str, tuple[str, ...]]:
    """Paragraphs for every article, with includes and copies filled in."""
    by_id = {s.id: s for s in sources}
    done: dict[str, tuple[str, ...]] = {}

    def body(article_id: str) -> tuple[str, ...]:
        if article_id not in done:
            done[article_id] = _expand(by_id[article_id], body)
        return done[article_id]

    for source in sources:
        body(source.id)
    return done


def _expand(source: ArticleSource, body: Callable[[str], tuple[str, ...]]) -> tuple[str, ...]:
    if source.copy_of and not source.paragraphs:
        original = body(source.copy_of)
        keep = source.header.get("keep", "all")
        return original if keep == "all" else original[: int(keep)]
    out: list[str] = []
    for paragraph in source.paragraphs:
        if paragraph.startswith("@include "):
            _, ref, span = paragraph.split()
            first, _, last = span.partition("-")
            out.extend(body(ref)[int(first) - 1 : int(last or first)])
        else:
            out.append(paragraph)
    return tuple(out)


def _path(source: ArticleSource, published: datetime) -> str:
    spec = spec_for(source.outlet)
    if source.header.get("private") == "yes":
        return f"/private/{source.slug}.html"
    return spec.url_pattern.format(
        slug=source.slug,
        section=source.header.get("section", "news").lower(),
        y=f"{published.year:04d}",
        m=f"{published.month:02d}",
        d=f"{published.day:02d}",
        n=f"{zlib.crc32(source.id.encode()) % 1_000_000:06d}",
    )


def build_articles(
    now: datetime, base_urls: Mapping[str, str], seed: int = 0
) -> tuple[DemoArticle, ...]:
    """Date and place every article; ``base_urls`` maps outlet key to origin.

    Published times are ``now`` minus each file's ``hours_ago``, less a few
    minutes chosen by ``seed`` (so runs with different seeds differ a little
    while copies still follow their originals). Raises ``KeyError`` when a
    copy or include names an article that does not exist.
    """
    sources = load_sources()
    bodies = _resolve_bodies(sources)
    rng = random.Random(seed)
    base_now = now.replace(second=0, microsecond=0)
    dated = [_dated(s, base_now, rng) for s in sources]
    pairs = list(zip(sources, dated, strict=True))
    urls = {s.id: base_urls[s.outlet] + _path(s, when) for s, when in pairs}
    articles = [_article(s, when, urls, bodies[s.id]) for s, when in pairs]
    wire_urls = {a.url for a in articles if a.wire}
    return tuple(replace(a, wire=True) if a.copy_of in wire_urls else a for a in articles)


def _dated(source: ArticleSource, now: datetime, rng: random.Random) -> datetime:
    jitter = rng.randint(0, 9)
    return now - timedelta(hours=float(source.header["hours_ago"]), minutes=jitter)


def _article(
    source: ArticleSource, published: datetime, urls: Mapping[str, str], body: tuple[str, ...]
) -> DemoArticle:
    header = source.header
    return DemoArticle(
        id=source.id,
        outlet=source.outlet,
        url=urls[source.id],
        headline=header["headline"],
        published=published,
        event=header.get("event", source.id),
        copy_of=urls[source.copy_of] if source.copy_of else None,
        wire=header.get("wire") == "yes",
        author=header.get("author", ""),
        section=header.get("section", "News"),
        body=body,
        robots_allowed=header.get("private") != "yes",
    )
