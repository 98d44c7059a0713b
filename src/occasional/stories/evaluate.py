"""Scoring a clustering against gold labels: BCubed precision, recall and F1.

Called by the eval gates (tests) and by anyone comparing story or copy
groupings with a labelled set. Pure; raises nothing: ids missing from
either side are ignored, an empty overlap scores (0, 0, 0).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

__all__ = ["bcubed", "pairwise"]


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
