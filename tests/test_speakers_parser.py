"""Speakers from a dependency parse: spaCy's small English pipeline, installed by the nlp extra.

`make test` installs the extra, so these tests run the real pipeline; the
rules stay the fallback when it is missing (the backend table is ours, so
the missing case is made by pointing the loader at a model name that does
not exist).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from occasional.analysis import analyze, find_quotes, split_sentences
from occasional.analysis import parsed as parsed_module
from occasional.analysis.names import scan_names
from occasional.analysis.parsed import load_parser, speaker_parser
from occasional.analysis.quotes import quotes_with_names
from occasional.cli import cli
from occasional.exceptions import ConfigError


@pytest.fixture(scope="module")
def nlp() -> object:
    pipeline = load_parser()
    assert pipeline is not None, "the nlp extra (spaCy and its English pipeline) is not installed"
    return pipeline


def _speakers(text: str, nlp: object) -> list[str | None]:
    return [q.speaker for q in quotes_with_names(text, scan_names(text), nlp)]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Its president, Luis Navarro, said: “Our priority now is human life.”", "Luis Navarro"),
        ("“We will appeal,” said Hope Hicks, a spokeswoman for the campaign.", "Hope Hicks"),
        (
            "A spokesman for Platte River declined to comment but said in a statement that "
            "“the server was treated like any other.”",
            "A spokesman for Platte River",
        ),
        (
            "The rules are “far too loose,” according to a report from the inspector general.",
            "a report from the inspector general",
        ),
        (
            "Senator Maria Cantwell, who chairs the committee, said the bill was "
            "“dead on arrival.”",
            "Maria Cantwell",
        ),
        (
            "His endorsements will carry “a great deal of weight,” DFA spokesman Neil Sroka said.",
            "Neil Sroka",
        ),
        (
            "Trump issued a statement calling the judge “a remarkable person and a brilliant "
            "justice.”",
            "Trump",
        ),
        (
            "Sanders said the process could be “messy,” adding, “Democracy is messy.”",
            "Sanders",
        ),
    ],
)
def test_the_source_is_the_cue_verbs_subject_phrase(text: str, speaker: str, nlp: object) -> None:
    assert _speakers(text, nlp)[-1] == speaker


def test_a_pronoun_and_a_surname_resolve_through_the_rules(nlp: object) -> None:
    text = (
        "Angela Merkel met the press on Monday.\n"
        "“We will not give in,” she said.\n"
        "“Europe stands together,” Merkel added."
    )
    assert _speakers(text, nlp) == ["Angela Merkel", "Angela Merkel"]


def test_no_source_inside_a_quote(nlp: object) -> None:
    text = (
        "“If she gets to pick her judges, nothing you can do folks,” Trump said before adding: "
        "“Though the Second Amendment people, maybe there is.”"
    )
    assert _speakers(text, nlp) == ["Trump", "Trump"]


def test_only_the_sentences_of_quotes_are_parsed(nlp: object) -> None:
    filler = "The council met for three hours and discussed the budget for roads. " * 3
    text = (
        filler + "\n" + "“We cannot wait,” said Mayor Ann Lee.\n" + (filler + "\n") * 6 + "The end."
    )
    seen: list[str] = []

    class Recording:  # watches what reaches the pipeline; the parsing is spaCy's own
        def pipe(self, pieces: list[str]) -> object:
            seen.extend(pieces)
            return nlp.pipe(pieces)  # type: ignore[attr-defined]

    quotes = quotes_with_names(text, scan_names(text), Recording())
    assert [q.speaker for q in quotes] == ["Ann Lee"]
    assert seen == ["“We cannot wait,” said Mayor Ann Lee."]
    assert len(split_sentences(text)) > 10


def test_auto_uses_the_parser_and_rules_stay_the_fallback(
    nlp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "Sanders said the process could be “messy” and that the party would heal, adding, "
        "“Democracy is messy.”"
    )
    assert [q.speaker for q in analyze(text).quotes] == ["Sanders", "Sanders"]
    assert [q.speaker for q in analyze(text, speakers="rules").quotes] == [
        q.speaker for q in find_quotes(text)
    ]
    monkeypatch.setattr(parsed_module, "PARSER_MODELS", ("no_such_pipeline",))
    monkeypatch.setattr(parsed_module, "_tried", False)
    monkeypatch.setattr(parsed_module, "_pipeline", None)
    assert speaker_parser("auto") is None
    assert analyze(text).quotes == analyze(text, speakers="rules").quotes
    with pytest.raises(ConfigError, match=r"occasional\[nlp\]"):
        analyze(text, speakers="parser")


def test_unknown_speaker_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown speaker backend 'nope'"):
        analyze("“Hello there, all of you,” she said.", speakers="nope")


def test_cli_analyze_picks_the_speaker_backend(tmp_path: Path, nlp: object) -> None:
    path = tmp_path / "a.txt"
    path.write_text("“We will appeal the ruling,” said Hope Hicks, a spokeswoman.", "utf-8")
    runner = CliRunner()
    for backend in ("auto", "parser", "rules"):
        result = runner.invoke(
            cli, ["analyze", "--text-file", str(path), "--json", "--speakers", backend]
        )
        assert result.exit_code == 0, result.output
        assert [q["speaker"] for q in json.loads(result.stdout)["quotes"]] == ["Hope Hicks"]
    bad = runner.invoke(cli, ["analyze", "--text-file", "-", "--speakers", "llm"], input="x")
    assert bad.exit_code == 2
