"""The home and its files: private whatever the umask; a damaged or read-only one said so."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from occasional import make_engine
from occasional.cli import cli
from occasional.exceptions import StorageError

pytestmark = pytest.mark.faults


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("mask", [0o022, 0o000])
def test_a_new_home_and_its_files_are_private(tmp_path: Path, mask: int) -> None:
    home = tmp_path / "home"
    with umask(mask):
        assert invoke("init", "--home", str(home)).exit_code == 0
        assert invoke("digest", "--home", str(home), "--preview").exit_code == 0
        with make_engine(home=home) as engine:
            engine.add_source("https://a.example/feed", discover=False)  # the WAL is in use
            files = ["occasional.sqlite", "occasional.sqlite-wal", "occasional.sqlite-shm"]
            assert {name: mode(home / name) for name in files} == dict.fromkeys(files, 0o600)
    assert mode(home) == 0o700
    assert mode(home / "config.toml") == 0o600
    assert mode(home / "feedback.key") == 0o600


def test_the_feedback_key_is_private_from_its_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from occasional.digestjob import feedback_signer

    def no_chmod(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the key was widened first and narrowed afterwards")

    with make_engine(home=tmp_path / "home") as engine, umask(0o000):
        monkeypatch.setattr(os, "chmod", no_chmod)
        monkeypatch.setattr(Path, "chmod", no_chmod)
        feedback_signer(engine.config)
        monkeypatch.undo()
        assert mode(engine.config.home / "feedback.key") == 0o600


def test_an_older_home_is_tightened_when_opened(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with umask(0o022):
        invoke("init", "--home", str(home))
    for name in ("occasional.sqlite", "config.toml"):
        (home / name).chmod(0o644)
    with make_engine(home=home):
        pass
    assert mode(home / "occasional.sqlite") == 0o600 and mode(home / "config.toml") == 0o600


def test_an_empty_database_file_is_refused_not_rebuilt(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "occasional.sqlite").write_bytes(b"")
    with pytest.raises(StorageError, match="empty") as caught:
        make_engine(home=home)
    assert str(home / "occasional.sqlite") in str(caught.value)
    assert (home / "occasional.sqlite").stat().st_size == 0, "nothing was written over it"
    result = CliRunner().invoke(cli, ["--home", str(home), "sources"])
    assert result.exit_code == 1 and "empty" in result.stderr


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` made read-only: chmod for a user, the immutable flag for root."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], check=False).returncode:
        pytest.skip("running as root without chattr +i: cannot make a folder read-only")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_a_read_only_home_is_named_as_such(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert invoke("init", "--home", str(home)).exit_code == 0
    with read_only(home):
        result = CliRunner().invoke(cli, ["--home", str(home), "sources"])
    assert result.exit_code == 1
    assert "read-only" in result.stderr and str(home) in result.stderr
    assert "unable to open database file" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
