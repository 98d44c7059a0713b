"""BCubed and pairwise scores against hand-computed values."""

from __future__ import annotations

from datetime import timedelta

import pytest

from occasional.stories.evaluate import bcubed, pairwise

GOLD = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y"}


def test_perfect_clustering_scores_one() -> None:
    assert bcubed(GOLD, GOLD) == (1.0, 1.0, 1.0)
    assert pairwise(GOLD, GOLD) == (1.0, 1.0, 1.0)


def test_everything_in_one_cluster() -> None:
    pred = dict.fromkeys(GOLD, "all")
    precision, recall, f1 = bcubed(pred, GOLD)
    # a,b,c: 3/5 each; d,e: 2/5 each -> (9/5 + 4/5) / 5
    assert precision == pytest.approx(13 / 25)
    assert recall == 1.0
    assert f1 == pytest.approx(2 * (13 / 25) / (1 + 13 / 25))
    p, r, _ = pairwise(pred, GOLD)
    assert (p, r) == (pytest.approx(4 / 10), 1.0)


def test_singletons() -> None:
    pred = {k: k for k in GOLD}
    precision, recall, _ = bcubed(pred, GOLD)
    assert precision == 1.0
    assert recall == pytest.approx((3 * (1 / 3) + 2 * (1 / 2)) / 5)
    assert pairwise(pred, GOLD)[:2] == (1.0, 0.0)


def test_ids_missing_on_either_side_are_ignored() -> None:
    assert bcubed({"a": "1", "zz": "2"}, GOLD) == (1.0, 1.0, 1.0)
    assert bcubed({}, GOLD) == (0.0, 0.0, 0.0)


def test_spread_in_time_dates_events_over_days_and_repeats_by_seed() -> None:
    from occasional.stories.evaluate import spread_in_time
    from occasional.types import Doc

    docs = [Doc(f"{t}_{e}_{i}", "", "x", None) for t in "ab" for e in "xy" for i in range(40)]
    gold = {d.id: d.id.rsplit("_", 1)[0] for d in docs}
    dated = spread_in_time(docs, gold, seed=3)
    assert dated == spread_in_time(docs, gold, seed=3) != spread_in_time(docs, gold, seed=4)
    for event in set(gold.values()):
        times = sorted(d.published for d in dated if gold[d.id] == event and d.published)
        assert len(times) == 40
        assert timedelta(days=1) < times[-1] - times[0] <= timedelta(days=6)
    # A topic's two events start at least a day apart.
    starts = {e: min(d.published for d in dated if gold[d.id] == e) for e in set(gold.values())}
    assert abs(starts["a_x"] - starts["a_y"]) >= timedelta(days=1) - timedelta(hours=12)
