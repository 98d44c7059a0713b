"""Scoring extracted text against ground truth, as the extraction eval gate does.

Used by the eval test and the extraction benchmark (not by the pipeline).
The scoring is ScrapingHub's article-extraction benchmark's: per page, tokens
are ``\\w+`` runs, compared as multisets of 4-gram shingles; precision and
recall are averaged over pages, and F1 is computed from the two averages.
A page where nothing was extracted scores precision 0 and recall 0.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EvalPage", "EvalScore", "load_eval_pages", "page_scores", "score"]

_TOKEN = re.compile(r"\w+")
_N = 4


@dataclass(frozen=True, slots=True)
class EvalPage:
    """One page of an evaluation set: its id, URL, raw HTML and true article body."""

    id: str
    url: str | None
    html: bytes
    truth: str


@dataclass(frozen=True, slots=True)
class EvalScore:
    """Averaged precision and recall over pages, and F1 from the averages."""

    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        """The harmonic mean of the averaged precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    # A text shorter than a shingle still counts, as one short shingle.
    return Counter(tuple(tokens[i : i + _N]) for i in range(max(1, len(tokens) - _N + 1)))


def page_scores(truth: str, extracted: str) -> tuple[float, float]:
    """(precision, recall) of ``extracted`` against ``truth`` for one page."""
    expected, found = _shingles(truth), _shingles(extracted)
    common = sum((expected & found).values())
    precision = common / sum(found.values()) if found else 0.0
    recall = common / sum(expected.values()) if expected else 1.0
    return precision, recall


def score(pairs: Iterable[tuple[str, str]]) -> EvalScore:
    """Score (truth, extracted) pairs; an empty input scores zero."""
    results = [page_scores(truth, extracted) for truth, extracted in pairs]
    if not results:
        return EvalScore(0.0, 0.0, 0)
    count = len(results)
    return EvalScore(
        precision=sum(p for p, _ in results) / count,
        recall=sum(r for _, r in results) / count,
        pages=count,
    )


def load_eval_pages(folder: Path) -> list[EvalPage]:
    """Read ``folder/ground-truth.json`` (id → {articleBody, url}) and ``html/<id>.html.gz``.

    Raises :class:`FileNotFoundError` when the set is absent.
    """
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        EvalPage(
            id=key,
            url=item.get("url"),
            html=gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()),
            truth=item["articleBody"],
        )
        for key, item in sorted(truth.items())
    ]
