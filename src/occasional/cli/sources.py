"""Commands about the home and its sources: init, config, add, remove, sources, set, OPML."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.table import Table

from ..deliver import redact
from ..fileio import write_private
from ..jsonout import source_json
from ..text import plural
from .common import err, fail, get_engine, out, print_json, user_errors

__all__ = ["add", "config", "export_opml", "import_opml", "init", "remove", "set_source", "sources"]


@click.command()
@click.pass_context
@user_errors
def init(ctx: click.Context) -> None:
    """Create the home folder, its config file and the database."""
    engine = get_engine(ctx, announce=False)
    config_file = engine.config.home / "config.toml"
    if not config_file.exists():
        write_private(config_file, _starter_config().encode("utf-8"), exclusive=True)
    if ctx.find_root().obj["new_home"]:
        out.print(f"created a new home at {engine.config.home}", markup=False)
    else:
        out.print(f"home: {engine.config.home} (already there)", markup=False)
    out.print(f"database: {redact(engine.config.database)}", markup=False)


def _starter_config() -> str:
    from ..config import settings_table

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


@click.command()
@click.pass_context
@user_errors
def config(ctx: click.Context) -> None:
    """Show every setting in force, its value and what it does."""
    from ..config import settings_table

    engine = get_engine(ctx)
    table = Table("setting", "value", "meaning")
    values = engine.config.model_dump()
    for name, _default, help_text in settings_table():
        value: Any = values
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        shown = redact(value) if isinstance(value, str) and "://" in value else str(value)
        table.add_row(name, shown, help_text)
    out.print(table)


@click.command()
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
    source = get_engine(ctx).add_source(
        url, tags=tags, discover=not no_discover, fetch_full=False if no_full else None
    )
    if as_json:
        print_json(source_json(source))
    else:
        out.print(
            f"added {source.kind} {source.url} (id {source.id}) {source.title or ''}".rstrip()
        )


@click.command()
@click.argument("source")
@click.pass_context
@user_errors
def remove(ctx: click.Context, source: str) -> None:
    """Remove a source (by id or URL) and its articles."""
    removed = get_engine(ctx).remove_source(source)
    out.print(f"removed {removed.url}")


@click.command()
@click.option("--tag", help="Only sources with this tag.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
@user_errors
def sources(ctx: click.Context, tag: str | None, as_json: bool) -> None:
    """List sources with their health."""
    items = get_engine(ctx).sources(tag=tag)
    if as_json:
        for source in items:
            print_json(source_json(source))
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


@click.command("set")
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
    from ..upkeep import SourceEdit

    edit = SourceEdit(
        tags=() if no_tags else (tags or None),
        enabled=enabled,
        fetch_full=fetch_full,
        poll_min_seconds=poll_min,
        poll_max_seconds=poll_max,
        title=title,
    )
    changed = get_engine(ctx).configure_source(source, edit)
    if as_json:
        print_json(source_json(changed))
    else:
        out.print(f"updated {changed.url}", markup=False)


@click.command("import-opml")
@click.argument("file", type=click.File("rb"))
@click.pass_context
@user_errors
def import_opml(ctx: click.Context, file: Any) -> None:
    """Add every feed and sitemap of an OPML file; folders become tags.

    A damaged or cut-short file imports what could be read and exits 1.
    """
    report = get_engine(ctx).import_opml(file.read())
    out.print(f"imported {plural(len(report.added), 'source')}, skipped {len(report.skipped)}")
    for reason in report.skipped:
        err.print(f"  skipped: {reason}", markup=False)
    if report.damaged:
        fail(f"{file.name}: {report.damaged}; check the file and import it again")


@click.command("export-opml")
@click.pass_context
@user_errors
def export_opml(ctx: click.Context) -> None:
    """Print every source as OPML."""
    click.echo(get_engine(ctx).export_opml())
