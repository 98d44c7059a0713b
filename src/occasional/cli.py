"""The ``occasional`` command: parses arguments, calls the Engine, prints.

User errors print one line on standard error and exit 1; bad usage exits 2.
``--json`` output follows the shapes promised in the README.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from . import __version__
from .cliutil import HOME_HELP, add_home_option, is_new_home
from .config import load_config
from .core import Engine, make_engine
from .deliver import redact
from .exceptions import OccasionalError, QueueError
from .fileio import write_private
from .jsonout import article_json, page_json, poll_result_json, source_json, story_json
from .oserrors import explain_os_error
from .pollview import poll_view
from .text import plural

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str) -> NoReturn:
    err.print("[red]error:[/red] ", markup=True, end="")
    err.print(message, markup=False)
    sys.exit(1)


def _fail_on_os_error(exc: OSError) -> NoReturn:
    """One line for an OSError; a stream that cannot take output is silenced first."""
    try:
        sys.stdout.flush()
    except OSError:
        # Python flushes stdout again at exit and would print a traceback there.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    _fail(explain_os_error(exc))


def user_errors(func: F) -> F:
    """Turn OccasionalError, OSError (and Ctrl-C) into one line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = func(*args, **kwargs)
        except OccasionalError as exc:
            _fail(str(exc))
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # click ends quietly when a reader such as `head` stops reading
            _fail_on_os_error(exc)
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)
        _announce_new_home()
        return result

    return wrapper  # type: ignore[return-value]


def _announce_new_home() -> None:
    """Say that the command made a new, empty home (after it worked: an error stays one line)."""
    ctx = click.get_current_context(silent=True)
    home = ctx.find_root().obj.get("announce_home") if ctx and ctx.find_root().obj else None
    if home is not None:
        err.print(
            f"note: created a new empty home at {home} "
            "(pick another with --home DIR or OCCASIONAL_HOME)",
            markup=False,
        )


def _engine(ctx: click.Context, *, announce: bool = True) -> Engine:
    """The Engine over the chosen home (opened once per run); says when the home is new."""
    obj = ctx.find_root().obj
    if "engine" not in obj:
        config = load_config(obj["home"])
        obj["new_home"] = is_new_home(config)
        obj["engine"] = make_engine(config)
        if obj["new_home"] and announce:
            obj["announce_home"] = config.home
        ctx.call_on_close(obj["engine"].close)
    engine: Engine = obj["engine"]
    return engine


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    from .timeparse import parse_since

    return parse_since(value)


@contextmanager
def _progress(
    label: str, enabled: bool
) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """A progress bar on stderr (hidden for --json and non-terminals)."""
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not enabled or not err.is_terminal,
    )
    task = bar.add_task(label, total=None)
    with bar:
        yield (lambda n: bar.advance(task, n)), (lambda total: bar.update(task, total=total))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="OCCASIONAL_HOME",
    help=HOME_HELP,
)
@click.version_option(__version__, prog_name="occasional")
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    """occasional: many news feeds in, one calm digest of stories out."""
    ctx.obj = {"home": home}


# --- sources -----------------------------------------------------------------


@cli.command()
@click.pass_context
@user_errors
def init(ctx: click.Context) -> None:
    """Create the home folder, its config file and the database."""
    engine = _engine(ctx, announce=False)
    config_file = engine.config.home / "config.toml"
    if not config_file.exists():
        write_private(config_file, _starter_config().encode("utf-8"), exclusive=True)
    if ctx.find_root().obj["new_home"]:
        out.print(f"created a new home at {engine.config.home}", markup=False)
    else:
        out.print(f"home: {engine.config.home} (already there)", markup=False)
    out.print(f"database: {redact(engine.config.database)}", markup=False)


def _starter_config() -> str:
    from .config import settings_table

    lines = ["# occasional settings; every line is optional. See `occasional config`.", ""]
    section = ""
    for name, default, help_text in settings_table():
        head, _, key = name.rpartition(".")
        if head != section:
            lines += ["", f"[{head}]"] if head else []
            section = head
        shown = json.dumps(list(default) if isinstance(default, tuple) else default)
        lines.append(f"# {key} = {shown if default is not None else '…'}  # {help_text}")
    return "\n".join(lines) + "\n"


@cli.command()
@click.pass_context
@user_errors
def config(ctx: click.Context) -> None:
    """Show every setting in force, its value and what it does."""
    from .config import settings_table

    engine = _engine(ctx)
    table = Table("setting", "value", "meaning")
    values = engine.config.model_dump()
    for name, _default, help_text in settings_table():
        value: Any = values
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        shown = redact(value) if isinstance(value, str) and "://" in value else str(value)
        table.add_row(name, shown, help_text)
    out.print(table)


@cli.command()
@click.argument("url")
@click.option("--tag", "tags", multiple=True, help="Tag the source (repeatable).")
@click.option("--no-discover", is_flag=True, help="Store the URL as a feed without fetching it.")
@click.option("--no-full", is_flag=True, help="Keep the feed's text; do not fetch article pages.")
@click.option("--json", "as_json", is_flag=True, help="Print the source as JSON.")
@click.pass_context
@user_errors
def add(
    ctx: click.Context,
    url: str,
    tags: tuple[str, ...],
    no_discover: bool,
    no_full: bool,
    as_json: bool,
) -> None:
    """Add a source by feed URL or site URL (autodiscovery, then sitemaps)."""
    source = _engine(ctx).add_source(
        url, tags=tags, discover=not no_discover, fetch_full=False if no_full else None
    )
    if as_json:
        _print_json(source_json(source))
    else:
        out.print(
            f"added {source.kind} {source.url} (id {source.id}) {source.title or ''}".rstrip()
        )


@cli.command()
@click.argument("source")
@click.pass_context
@user_errors
def remove(ctx: click.Context, source: str) -> None:
    """Remove a source (by id or URL) and its articles."""
    removed = _engine(ctx).remove_source(source)
    out.print(f"removed {removed.url}")


@cli.command()
@click.option("--tag", help="Only sources with this tag.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
@user_errors
def sources(ctx: click.Context, tag: str | None, as_json: bool) -> None:
    """List sources with their health."""
    items = _engine(ctx).sources(tag=tag)
    if as_json:
        for source in items:
            _print_json(source_json(source))
        return
    table = Table("id", "kind", "title", "url", "tags", "status")
    for s in items:
        status = (
            s.disabled_reason
            or (s.last_error and f"failing ({s.failures}): {s.last_error}")
            or "ok"
        )
        table.add_row(s.id, s.kind, s.title or "", s.url, ",".join(s.settings.tags), status)
    out.print(table)


@cli.command("set")
@click.argument("source")
@click.option("--tag", "tags", multiple=True, help="Replace the tags (repeatable).")
@click.option("--no-tags", is_flag=True, help="Remove every tag.")
@click.option("--enable/--disable", "enabled", default=None, help="Poll it, or stop polling it.")
@click.option("--full/--no-full", "fetch_full", default=None, help="Fetch article pages or not.")
@click.option("--poll-min", type=click.IntRange(min=60), help="Shortest seconds between polls.")
@click.option("--poll-max", type=click.IntRange(min=60), help="Longest seconds between polls.")
@click.option("--title", help="Your own name for the source.")
@click.option("--json", "as_json", is_flag=True, help="Print the changed source as JSON.")
@click.pass_context
@user_errors
def set_source(
    ctx: click.Context,
    source: str,
    tags: tuple[str, ...],
    no_tags: bool,
    enabled: bool | None,
    fetch_full: bool | None,
    poll_min: int | None,
    poll_max: int | None,
    title: str | None,
    as_json: bool,
) -> None:
    """Change a source's settings (by id or URL); --enable also revives a disabled one."""
    from .upkeep import SourceEdit

    edit = SourceEdit(
        tags=() if no_tags else (tags or None),
        enabled=enabled,
        fetch_full=fetch_full,
        poll_min_seconds=poll_min,
        poll_max_seconds=poll_max,
        title=title,
    )
    changed = _engine(ctx).configure_source(source, edit)
    if as_json:
        _print_json(source_json(changed))
    else:
        out.print(f"updated {changed.url}", markup=False)


@cli.command()
@click.option("--since", help="Only articles since: ISO date/time or a span like 7d.")
@click.pass_context
@user_errors
def reextract(ctx: click.Context, since: str | None) -> None:
    """Extract articles again from their kept HTML (see articles.keep_html_days)."""
    report = _engine(ctx).reextract(since=_parse_since(since))
    out.print(f"re-extracted {plural(report.done, 'article')}, {report.failed} failed")


@cli.command("import-opml")
@click.argument("file", type=click.File("rb"))
@click.pass_context
@user_errors
def import_opml(ctx: click.Context, file: Any) -> None:
    """Add every feed and sitemap of an OPML file; folders become tags.

    A damaged or cut-short file imports what could be read and exits 1.
    """
    report = _engine(ctx).import_opml(file.read())
    out.print(f"imported {plural(len(report.added), 'source')}, skipped {len(report.skipped)}")
    for reason in report.skipped:
        err.print(f"  skipped: {reason}", markup=False)
    if report.damaged:
        _fail(f"{file.name}: {report.damaged}; check the file and import it again")


@cli.command("export-opml")
@click.pass_context
@user_errors
def export_opml(ctx: click.Context) -> None:
    """Print every source as OPML."""
    click.echo(_engine(ctx).export_opml())


# --- polling and articles ------------------------------------------------------


@cli.command()
@click.option("--all", "everything", is_flag=True, help="Poll every enabled source, due or not.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source polled.")
@click.option(
    "--queue",
    "queued",
    is_flag=True,
    help="Hand the work to `occasional worker` processes and wait for them (PostgreSQL only).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=0, max=256),
    help="Processes to share the sources out to, by host (default poll.jobs; 0: one per "
    "CPU core). Ignored with --queue.",
)
@click.pass_context
@user_errors
def poll(
    ctx: click.Context, everything: bool, as_json: bool, queued: bool, jobs: int | None
) -> None:
    """Fetch due sources, the article pages that are due (new or to retry), update stories.

    Up to 40 sources get a row each; more get a summary and the failing ones.
    """
    engine = _engine(ctx)
    started = time.monotonic()
    with _progress("polling", not as_json) as (advance, total):
        report = engine.poll(
            everything=everything, progress=advance, on_total=total, queue=queued, jobs=jobs
        )
    if as_json:
        for result in report.sources:
            _print_json(poll_result_json(result))
        return
    out.print(poll_view(report, time.monotonic() - started))


@cli.command()
@click.argument("url", required=False)
@click.option(
    "--html-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extract this saved HTML file instead of fetching a URL.",
)
@click.option("--url", "page_url", help="The address of the page given with --html-file.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.pass_context
@user_errors
def extract(
    ctx: click.Context, url: str | None, html_file: Path | None, page_url: str | None, as_json: bool
) -> None:
    """Extract an article's text and metadata from a URL or an HTML file."""
    if (url is None) == (html_file is None):
        raise click.UsageError("give either a URL or --html-file FILE")
    if html_file is not None:
        from .extract import extract_page

        page = extract_page(html_file.read_bytes(), page_url)
    else:
        page = _engine(ctx).extract(url)
    if as_json:
        _print_json(page_json(page))
        return
    out.print(f"[bold]{escape(page.title or '(no title)')}[/bold]", markup=True)
    meta = [", ".join(page.authors), page.published and page.published.isoformat(), page.language]
    out.print(" · ".join(m for m in meta if m))
    for link in page.source_links:
        out.print(f"source: {link}")
    out.print()
    out.print(page.text, markup=False)


@cli.command()
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
    items = _engine(ctx).articles(since=_parse_since(since), limit=limit, source=source)
    _print_articles(_engine(ctx), items, as_json)


def _print_articles(engine: Engine, items: Iterable[Any], as_json: bool) -> None:
    if as_json:
        for article in items:
            _print_json(article_json(article, with_text=False))
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


@cli.group()
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
    for article in _engine(ctx).articles(since=_parse_since(since)):
        _print_json(article_json(article))


@cli.command()
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
    engine = _engine(ctx)
    _print_articles(engine, engine.search(query, limit=limit), as_json)


# --- stories -------------------------------------------------------------------


@cli.command()
@click.option("--since", help="Only stories active since: ISO date/time or a span like 24h, 7d.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story.")
@click.pass_context
@user_errors
def stories(ctx: click.Context, since: str | None, as_json: bool) -> None:
    """List stories with their articles and outlets."""
    engine = _engine(ctx)
    for story in engine.stories(since=_parse_since(since)):
        members = list(engine.storage.iter_articles(ids=list(story.article_ids)))
        if as_json:
            _print_json(story_json(story, members))
            continue
        count = plural(len(members), "article")
        out.print(f"[bold]{escape(story.label)}[/bold]  ({story.id}, {count})", markup=True)
        outlets = _outlets(engine, [a.copy_of for a in members if a.copy_of], members)
        for a in members:
            mark = f"copy of {outlets.get(a.copy_of, a.copy_of)}" if a.copy_of else ""
            if mark and a.original_reason:
                mark += f" ({a.original_reason})"
            out.print(f"   {_outlet(a)}: {a.title}  {mark}".rstrip(), markup=False)


@cli.command()
@click.argument("article")
@click.pass_context
@user_errors
def split(ctx: click.Context, article: str) -> None:
    """Take ARTICLE out of its story (remembered across runs)."""
    story = _engine(ctx).split_story(article)
    out.print(f"{article} now leads story {story.id}: {story.label}", markup=False)


@cli.command()
@click.argument("a")
@click.argument("b")
@click.pass_context
@user_errors
def merge(ctx: click.Context, a: str, b: str) -> None:
    """Join the stories of A and B (story or article ids; remembered across runs)."""
    story = _engine(ctx).merge_stories(a, b)
    count = plural(len(story.article_ids), "article")
    out.print(f"merged into story {story.id}: {story.label} ({count})", markup=False)


def _read_jsonl(file: Any) -> Any:
    from .stories import read_docs

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
    return cli.command()(user_errors(func))  # type: ignore[return-value]


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
    from .stories import cluster_stories, find_copies

    embed = None
    if embeddings or model:
        from .stories.embed import default_model_dir, load_embedder

        home = click.get_current_context().find_root().obj["home"]
        embed = load_embedder(model or default_model_dir(home)).encode
    docs = _read_jsonl(input_file)
    copies = find_copies(docs, now=datetime.now(UTC))
    for item in cluster_stories(docs, copies=copies, embed=embed):
        if as_json:
            _print_json({"id": item.id, "story": item.story})
        else:
            click.echo(f"{item.id}\t{item.story}")


@_corpus_command
def copies(input_file: Any, as_json: bool) -> None:
    """Find copies and their originals in a JSONL corpus, without touching the database."""
    from .stories import copy_groups

    docs = _read_jsonl(input_file)
    # Times after now are wrong times: they never make an article the original.
    groups = copy_groups(docs, now=datetime.now(UTC))
    for item in groups.decisions:
        if as_json:
            original = {
                "original_reason": groups.original_reason(item.id) if item.copy_of else None
            }
            _print_json({"id": item.id, "copy_of": item.copy_of, "reason": item.reason, **original})
        else:
            click.echo(f"{item.id}\t{item.copy_of or '-'}\t{item.reason or ''}")


@cli.command()
@click.option(
    "--text-file",
    type=click.File("r", encoding="utf-8"),
    required=True,
    help="Plain text, - for stdin.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object; offsets index the text.")
@click.option(
    "--speakers",
    type=click.Choice(["auto", "parser", "rules"]),
    default="auto",
    show_default=True,
    help="How quotes get their speakers: a spaCy parse (auto: when installed) or word rules.",
)
@user_errors
def analyze(text_file: Any, as_json: bool, speakers: str) -> None:
    """Summary sentences, quotes with speakers, key figures and entities of one article."""
    from .analysis import analysis_to_json
    from .analysis import analyze as run_analysis

    result = run_analysis(text_file.read(), speakers=speakers)
    if as_json:
        _print_json(analysis_to_json(result))
        return
    out.print("[bold]Summary[/bold]", markup=True)
    for sentence in result.summary:
        out.print(f"  {sentence.text}", markup=False)
    out.print("[bold]Quotes[/bold]", markup=True)
    for quote in result.quotes:
        out.print(f"  “{quote.text}” — {quote.speaker or 'unattributed'}", markup=False)
    out.print("[bold]Figures[/bold]", markup=True)
    for figure in result.figures:
        out.print(f"  {figure.text}", markup=False)
    out.print("[bold]Entities[/bold]", markup=True)
    out.print("  " + ", ".join(f"{e.text} ({e.label})" for e in result.entities), markup=False)


# --- digests --------------------------------------------------------------------


@cli.command()
@click.option("--profile", help="Profile name (default: the default profile).")
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    help="html, text, markdown (md), json or atom.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of printing.",
)
@click.option("--send", is_flag=True, help="Deliver to the profile's targets (SMTP, files).")
@click.option("--preview", is_flag=True, help="Do not store it: the next digest is unaffected.")
@click.option(
    "--last", is_flag=True, help="Show the profile's newest stored digest again; uses nothing up."
)
@click.option(
    "--id",
    "digest_id",
    help="Show the stored digest with this id again (`occasional digests` lists them).",
)
@click.pass_context
@user_errors
def digest(
    ctx: click.Context,
    profile: str | None,
    fmt: str,
    out_file: Path | None,
    send: bool,
    preview: bool,
    last: bool,
    digest_id: str | None,
) -> None:
    """Build a reader's digest of the stories that matter to them.

    A digest that is kept (the default) uses its stories up: the next one shows
    them again only when they have news. --preview keeps nothing; --last and
    --id show a stored digest again, in any format, without building a new one.
    """
    from .render import get_renderer
    from .sending import require_targets

    if (last or digest_id) and preview:
        raise click.UsageError("--last and --id show a stored digest; --preview builds a new one")
    engine = _engine(ctx)
    renderer = get_renderer(fmt)  # an unknown format fails before any work
    if send and not (last or digest_id):
        require_targets(engine.profile(profile))  # before a digest is kept for nowhere
    if send and not (preview or last or digest_id):
        pending = engine.pending_digest(profile)
        if pending is not None:  # failed sends must not pile up new digests
            err.print(
                f"digest {pending.id} of {pending.generated:%Y-%m-%d %H:%M} was not delivered "
                "yet; sending it instead of a new one",
                markup=False,
            )
            digest_id = pending.id
    if last or digest_id:
        built = engine.stored_digest(profile, digest_id=digest_id)
        _emit(renderer.render(built, options=_render_options(engine)), out_file)
    else:
        built = engine.digest(profile, keep=False) if preview else engine.draft_digest(profile)
        # Written first, kept second: a digest nobody could read uses no story up.
        _emit(renderer.render(built, options=_render_options(engine)), out_file)
        if not preview:
            built = engine.keep_digest(built, for_delivery=send)
    if send:
        engine.send_digest(built)
        targets = plural(len(engine.profile(built.profile).deliver), "target")
        err.print(f"sent digest {built.id} to {targets}", markup=False)


@cli.command()
@click.option("--profile", help="Profile name (default: the default profile).")
@click.option(
    "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Newest this many."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per digest.")
@click.pass_context
@user_errors
def digests(ctx: click.Context, profile: str | None, limit: int, as_json: bool) -> None:
    """List a profile's stored digests, newest first, and whether each was delivered."""
    engine = _engine(ctx)
    stored = engine.storage.digests(engine.profile(profile).name, limit=limit)
    if not stored and not as_json:
        out.print("no stored digests yet; `occasional digest` makes one", markup=False)
    for item in stored:
        stories = len(item.payload.get("stories", ())) if isinstance(item.payload, dict) else 0
        if as_json:
            _print_json(
                {
                    "id": item.id,
                    "profile": item.profile,
                    "generated": item.generated.isoformat(),
                    "sent": item.sent.isoformat() if item.sent else None,
                    "stories": stories,
                    "attempts": item.attempts,
                    "last_error": item.last_error,
                    "given_up": item.given_up.isoformat() if item.given_up else None,
                }
            )
        else:
            when = f"{item.generated:%Y-%m-%d %H:%M}"
            line = f"{item.id}  {when}  {plural(stories, 'story', 'stories')}  {_delivery(item)}"
            out.print(line, markup=False)


def _delivery(item: Any) -> str:
    """How a stored digest's delivery went, in a few words."""
    if item.sent:
        return f"sent {item.sent:%Y-%m-%d %H:%M}"
    tried = f" after {plural(item.attempts, 'attempt')}" if item.attempts else ""
    if item.given_up:
        return f"given up{tried}: {item.last_error}"
    return f"not sent{tried}" + (f": {item.last_error}" if item.last_error else "")


def _emit(text: str, out_file: Path | None) -> None:
    """Print ``text``, or write it whole to ``out_file``; raises OSError naming the path."""
    if out_file is None:
        click.echo(text)
        return
    from .fileio import atomic_write

    try:
        atomic_write(out_file, text, parents=False)
    except OSError as exc:
        _fail(explain_os_error(exc, "write", out_file))
    err.print(f"wrote {out_file}", markup=False)


def _render_options(engine: Engine) -> Any:
    from .digestjob import render_options

    return render_options(engine.config)


@cli.command()
@click.argument("story")
@click.argument(
    "kind", type=click.Choice(["like", "dislike", "more", "less", "opened", "mute-source"])
)
@click.option("--profile", help="Profile name (default: the default profile).")
@click.pass_context
@user_errors
def feedback(ctx: click.Context, story: str, kind: str, profile: str | None) -> None:
    """Tell occasional what you think of a story; later digests learn from it.

    mute-source mutes the outlet that reported the story first, and says which.
    """
    engine = _engine(ctx)
    engine.feedback(story, kind, profile=profile)
    name = engine.profile(profile).name
    if kind == "mute-source":
        out.print(f"muted {engine.story_outlet(story)} for {name}", markup=False)
    else:
        out.print(f"noted for {name}: {kind} {story}", markup=False)


@cli.command()
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per profile (passwords shown as ***)."
)
@click.pass_context
@user_errors
def profiles(ctx: click.Context, as_json: bool) -> None:
    """List reader profiles (files in <home>/profiles/*.toml, and default)."""
    engine = _engine(ctx)
    for p in engine.profiles().values():
        targets = [redact(target) for target in p.deliver]
        if as_json:
            _print_json(
                {
                    "name": p.name,
                    "budget": p.budget,
                    "schedule": p.schedule.cron,
                    "timezone": p.schedule.timezone,
                    "deliver": targets,
                    "formats": list(p.formats),
                }
            )
        else:
            out.print(
                f"{p.name}: budget {p.budget}, {p.schedule.cron} ({p.schedule.timezone}), "
                f"{plural(len(targets), 'delivery target')}",
                markup=False,
            )
    for problem in engine.profile_problems().values():
        err.print(f"skipped: {problem}", markup=False)


@cli.command()
@click.option("--profile", default="default", show_default=True, help="Whose digests to archive.")
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the pages and index.html into.",
)
@click.pass_context
@user_errors
def archive(ctx: click.Context, profile: str, folder: Path) -> None:
    """Write a profile's stored digests as a static HTML archive."""
    index = _engine(ctx).archive(folder, profile=profile)
    out.print(f"wrote {index}")


@cli.command()
@click.option("--host", help="Listen address for feedback links (default: serve.host).")
@click.option("--port", type=int, help="Port for feedback links (default: serve.port).")
@click.option(
    "--queue",
    "queued",
    is_flag=True,
    help="Poll through `occasional worker` processes instead of in this one (PostgreSQL only).",
)
@click.pass_context
@user_errors
def serve(ctx: click.Context, host: str | None, port: int | None, queued: bool) -> None:
    """Poll sources, send digests on their schedules, answer feedback links; Ctrl-C stops."""
    from .serve import serve_forever

    engine = _engine(ctx)
    if queued:
        from .queue.app import require_shared_database

        require_shared_database(engine.config)
    serve_forever(engine, host=host, port=port, log=err.print, queue=queued)


@cli.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 1000),
    default=64,
    show_default=True,
    help="Tasks this worker runs at once (most of them wait on the network).",
)
@click.pass_context
@user_errors
def worker(ctx: click.Context, concurrency: int) -> None:
    """Run one task-queue worker over the configured database and broker (PostgreSQL only).

    Stops after its running tasks on SIGTERM or Ctrl-C. Run one per CPU core or machine.
    """
    engine = _engine(ctx)  # opening it migrates the database before any task runs
    config = engine.config
    engine.close()
    try:
        from .queue.worker import run_worker
    except ImportError as exc:
        raise QueueError(
            f"`occasional worker` needs the queue extra ({exc.name} is missing): "
            "pip install 'occasional[queue]'"
        ) from exc
    run_worker(config, concurrency)


# --- users -----------------------------------------------------------------------


@cli.group()
def user() -> None:
    """Users of the web app and the Reader API (the first one owns the home)."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise click.UsageError("no terminal to ask for a password: use --password-stdin")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


_PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input.",
)


@user.command("add")
@click.argument("name")
@_PASSWORD_STDIN
@click.pass_context
@user_errors
def user_add(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Create a user; the first one takes over the home's sources, profiles and digests."""
    created = _engine(ctx).add_user(name, _password(password_stdin))
    note = " (owner of this home)" if created.owner else ""
    out.print(f"added user {created.name}{note}", markup=False)


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per user.")
@click.pass_context
@user_errors
def user_list(ctx: click.Context, as_json: bool) -> None:
    """List the users."""
    users = _engine(ctx).users()
    for item in users:
        if as_json:
            _print_json(
                {
                    "id": item.id,
                    "name": item.name,
                    "owner": item.owner,
                    "created": item.created.isoformat(),
                }
            )
        else:
            owner = "  owner" if item.owner else ""
            out.print(f"{item.name}  added {item.created:%Y-%m-%d}{owner}", markup=False)
    if not users and not as_json:
        out.print("no users; add one with `occasional user add NAME`")


@user.command("passwd")
@click.argument("name")
@_PASSWORD_STDIN
@click.pass_context
@user_errors
def user_passwd(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Change a user's password; their browsers and apps must log in again."""
    engine = _engine(ctx)
    engine.storage.get_user(name)  # an unknown name fails before the password is asked
    changed = engine.set_password(name, _password(password_stdin))
    out.print(f"changed the password of {changed.name}", markup=False)


@user.command("remove")
@click.argument("name")
@click.pass_context
@user_errors
def user_remove(ctx: click.Context, name: str) -> None:
    """Remove a user with their logins, subscriptions, profiles and digests."""
    removed = _engine(ctx).remove_user(name)
    kept = " (the home's profiles and digests stay)" if removed.owner else ""
    out.print(f"removed user {removed.name}{kept}", markup=False)


# --- models ----------------------------------------------------------------------


@cli.group()
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

    from .stories.embed import default_model_dir, distill_model

    target = output or default_model_dir(ctx.find_root().obj["home"])
    err.print(f"distilling into {target} …", markup=False)
    started = time.monotonic()
    built = distill_model(target)
    out.print(f"built {built} in {time.monotonic() - started:.0f} s", markup=False)


# --- the demo --------------------------------------------------------------------


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Where the demo writes its home and results.",
)
@user_errors
def demo(out_dir: Path) -> None:
    """Run the whole job on the bundled sample news web (loopback only) and show the result."""
    from .demojob import run_demo

    run_demo(out_dir, out)


add_home_option(cli, skip=frozenset({"demo"}))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``occasional`` command."""
    try:
        cli.main(args=argv, prog_name="occasional", standalone_mode=True)
    except OccasionalError as exc:  # raised while click was already closing up
        _fail(str(exc))
    except OSError as exc:  # e.g. --help written to a full disk
        _fail_on_os_error(exc)
