"""The profiles of a home as a reader meets them: "default" stays, a bad file spoils nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from occasional import make_engine
from occasional.cli import cli
from occasional.core import Engine
from occasional.exceptions import ProfileError


def write(home: Path, name: str, text: str) -> None:
    folder = home / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def engine(tmp_path: Path):
    with make_engine(home=tmp_path / "home") as opened:
        yield opened


def test_a_new_profile_leaves_default_and_its_feedback_in_place(engine: Engine) -> None:
    assert engine.profile().name == "default"
    write(engine.config.home, "me", "budget = 3\n")
    assert sorted(engine.profiles()) == ["default", "me"]
    assert engine.profile().name == "default"
    assert engine.profile("me").budget == 3


def test_default_goes_only_when_switched_off(engine: Engine) -> None:
    write(engine.config.home, "me", "budget = 3\n")
    write(engine.config.home, "default", "enabled = false\n")
    assert sorted(engine.profiles()) == ["me"]
    assert engine.profile().name == "me"  # the only one left
    write(engine.config.home, "you", "budget = 4\n")
    with pytest.raises(ProfileError, match="--profile"):
        engine.profile()


def test_a_bad_profile_is_reported_and_the_others_work(engine: Engine) -> None:
    write(engine.config.home, "good", "budget = 3\n")
    write(engine.config.home, "bad", "budget = 'many'\n")
    write(engine.config.home, "broken", "budget = = 3\n")
    assert sorted(engine.profiles()) == ["default", "good"]
    problems = engine.profile_problems()
    assert sorted(problems) == ["bad", "broken"]
    assert "budget" in problems["bad"]
    with pytest.raises(ProfileError, match="budget"):
        engine.profile("bad")
    assert engine.digest("good", keep=False).profile == "good"


def test_cli_lists_good_profiles_names_the_bad_and_hides_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("OCCASIONAL_HOME", str(home))
    target = "smtp://me:hunter2@mail.example.org:587?to=me@example.org&starttls=1"
    write(home, "mailed", f'deliver = ["{target}"]\n')
    write(home, "bad", "unknown_key = 1\n")
    runner = CliRunner()
    listed = runner.invoke(cli, ["profiles", "--json"], catch_exceptions=False)
    assert listed.exit_code == 0
    rows = {row["name"]: row for row in map(json.loads, listed.stdout.splitlines())}
    assert sorted(rows) == ["default", "mailed"]
    assert "hunter2" not in listed.stdout
    assert rows["mailed"]["deliver"] == [target.replace("hunter2", "***")]
    assert "bad" in listed.stderr and "unknown_key" in listed.stderr
    text = runner.invoke(cli, ["profiles"], catch_exceptions=False)
    assert "hunter2" not in text.stdout and "mailed" in text.stdout
