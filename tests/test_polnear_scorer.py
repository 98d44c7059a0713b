"""The PolNeAR scorer's speaker match (bench/bench_quotes_polnear.py): its rules, pinned.

Each case counted a right speaker as wrong, or a wrong one as right, before
the rule it pins.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _scorer() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "bench_quotes_polnear.py"
    spec = importlib.util.spec_from_file_location("bench_quotes_polnear", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


scorer = _scorer()


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [
        ("the senator", "the senator"),  # a head of titles only is still a head
        ("The senator from Vermont", "The senator from Vermont"),
        ("Madeleine Albright", "Former Secretary of State Madeleine Albright"),
        ("Kendall Fells", "Fight for $15 organizing director Kendall Fells"),
        ("Pollak", "Joel Pollak of Breitbart"),
        ("Hope Hicks", "Hope Hicks, a Trump spokeswoman"),
    ],
)
def test_the_same_speaker_matches(predicted: str, gold: str) -> None:
    assert scorer.names_match(predicted, gold)


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [
        ("Breitbart", "Joel Pollak of Breitbart"),
        ("Platte River", "a spokesman for Platte River"),
        ("the Chicago Tribune", "a reporter for the Chicago Tribune"),
        ("Barack Obama", "the president"),
        ("the president", "the senator"),
    ],
)
def test_another_speaker_does_not_match(predicted: str, gold: str) -> None:
    assert not scorer.names_match(predicted, gold)


def test_a_possessive_mark_is_no_name_in_a_coreference_chain() -> None:
    assert scorer.is_pronoun("'s") and scorer.is_pronoun("he")
    assert not scorer.is_pronoun("Obama")
