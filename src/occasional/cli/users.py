"""The ``user`` commands: users of the web app and the Reader API."""

from __future__ import annotations

import sys

import click

from .common import get_engine, out, print_json, user_errors

__all__ = ["user"]


@click.group()
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
    created = get_engine(ctx).add_user(name, _password(password_stdin))
    note = " (owner of this home)" if created.owner else ""
    out.print(f"added user {created.name}{note}", markup=False)


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per user.")
@click.pass_context
@user_errors
def user_list(ctx: click.Context, as_json: bool) -> None:
    """List the users."""
    users = get_engine(ctx).users()
    for item in users:
        if as_json:
            print_json(
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
    engine = get_engine(ctx)
    engine.storage.get_user(name)  # an unknown name fails before the password is asked
    changed = engine.set_password(name, _password(password_stdin))
    out.print(f"changed the password of {changed.name}", markup=False)


@user.command("remove")
@click.argument("name")
@click.pass_context
@user_errors
def user_remove(ctx: click.Context, name: str) -> None:
    """Remove a user with their logins, subscriptions, profiles and digests."""
    removed = get_engine(ctx).remove_user(name)
    kept = " (the home's profiles and digests stay)" if removed.owner else ""
    out.print(f"removed user {removed.name}{kept}", markup=False)
