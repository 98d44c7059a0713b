"""Commands over articles and stories: articles, export, search, stories, split, merge,
cluster and copies of a JSONL corpus, and the story embedding model.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Column, Table

from ..core import Engine
from ..jsonout import article_json, story_json
from ..text import plural
from .common import F, err, get_engine, out, parse_since_arg, print_json, user_errors

__all__ = [
    "articles",
    "cluster",
    "copies",
    "export",
    "merge",
    "models",
    "search",
    "split",
    "stories",
]


@click.command()
@click.option("--since", help="Only newer articles: ISO date/time or a span like 24h, 7d.")
@click.option("--source", help="Only this source (id or URL).")
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="At most this many articles."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, without text.")
@click.pass_context
@user_errors
def articles(
    ctx: click.Context, since: str | None, source: str | None, limit: int | None, as_json: bool
) -> None:
    """List stored articles."""
    items = get_engine(ctx).articles(since=parse_since_arg(since), limit=limit, source=source)
    _print_articles(get_engine(ctx), items, as_json)


def _print_articles(engine: Engine, items: Iterable[Any], as_json: bool) -> None:
    if as_json:
        for article in items:
            print_json(article_json(article, with_text=False))
        return
    items = list(items)
    if not items:
        out.print("no articles")
        return
    outlets = _outlets(engine, [a.copy_of for a in items if a.copy_of])
    table = Table(Column("id", no_wrap=True), "published", "title", "source", "copy of", "story")
    for a in items:
        when = a.published.strftime("%Y-%m-%d %H:%M") if a.published else ""
        copy_of = outlets.get(a.copy_of, a.copy_of) if a.copy_of else ""
        table.add_row(a.id, when, a.title, _outlet(a), copy_of, a.story or "")
    out.print(table)


def _outlet(article: Any) -> str:
    return str(article.source_title or article.source_url)


def _outlets(engine: Engine, article_ids: list[str], known: Iterable[Any] = ()) -> dict[str, str]:
    """The outlet of each article id (those in ``known`` need no lookup)."""
    found = {a.id: _outlet(a) for a in known}
    missing = [i for i in dict.fromkeys(article_ids) if i not in found]
    if missing:
        found.update({a.id: _outlet(a) for a in engine.storage.iter_articles(ids=missing)})
    return found


@click.group()
def export() -> None:
    """Export stored data."""


@export.command("articles")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl"]),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option("--since", help="Only newer articles: ISO date/time or a span like 24h, 7d.")
@click.pass_context
@user_errors
def export_articles(ctx: click.Context, fmt: str, since: str | None) -> None:
    """Every article as one JSON object per line, text included."""
    for article in get_engine(ctx).articles(since=parse_since_arg(since)):
        print_json(article_json(article))


@click.command()
@click.argument("query")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="At most this many results.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@click.pass_context
@user_errors
def search(ctx: click.Context, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over article titles and texts."""
    engine = get_engine(ctx)
    _print_articles(engine, engine.search(query, limit=limit), as_json)


@click.command()
@click.option("--since", help="Only stories active since: ISO date/time or a span like 24h, 7d.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story.")
@click.pass_context
@user_errors
def stories(ctx: click.Context, since: str | None, as_json: bool) -> None:
    """List stories with their articles and outlets."""
    engine = get_engine(ctx)
    for story in engine.stories(since=parse_since_arg(since)):
        members = list(engine.storage.iter_articles(ids=list(story.article_ids)))
        if as_json:
            print_json(story_json(story, members))
            continue
        count = plural(len(members), "article")
        out.print(f"[bold]{escape(story.label)}[/bold]  ({story.id}, {count})", markup=True)
        outlets = _outlets(engine, [a.copy_of for a in members if a.copy_of], members)
        for a in members:
            mark = f"copy of {outlets.get(a.copy_of, a.copy_of)}" if a.copy_of else ""
            if mark and a.original_reason:
                mark += f" ({a.original_reason})"
            out.print(f"   {_outlet(a)}: {a.title}  {mark}".rstrip(), markup=False)


@click.command()
@click.argument("article")
@click.pass_context
@user_errors
def split(ctx: click.Context, article: str) -> None:
    """Take ARTICLE out of its story (remembered across runs)."""
    story = get_engine(ctx).split_story(article)
    out.print(f"{article} now leads story {story.id}: {story.label}", markup=False)


@click.command()
@click.argument("a")
@click.argument("b")
@click.pass_context
@user_errors
def merge(ctx: click.Context, a: str, b: str) -> None:
    """Join the stories of A and B (story or article ids; remembered across runs)."""
    story = get_engine(ctx).merge_stories(a, b)
    count = plural(len(story.article_ids), "article")
    out.print(f"merged into story {story.id}: {story.label} ({count})", markup=False)


def _read_jsonl(file: Any) -> Any:
    from ..stories import read_docs

    docs, errors = read_docs(file)
    for message in errors:
        err.print(message, markup=False)
    return docs


def _corpus_command(func: F) -> F:
    """The options shared by commands that read a JSONL corpus instead of the database."""
    func = click.option("--json", "as_json", is_flag=True, help="One JSON object per input line.")(
        func
    )
    func = click.option(
        "--input",
        "input_file",
        type=click.File("r", encoding="utf-8"),
        required=True,
        help="JSONL file, - for stdin.",
    )(func)
    return click.command()(user_errors(func))  # type: ignore[return-value]


@click.option(
    "--embeddings",
    is_flag=True,
    help="Mix sentence embeddings into the scores (the embeddings extra; "
    "build the model first with `occasional models build`).",
)
@click.option(
    "--model",
    type=click.Path(file_okay=False, path_type=Path),
    help="Embedding model folder (default: <home>/models/minilm-m2v).",
)
@_corpus_command
def cluster(input_file: Any, as_json: bool, embeddings: bool, model: Path | None) -> None:
    """Group a JSONL corpus into stories, without touching the database."""
    from ..stories import cluster_stories, find_copies

    embed = None
    if embeddings or model:
        from ..stories.embed import default_model_dir, load_embedder

        home = click.get_current_context().find_root().obj["home"]
        embed = load_embedder(model or default_model_dir(home)).encode
    docs = _read_jsonl(input_file)
    copies = find_copies(docs, now=datetime.now(UTC))
    for item in cluster_stories(docs, copies=copies, embed=embed):
        if as_json:
            print_json({"id": item.id, "story": item.story})
        else:
            click.echo(f"{item.id}\t{item.story}")


@_corpus_command
def copies(input_file: Any, as_json: bool) -> None:
    """Find copies and their originals in a JSONL corpus, without touching the database."""
    from ..stories import copy_groups

    docs = _read_jsonl(input_file)
    # Times after now are wrong times: they never make an article the original.
    groups = copy_groups(docs, now=datetime.now(UTC))
    for item in groups.decisions:
        if as_json:
            original = {
                "original_reason": groups.original_reason(item.id) if item.copy_of else None
            }
            print_json({"id": item.id, "copy_of": item.copy_of, "reason": item.reason, **original})
        else:
            click.echo(f"{item.id}\t{item.copy_of or '-'}\t{item.reason or ''}")


@click.group()
def models() -> None:
    """Local models for optional features (built offline, never downloaded)."""


@models.command("build")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the model to (default: <home>/models/minilm-m2v).",
)
@click.pass_context
@user_errors
def models_build(ctx: click.Context, output: Path | None) -> None:
    """Distil the story embedding model from the installed all-MiniLM-L6-v2 weights.

    Needs the embeddings-build extra (PyTorch included); takes a minute or two.
    """

    from ..stories.embed import default_model_dir, distill_model

    target = output or default_model_dir(ctx.find_root().obj["home"])
    err.print(f"distilling into {target} …", markup=False)
    started = time.monotonic()
    built = distill_model(target)
    out.print(f"built {built} in {time.monotonic() - started:.0f} s", markup=False)
