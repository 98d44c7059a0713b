"""``occasional demo``: the whole job on the bundled sample news web.

Starts the sample web on 127.0.0.1, adds its outlets as a user would (a site
URL for autodiscovery, a site with only sitemaps, plain feed URLs, and feeds
that misbehave), polls twice, groups copies and stories, builds the demo
profile's digest, and writes the results to the output folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from .core import Engine, make_engine
from .demo import NewsWeb, Outlet, run_news_web
from .digestjob import write_outputs
from .exceptions import OccasionalError
from .pipeline import PollReport
from .render import RenderOptions, get_renderer
from .text import plural
from .types import Article, Digest
from .urls import strip_tracking

__all__ = ["run_demo"]

# Outlets added by their home page, so that autodiscovery (or sitemaps) finds the source.
_BY_SITE = ("review", "business")


def run_demo(out_dir: Path, console: Console) -> None:
    """Run the demo and write ``articles.md`` and the digest (HTML, Markdown) into ``out_dir``."""
    out_dir = out_dir.resolve()
    home = out_dir / "home"
    if home.exists():
        shutil.rmtree(home)  # every run starts from an empty database
    console.print("[bold]Starting the sample news web on 127.0.0.1…[/bold]")
    with run_news_web(slow_delay=1.0) as web:
        overrides = {"fetch": {"allow_networks": ["127.0.0.0/8"], "read_timeout": 10.0}}
        with make_engine(home=home, overrides=overrides) as engine:
            console.print("\n[bold]Adding the outlets[/bold]")
            names = _add_sources(engine, web, console)
            console.print("\n[bold]First poll[/bold] (every source, then every new article's page)")
            _show_poll(engine.poll(everything=True), names, console)
            console.print("\n[bold]Second poll[/bold] (conditional requests, retries, backoff)")
            _show_poll(engine.poll(everything=True), names, console)
            _show_stories(engine, console)
            written = _write_articles(engine.articles(), out_dir / "articles.md")
            _show_digest(engine, out_dir, console)
            console.print(f"  {written}")
    console.print(
        "\n[bold]Read and steer it in a browser[/bold]\n"
        f"  occasional --home {home} user add NAME\n"
        f"  occasional --home {home} serve     # then open http://127.0.0.1:8640/",
        markup=True,
    )


def _add_sources(engine: Engine, web: NewsWeb, console: Console) -> dict[str, str]:
    """Add every outlet; returns source id → outlet name."""
    names: dict[str, str] = {}
    for outlet in web.outlets:
        url, discover, how = _how_to_add(outlet)
        try:
            source = engine.add_source(url, discover=discover, tags=(outlet.kind,))
        except OccasionalError as exc:
            console.print(f"  {outlet.name}: refused: {exc}", markup=False)
            continue
        names[source.id] = outlet.name
        console.print(f"  {outlet.name:<26} {how:<26} → {source.kind} {source.url}", markup=False)
    return names


def _how_to_add(outlet: Outlet) -> tuple[str, bool, str]:
    if outlet.key in _BY_SITE or outlet.feed_url is None:
        return outlet.home_url, True, "site URL, discovered"
    if outlet.kind == "trouble":
        return outlet.feed_url, False, f"feed URL ({outlet.behaviour})"
    return outlet.feed_url, True, "feed URL"


def _show_poll(report: PollReport, names: dict[str, str], console: Console) -> None:
    for r in sorted(report.sources, key=lambda r: names.get(r.source_id, r.url)):
        status = f"{r.status} (HTTP {r.http_status})" if r.http_status else r.status
        name = names.get(r.source_id, r.url)
        entries = "entry  " if r.entries == 1 else "entries"  # the columns stay aligned
        counts = f"{r.entries:>3} {entries} {len(r.new_articles):>3} new"
        console.print(f"  {name:<26} {status:<26} {counts}", markup=False)
        if r.error:
            console.print(f"  {'':<26} ↳ {r.error}", markup=False)
    kinds: dict[str, int] = {}
    for page in report.pages:
        kinds[page.how] = kinds.get(page.how, 0) + 1
    pages = ", ".join(f"{n} {how}" for how, n in sorted(kinds.items())) or "none"
    console.print(f"  {plural(len(report.new_articles), 'new article')}; their pages: {pages}")


def _show_stories(engine: Engine, console: Console) -> None:
    stories = [s for s in engine.stories() if len(s.article_ids) > 1]
    console.print(f"\n[bold]Stories reported by more than one article: {len(stories)}[/bold]")
    for story in stories:
        members = list(engine.storage.iter_articles(ids=list(story.article_ids)))
        outlets = sorted({a.source_title or a.source_url for a in members})
        count = plural(len(members), "article")
        console.print(f"\n[bold]{escape(story.label)}[/bold]  ({count})", markup=True)
        console.print(f"  outlets: {', '.join(outlets)}", markup=False)
        for article in members:
            if article.copy_of:
                console.print(
                    f"  copy: {article.source_title}: {article.title}\n"
                    f"        original: {_shown(article.original_url)} ({article.original_reason})",
                    markup=False,
                )


_DEMO_PROFILE = """\
# The demo reader: follows the port strike and the Westmark election, mutes football.
budget = 5
min_score = 0.0
top_stories = true
formats = ["html", "markdown"]

[follows]
topics = ["port strike", "heatwave"]
entities = ["Harriet Osei"]

[mutes]
topics = ["football"]
"""


def _show_digest(engine: Engine, out_dir: Path, console: Console) -> None:
    profiles = engine.config.home / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    (profiles / "demo.toml").write_text(_DEMO_PROFILE, encoding="utf-8")
    digest = engine.digest("demo")
    paths = write_outputs(digest, out_dir, ("html", "markdown"))
    console.print("\n[bold]The demo reader's digest[/bold]")
    console.print(get_renderer("text").render(digest, options=RenderOptions()), markup=False)
    check = check_digest(digest, engine)
    console.print(f"checked: {check}", markup=False)
    console.print("\n[bold]Written[/bold]")
    for path in paths:
        console.print(f"  {path}")


def check_digest(digest: Digest, engine: Engine) -> str:
    """Every quote verbatim in its article, every summary sentence in its article."""
    quotes = sentences = 0
    for item in digest.items + digest.top:
        for quote, article_id in item.quotes:
            if quote.text not in engine.storage.get_article(article_id).text:
                raise OccasionalError(f"quote not verbatim in {article_id}: {quote.text!r}")
            quotes += 1
        for sentence in item.summary:
            if sentence.text not in engine.storage.get_article(sentence.article).text:
                raise OccasionalError(
                    f"summary sentence not in {sentence.article}: {sentence.text!r}"
                )
            sentences += 1
    return f"{quotes} quotes verbatim in their articles, {sentences} summary sentences traced"


def _shown(url: str | None) -> str:
    """A link as the demo prints it: without tracking parameters (the stored URL keeps them)."""
    return strip_tracking(url) if url else "?"


def _write_articles(articles: Iterable[Article], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Articles ingested by the demo", ""]
    for a in articles:
        when = a.published.isoformat() if a.published else "undated"
        source = a.source_title or a.source_url
        lines += [f"## {a.title}", "", f"*{source}* · {when} · <{_shown(a.url)}>", ""]
        if a.copy_of:
            lines += [f"> copy of {_shown(a.original_url)} ({a.original_reason})", ""]
        lines += [a.text, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
