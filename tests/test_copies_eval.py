"""Eval gate for copies on our own labelled corpus (tests/fixtures/copies/corpus.json).

The corpus holds originals with aggregator copies (date line, tagline,
"Source link" footer), trimmed, reordered and retitled copies, wire copies
across outlets, and the hard negatives that must stay apart: different
outlets' own reports of one event, a follow-up, live-blog updates, a press
release reused with commentary, and templated weather, market and sports
texts. Each doc's ``gold`` names its copy group; ``groups`` gives each
group's original and the reason it should be chosen.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from occasional.stories.copies import CopyGroups, copy_groups
from occasional.stories.evaluate import pairwise
from occasional.types import Doc

CORPUS = Path(__file__).parent / "fixtures" / "copies" / "corpus.json"
PREFERENCE = ("regional-bulletin.example",)


def _doc(d: dict[str, Any]) -> Doc:
    published = d["published"]
    return Doc(
        id=d["id"],
        title=d["title"],
        text=d["text"],
        published=datetime.fromisoformat(published) if published else None,
        url=d["url"],
        source=d["source"],
        source_links=tuple(d["source_links"]),
        canonical_url=d.get("canonical_url"),
    )


@pytest.fixture(scope="module")
def corpus() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CORPUS.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def result(corpus: dict[str, Any]) -> CopyGroups:
    return copy_groups([_doc(d) for d in corpus["docs"]], preference=PREFERENCE)


def test_corpus_is_big_enough(corpus: dict[str, Any]) -> None:
    assert len(corpus["docs"]) >= 60
    assert len(corpus["groups"]) >= 15


def test_pairwise_precision_and_recall(corpus: dict[str, Any], result: CopyGroups) -> None:
    gold = {d["id"]: d["gold"] for d in corpus["docs"]}
    pred = {d.id: d.group or d.id for d in result.decisions}
    precision, recall, _ = pairwise(pred, gold)
    assert precision >= 0.99, f"pairwise precision {precision:.3f}"
    assert recall >= 0.97, f"pairwise recall {recall:.3f}"


def test_originals_are_right(corpus: dict[str, Any], result: CopyGroups) -> None:
    right = 0
    for gold_group, expected in corpus["groups"].items():
        member = next(d["id"] for d in corpus["docs"] if d["gold"] == gold_group)
        right += result.original_of(member) == expected["original"]
    share = right / len(corpus["groups"])
    assert share >= 0.95, f"originals right {share:.2%}"


def test_original_reasons_match(corpus: dict[str, Any], result: CopyGroups) -> None:
    wrong = []
    for gold_group, expected in corpus["groups"].items():
        member = next(d["id"] for d in corpus["docs"] if d["gold"] == gold_group)
        if result.original_reason(member) != expected["reason"]:
            wrong.append((gold_group, result.original_reason(member), expected["reason"]))
    assert not wrong


def test_copies_point_at_their_group_original(result: CopyGroups) -> None:
    for decision in result.decisions:
        if decision.copy_of is not None:
            assert result.original_of(decision.id) == decision.copy_of
            assert decision.reason in {"same-url", "same-text", "near-duplicate"}
