"""Commands about digests and readers: digest, digests, feedback, profiles, archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..core import Engine
from ..deliver import redact
from ..oserrors import explain_os_error
from ..text import plural
from .common import err, fail, get_engine, out, print_json, user_errors

__all__ = ["archive", "digest", "digests", "feedback", "profiles"]


@click.command()
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
    from ..render import get_renderer
    from ..sending import require_targets

    if (last or digest_id) and preview:
        raise click.UsageError("--last and --id show a stored digest; --preview builds a new one")
    engine = get_engine(ctx)
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


@click.command()
@click.option("--profile", help="Profile name (default: the default profile).")
@click.option(
    "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Newest this many."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per digest.")
@click.pass_context
@user_errors
def digests(ctx: click.Context, profile: str | None, limit: int, as_json: bool) -> None:
    """List a profile's stored digests, newest first, and whether each was delivered."""
    engine = get_engine(ctx)
    stored = engine.storage.digests(engine.profile(profile).name, limit=limit)
    if not stored and not as_json:
        out.print("no stored digests yet; `occasional digest` makes one", markup=False)
    for item in stored:
        stories = len(item.payload.get("stories", ())) if isinstance(item.payload, dict) else 0
        if as_json:
            print_json(
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
    from ..fileio import atomic_write

    try:
        atomic_write(out_file, text, parents=False)
    except OSError as exc:
        fail(explain_os_error(exc, "write", out_file))
    err.print(f"wrote {out_file}", markup=False)


def _render_options(engine: Engine) -> Any:
    from ..digestjob import render_options

    return render_options(engine.config)


@click.command()
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
    engine = get_engine(ctx)
    engine.feedback(story, kind, profile=profile)
    name = engine.profile(profile).name
    if kind == "mute-source":
        out.print(f"muted {engine.story_outlet(story)} for {name}", markup=False)
    else:
        out.print(f"noted for {name}: {kind} {story}", markup=False)


@click.command()
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per profile (passwords shown as ***)."
)
@click.pass_context
@user_errors
def profiles(ctx: click.Context, as_json: bool) -> None:
    """List reader profiles (files in <home>/profiles/*.toml, and default)."""
    engine = get_engine(ctx)
    for p in engine.profiles().values():
        targets = [redact(target) for target in p.deliver]
        if as_json:
            print_json(
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


@click.command()
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
    index = get_engine(ctx).archive(folder, profile=profile)
    out.print(f"wrote {index}")
