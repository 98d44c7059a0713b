"""The home of the ``occasional`` command: ``--home`` anywhere, a new home noticed."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import Config

__all__ = ["HOME_HELP", "add_home_option", "is_new_home"]

HOME_HELP = "Folder holding config.toml and the database (default: the user data folder)."


def _set_home(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.find_root().obj["home"] = value


def add_home_option(group: click.Group, *, skip: frozenset[str] = frozenset()) -> None:
    """Give every command under ``group`` a ``--home`` that overrides the one before it.

    ``occasional init --home DIR`` and ``occasional --home DIR init`` then mean
    the same; commands named in ``skip`` keep their own idea of a home.
    """
    for name, command in group.commands.items():
        if name in skip:
            continue
        command.params.append(
            click.Option(
                ["--home"],
                type=click.Path(file_okay=False, path_type=Path),
                expose_value=False,
                callback=_set_home,
                help=HOME_HELP,
            )
        )
        if isinstance(command, click.Group):
            add_home_option(command, skip=skip)


def is_new_home(config: Config) -> bool:
    """Whether opening ``config`` would create a new, empty home (or database in it)."""
    if not config.home.is_dir():
        return True
    return config.database_url is None and not (config.home / "occasional.sqlite").exists()
