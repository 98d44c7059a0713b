"""Output a user asked for, and a home they named: a failure is one line, and nothing is lost."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from occasional import make_engine
from occasional.cli import cli

pytestmark = pytest.mark.faults

ALLOW = {"OCCASIONAL_ALLOW_NETWORKS": "127.0.0.0/8"}


def occasional(
    *args: str, home: Path, stdout: object = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess (what a shell runs), with ``home``."""
    env = {**os.environ, **ALLOW, "OCCASIONAL_HOME": str(home)}
    command = [sys.executable, "-c", "from occasional.cli import main; main()", *args]
    return subprocess.run(
        command, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, timeout=120
    )


@pytest.fixture
def home(polled_home: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(polled_home, copy)
    return copy


@pytest.fixture
def run(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OCCASIONAL_HOME", str(home))
    monkeypatch.setenv("OCCASIONAL_ALLOW_NETWORKS", "127.0.0.0/8")
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def one_line_error(result: Result | subprocess.CompletedProcess[str], *words: str) -> str:
    stderr = result.stderr
    code = result.exit_code if isinstance(result, Result) else result.returncode
    assert code == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def stored_digests(home: Path) -> int:
    with make_engine(home=home) as engine:
        return len(engine.storage.digests("default", limit=100))


def shown_ids(result: Result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [story["id"] for story in json.loads(result.stdout)["stories"]]


def test_digest_into_a_missing_folder_uses_up_nothing(run, home: Path, tmp_path: Path) -> None:
    before = shown_ids(run("digest", "--preview", "--format", "json"))
    assert before
    missing = tmp_path / "no-such-folder" / "today.html"
    line = one_line_error(run("digest", "--out", str(missing)), str(missing))
    assert "folder" in line
    assert stored_digests(home) == 0
    assert shown_ids(run("digest", "--preview", "--format", "json")) == before


def test_digest_onto_an_unwritable_path_uses_up_nothing(run, home: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "plain-file"
    a_file.write_text("not a folder")
    one_line_error(run("digest", "--out", str(a_file / "today.html")), str(a_file))
    assert stored_digests(home) == 0


def test_digest_to_a_full_disk_uses_up_nothing(home: Path) -> None:
    with open("/dev/full", "w") as full:  # noqa: PTH123 - a device, not a path we own
        result = occasional("digest", "--format", "json", home=home, stdout=full)
    one_line_error(result, "standard output")
    assert stored_digests(home) == 0


def test_export_opml_to_a_full_disk_is_one_line(home: Path) -> None:
    with open("/dev/full", "w") as full:  # noqa: PTH123
        result = occasional("export-opml", home=home, stdout=full)
    one_line_error(result, "standard output", "No space left")


def test_a_home_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "plain-file"
    a_file.write_text("not a folder")
    result = CliRunner().invoke(cli, ["--home", str(a_file / "home"), "sources"])
    one_line_error(result, str(a_file / "home"), "--home")


def test_a_stored_digest_renders_again_in_any_format(run, home: Path) -> None:
    kept = run("digest", "--format", "json")
    assert kept.exit_code == 0, kept.stderr
    first = json.loads(kept.stdout)
    headlines = [story["headline"] for story in first["stories"]]
    assert first["id"] and headlines
    again = run("digest", "--last", "--format", "md")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("# ")
    as_text = run("digest", "--id", first["id"], "--format", "text")
    assert as_text.exit_code == 0, as_text.stderr
    for shown in (again.stdout, as_text.stdout):
        assert all(h.split()[0] in shown for h in headlines)
    as_json = json.loads(run("digest", "--last", "--format", "json").stdout)
    assert as_json["id"] == first["id"]
    assert [s["id"] for s in as_json["stories"]] == [s["id"] for s in first["stories"]]
    assert stored_digests(home) == 1, "rendering a stored digest stores nothing new"
    listed = [json.loads(line) for line in run("digests", "--json").stdout.splitlines()]
    assert [(d["id"], d["sent"], d["stories"]) for d in listed] == [
        (first["id"], None, len(headlines))
    ]
    one_line_error(run("digest", "--id", "no-such-digest"), "no-such-digest")


def test_last_without_a_stored_digest_says_what_to_do(run) -> None:
    one_line_error(run("digest", "--last"), "`occasional digest`")


def test_mute_source_says_which_source(run, home: Path) -> None:
    with make_engine(home=home) as engine:
        story = engine.stories()[0]
        first = engine.storage.get_source(story.first_source or "")
    muted = run("feedback", story.id, "mute-source")
    assert muted.exit_code == 0, muted.stderr
    assert muted.stdout.strip() == f"muted {first.title or first.url} for default"


ONE_PLURAL = re.compile(r"(?<![\d.,])1 (articles|sources|stories|entries|targets|pages|digests)\b")


def test_listings_name_ids_outlets_and_count_in_words(run, home: Path, tmp_path: Path) -> None:
    (first,) = [
        json.loads(line) for line in run("articles", "--json", "--limit", "1").stdout.splitlines()
    ]
    listed = run("articles", "--limit", "1")
    assert first["id"] in listed.stdout, "split needs the id, so the listing shows it"

    stories = run("stories")
    assert stories.exit_code == 0
    assert "copy of" in stories.stdout, "the sample web has copies"
    assert not re.search(r"copy of [0-9a-f]{20}", stories.stdout), "an outlet, not an id"
    with make_engine(home=home) as engine:
        copy = next(a for a in engine.articles() if a.copy_of)
        original = engine.storage.get_article(copy.copy_of or "")
    assert f"copy of {original.source_title}" in stories.stdout

    opml = tmp_path / "one.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="A" xmlUrl="https://one.example/feed"/>'
        "</body></opml>"
    )
    imported = run("import-opml", str(opml))
    assert "imported 1 source," in imported.stdout
    merged = run("merge", copy.id, original.id)
    for result in (listed, stories, imported, merged, run("sources"), run("digests")):
        assert not ONE_PLURAL.search(result.stdout + result.stderr), result.stdout


def test_send_without_targets_keeps_nothing(run, home: Path) -> None:
    one_line_error(run("digest", "--send"), "no delivery targets")
    assert stored_digests(home) == 0
    assert run("digest", "--send", "--preview").exit_code == 1
