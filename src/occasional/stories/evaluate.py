"""Scoring a clustering against gold labels: BCubed precision, recall and F1.

Called by the eval gates (tests) and by anyone comparing story or copy
groupings with a labelled set (``bench/bench_dated.py``). Pure; raises
nothing: ids missing from either side are ignored, an empty overlap scores
(0, 0, 0). :func:`spread_in_time` dates an undated labelled set (ECB+) so that
the same reports can test how stories hold across days.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ..types import Doc

__all__ = ["bcubed", "pairwise", "spread_in_time"]

_START = datetime(2026, 3, 1, tzinfo=UTC)


def spread_in_time(
    docs: Sequence[Doc],
    gold: Mapping[str, str],
    seed: int,
    topic: Callable[[str], str] = lambda label: label.split("_")[0],
) -> list[Doc]:
    """``docs`` with publication times drawn so that events last days and similar ones follow.

    Each topic (``topic(label)``; ECB+ labels are ``"<topic>_<sub-event>"``)
    starts at a random time in a three-week span; its events start 1 to 10
    days apart, in random order. Of an event's reports 60% come within 12
    hours of its start, 30% within 3 days and 10% within 6 days. The same
    seed gives the same times.
    """
    rnd = random.Random(seed)
    events = sorted({gold[d.id] for d in docs})
    starts: dict[str, datetime] = {}
    for name in sorted({topic(e) for e in events}):
        first = _START + timedelta(hours=rnd.uniform(0, 21 * 24))
        pair = [e for e in events if topic(e) == name]
        rnd.shuffle(pair)
        for k, event in enumerate(pair):
            starts[event] = first + timedelta(days=k * rnd.uniform(1, 10))
    out = []
    for doc in docs:
        draw = rnd.random()
        span = 12 if draw < 0.6 else 72 if draw < 0.9 else 144
        when = starts[gold[doc.id]] + timedelta(hours=rnd.uniform(0, span))
        out.append(replace(doc, published=when))
    return out


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """BCubed (precision, recall, F1) over the ids both mappings label.

    For each item, precision is the share of its predicted cluster that shares
    its gold label, recall the share of its gold cluster it was clustered
    with; both are averaged over items (Bagga and Baldwin, 1998).
    """
    ids = [i for i in pred if i in gold]
    if not ids:
        return 0.0, 0.0, 0.0
    both = Counter((pred[i], gold[i]) for i in ids)
    pred_size = Counter(pred[i] for i in ids)
    gold_size = Counter(gold[i] for i in ids)
    precision = sum(both[(pred[i], gold[i])] / pred_size[pred[i]] for i in ids) / len(ids)
    recall = sum(both[(pred[i], gold[i])] / gold_size[gold[i]] for i in ids) / len(ids)
    return precision, recall, _f1(precision, recall)


def pairwise(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """Pairwise (precision, recall, F1): pairs put together versus pairs that belong together.

    With no predicted (or no gold) pairs the matching score is 1.0, as
    nothing was wrongly joined (or missed).
    """
    ids = [i for i in pred if i in gold]
    both = Counter((pred[i], gold[i]) for i in ids)
    together = sum(_pairs(n) for n in Counter(pred[i] for i in ids).values())
    belong = sum(_pairs(n) for n in Counter(gold[i] for i in ids).values())
    right = sum(_pairs(n) for n in both.values())
    precision = right / together if together else 1.0
    recall = right / belong if belong else 1.0
    return precision, recall, _f1(precision, recall)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0
