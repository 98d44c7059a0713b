"""Eval gate for copies on the generated development set (shared texts; skipped when absent).

tests/copyset.py builds the set at run time from the extraction dev pages
and ECB+ train texts: aggregator copies, teasers, wire rewrites, sister-site
republications, wire reprints on business portals, real wire copies found in
ECB+, and texts that share a paragraph or a lead without being copies. The
"dev" part is the one thresholds were chosen on; "heldout" (other texts,
another generator family and seed) is only measured. The floors in
tests/fixtures/eval_floors.json ("copies") may only rise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copyset import NOW, Part, build, missing_message, score
from occasional.stories.copies import copy_groups
from occasional.stories.jsonl import read_docs

pytestmark = pytest.mark.eval

FLOORS = Path(__file__).parent / "fixtures" / "eval_floors.json"


@pytest.mark.parametrize("part", ["dev", "heldout"])
def test_copies_at_or_above_floors(part: Part) -> None:
    copyset = build(part)
    if copyset is None:
        pytest.skip(missing_message())
    docs, errors = read_docs(copyset.lines())
    assert errors == []
    groups = copy_groups(docs, now=NOW)
    result = score(
        copyset,
        {d.id: d.group or d.id for d in groups.decisions},
        {d.id: groups.original_of(d.id) for d in docs},
    )
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))["copies"]
    assert result.precision >= floors[f"{part}_precision"], result.row()
    assert result.recall >= floors[f"{part}_recall"], result.row()
    assert result.originals_right >= floors[f"{part}_originals_right"], result.row()


def test_generated_set_has_every_kind_and_both_parts_differ() -> None:
    dev, heldout = build("dev"), build("heldout")
    if dev is None or heldout is None:
        pytest.skip(missing_message())
    for part in (dev, heldout):
        kinds = set(part.kinds.values())
        assert {"aggregator", "teaser", "rewrite", "sister", "reprint", "real"} <= kinds
        assert len(part.originals) >= 100
    # No source text in both parts: their originals' texts never meet.
    dev_texts = {d["text"] for d in dev.docs if d["id"] in dev.originals}
    assert not dev_texts & {d["text"] for d in heldout.docs if d["id"] in heldout.originals}
