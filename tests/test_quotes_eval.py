"""The quote eval gate: our rules against hand-annotated articles.

Each ``fixtures/quotes/NN.txt`` has ``NN.json``: the quotes a careful reader
marks (text exactly as between the marks, speaker as first named). The
floors live in ``fixtures/eval_floors.json`` under ``"quotes"``; never lower
them silently.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from occasional.analysis import find_quotes
from occasional.analysis.names import scan_names
from occasional.analysis.parsed import require_parser
from occasional.analysis.quotes import quotes_with_names
from occasional.types import Quote

FIXTURES = Path(__file__).parent / "fixtures"
QUOTES = FIXTURES / "quotes"


def _cases() -> list[tuple[str, list[dict[str, str | None]]]]:
    return [
        (path.with_suffix(".txt").read_text("utf-8"), json.loads(path.read_text("utf-8")))
        for path in sorted(QUOTES.glob("*.json"))
    ]


def _score(find: Callable[[str], list[Quote]] = find_quotes) -> dict[str, float]:
    tp = fp = fn = speaker_ok = emitted = verbatim = 0
    for text, gold in _cases():
        expected = Counter(q["text"] for q in gold)
        speakers = {q["text"]: q["speaker"] for q in gold}
        for quote in find(text):
            emitted += 1
            verbatim += text[quote.start : quote.end] == quote.text
            if expected[quote.text] > 0:
                expected[quote.text] -= 1
                tp += 1
                speaker_ok += quote.speaker == speakers[quote.text]
            else:
                fp += 1
        fn += sum(expected.values())
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return {
        "f1": 2 * precision * recall / (precision + recall),
        "speaker_accuracy": speaker_ok / tp,
        "verbatim": verbatim / emitted,
    }


def test_fixture_set_is_large_and_honest() -> None:
    cases = _cases()
    assert len(cases) >= 30
    for text, gold in cases:
        for quote in gold:
            assert quote["text"] in text


@pytest.mark.eval
def test_quote_scores_meet_the_floors() -> None:
    floors = json.loads((FIXTURES / "eval_floors.json").read_text("utf-8"))["quotes"]
    scores = _score()
    for name, floor in floors.items():
        assert scores[name] >= floor, f"quotes {name} {scores[name]:.3f} fell below {floor}"


@pytest.mark.eval
def test_parser_quote_scores_meet_the_floors() -> None:
    """The same articles with speakers from the dependency parse (floors under "quotes_parser")."""
    nlp = require_parser()
    floors = json.loads((FIXTURES / "eval_floors.json").read_text("utf-8"))["quotes_parser"]
    scores = _score(lambda text: quotes_with_names(text, scan_names(text), nlp))
    for name, floor in floors.items():
        assert scores[name] >= floor, f"parser quotes {name} {scores[name]:.3f} fell below {floor}"
