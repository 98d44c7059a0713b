"""The command tree against what we tell users: every named command exists, every option says
what it does, and ``--home`` works wherever a user puts it."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from occasional.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "src" / "occasional"
PROSE = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]

_QUOTED = re.compile(r"`occasional ([^`]+)`")
_PROMPT = re.compile(r"^\s*\$ occasional (.+?)\s*(?:#.*)?$", re.MULTILINE)


def _strings(path: Path) -> Iterator[tuple[int, str]]:
    """Every string in a module, f-strings with their fixed parts joined."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            parts = [p.value if isinstance(p, ast.Constant) else "X" for p in node.values]
            yield node.lineno, "".join(str(part) for part in parts)


def named_commands() -> Iterator[tuple[str, str]]:
    """(where, invocation) for every ``occasional …`` a message, docstring or doc shows."""
    for path in sorted(SOURCES.rglob("*.py")):
        for line, text in _strings(path):
            for match in _QUOTED.finditer(text):
                yield f"{path.relative_to(ROOT)}:{line}", match.group(1)
    for path in PROSE:
        text = path.read_text(encoding="utf-8")
        for pattern in (_QUOTED, _PROMPT):
            for match in pattern.finditer(text):
                yield path.name, match.group(1)


def _option(command: click.Command, name: str) -> click.Parameter | None:
    return next((p for p in command.params if name in (*p.opts, *p.secondary_opts)), None)


def problem(invocation: str) -> str | None:
    """What is wrong with ``occasional <invocation>`` in our command tree, or None."""
    command: click.Command = cli
    words = [w.strip("[]().,;:") for w in invocation.replace("\\|", "|").split()]
    words = [w for w in words if w not in ("", "|", "…")]
    arguments = 0
    skip = False
    for word in words:
        if skip:  # the value of the option before
            skip = False
        elif isinstance(command, click.Group) and not word.startswith("-"):
            if word not in command.commands:
                return f"no command {word!r} under {command.name!r}"
            command = command.commands[word]
        elif word.startswith("--"):
            names = word.split("=")[0].split("/")
            params = [_option(command, name) for name in names]
            if None in params:
                return f"{command.name} has no option {word}"
            first = params[0]
            skip = "=" not in word and isinstance(first, click.Option) and not first.is_flag
        else:
            arguments += 1
            allowed = sum(
                (10**6 if p.nargs < 0 else p.nargs)
                for p in command.params
                if isinstance(p, click.Argument)
            )
            if arguments > allowed:
                return f"{command.name} takes no argument {word!r}"
    return None


def test_every_command_a_message_or_doc_names_exists() -> None:
    seen = list(named_commands())
    assert len(seen) > 30, "the collector finds the commands we name"
    wrong = [
        f"{where}: `occasional {text}`: {why}" for where, text in seen if (why := problem(text))
    ]
    assert wrong == []


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def test_every_option_and_command_says_what_it_does() -> None:
    silent = [
        f"{name} {param.opts[0]}"
        for name, command in _commands(cli)
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert silent == []
    assert [name for name, command in _commands(cli) if not command.help] == []


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("OCCASIONAL_HOME", raising=False)
    return CliRunner()


def test_home_may_follow_the_command(runner: CliRunner, tmp_path: Path) -> None:
    home = tmp_path / "after"
    made = runner.invoke(cli, ["init", "--home", str(home)], catch_exceptions=False)
    assert made.exit_code == 0, made.stderr
    assert (home / "config.toml").exists() and (home / "occasional.sqlite").exists()
    added = runner.invoke(
        cli, ["add", "https://a.example/feed", "--no-discover", "--home", str(home)]
    )
    assert added.exit_code == 0, added.stderr
    listed = runner.invoke(cli, ["--home", str(home), "sources", "--json"])
    assert '"https://a.example/feed"' in listed.stdout
    nested = runner.invoke(cli, ["export", "articles", "--home", str(home)])
    assert nested.exit_code == 0, nested.stderr


def test_a_new_empty_home_is_announced(runner: CliRunner, tmp_path: Path) -> None:
    home = tmp_path / "typo"
    first = runner.invoke(cli, ["--home", str(home), "sources"])
    assert first.exit_code == 0
    assert f"created a new empty home at {home}" in first.stderr
    again = runner.invoke(cli, ["--home", str(home), "sources"])
    assert "new empty home" not in again.stderr
    made = runner.invoke(cli, ["init", "--home", str(tmp_path / "fresh")])
    assert "created a new home" in made.stdout + made.stderr
