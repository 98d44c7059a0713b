"""The ``occasional`` command: parses arguments, calls the Engine, prints.

User errors print one line on standard error and exit 1; bad usage exits 2.
``--json`` output follows the shapes promised in the README.

The group lives here; its commands live by area in :mod:`.sources`, :mod:`.poll`,
:mod:`.stories`, :mod:`.digest`, :mod:`.serve` and :mod:`.users`, over the
helpers of :mod:`.common` and :mod:`.home`.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..exceptions import OccasionalError
from . import digest, poll, serve, sources, stories, users
from .common import fail, fail_on_os_error
from .home import HOME_HELP, add_home_option

__all__ = ["cli", "main"]


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


for _module in (sources, poll, stories, digest, serve, users):
    for _name in _module.__all__:
        cli.add_command(getattr(_module, _name))

add_home_option(cli, skip=frozenset({"demo"}))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``occasional`` command."""
    try:
        cli.main(args=argv, prog_name="occasional", standalone_mode=True)
    except OccasionalError as exc:  # raised while click was already closing up
        fail(str(exc))
    except OSError as exc:  # e.g. --help written to a full disk
        fail_on_os_error(exc)
