"""Commands that fetch and read articles: poll, reextract, extract, analyze."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from ..jsonout import page_json, poll_result_json
from ..pollview import poll_view
from ..text import plural
from .common import get_engine, out, parse_since_arg, print_json, progress_bar, user_errors

__all__ = ["analyze", "extract", "poll", "reextract"]


@click.command()
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
    engine = get_engine(ctx)
    started = time.monotonic()
    with progress_bar("polling", not as_json) as (advance, total):
        report = engine.poll(
            everything=everything, progress=advance, on_total=total, queue=queued, jobs=jobs
        )
    if as_json:
        for result in report.sources:
            print_json(poll_result_json(result))
        return
    out.print(poll_view(report, time.monotonic() - started))


@click.command()
@click.option("--since", help="Only articles since: ISO date/time or a span like 7d.")
@click.pass_context
@user_errors
def reextract(ctx: click.Context, since: str | None) -> None:
    """Extract articles again from their kept HTML (see articles.keep_html_days)."""
    report = get_engine(ctx).reextract(since=parse_since_arg(since))
    out.print(f"re-extracted {plural(report.done, 'article')}, {report.failed} failed")


@click.command()
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
        from ..extract import extract_page

        page = extract_page(html_file.read_bytes(), page_url)
    else:
        page = get_engine(ctx).extract(url)
    if as_json:
        print_json(page_json(page))
        return
    out.print(f"[bold]{escape(page.title or '(no title)')}[/bold]", markup=True)
    meta = [", ".join(page.authors), page.published and page.published.isoformat(), page.language]
    out.print(" · ".join(m for m in meta if m))
    for link in page.source_links:
        out.print(f"source: {link}")
    out.print()
    out.print(page.text, markup=False)


@click.command()
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
    from ..analysis import analysis_to_json
    from ..analysis import analyze as run_analysis

    result = run_analysis(text_file.read(), speakers=speakers)
    if as_json:
        print_json(analysis_to_json(result))
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
