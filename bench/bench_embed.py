"""Do dense embeddings tell same-event pairs apart better than TF-IDF? ROC AUC on ECB+.

    python bench/bench_embed.py [--model DIR] [--transformer]

Reads ``ecbplus_train.jsonl`` and ``ecbplus_dev.jsonl`` from
``$OCCASIONAL_SHARED_DATA/clustering`` (default: the repository's sibling
``shared/data/clustering``); each line has ``id``, ``text`` and ``gold``, where
gold is ``<topic>_ecb`` or ``<topic>_ecbplus``: every ECB+ topic holds two
similar events (two earthquakes, two Oscar hosts), which is the hard part.

Every pair of docs in a split is scored by cosine and labelled "same gold
event"; ROC AUC says how well each score ranks same-event pairs above the
rest, over all pairs and over pairs within one topic only:

- tfidf: scikit-learn TfidfVectorizer (sublinear tf, English stop words),
  fitted on the split itself;
- embed: the static model2vec model of :mod:`occasional.stories.embed`
  (``--model``, default ``<home>/models/minilm-m2v``; build it with
  ``occasional models build``);
- mean: (tfidf + embed) / 2; mix: w·tfidf + (1−w)·embed with w picked on
  train's within-topic AUC and then applied to dev unchanged;
- minilm (``--transformer``): the full all-MiniLM-L6-v2 transformer through
  sentence-transformers, as the ceiling a static model is distilled from.

Encoding speed is the best of five runs over a split, per doc (two for minilm).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score

from occasional.exceptions import ConfigError
from occasional.stories.embed import default_model_dir, load_embedder, weights_dir

Matrix = npt.NDArray[np.float64]
SPLITS = ("train", "dev")
WEIGHTS = [i / 20 for i in range(21)]


def _data_dir() -> Path:
    base = os.environ.get("OCCASIONAL_SHARED_DATA")
    root = Path(base) if base else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return root / "clustering"


def _load(path: Path) -> tuple[list[str], list[str]]:
    texts, golds = [], []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            texts.append(f"{row.get('title') or ''} {row['text']}".strip())
            golds.append(row["gold"])
    return texts, golds


def _pairs(golds: list[str]) -> tuple[tuple[Matrix, Matrix], Matrix, Matrix]:
    """Upper-triangle pair indices, same-event labels and a same-topic mask."""
    upper = np.triu_indices(len(golds), k=1)
    gold = np.array(golds)
    topic = np.array([g.split("_")[0] for g in golds])
    same_event = (gold[:, None] == gold[None, :])[upper]
    same_topic = (topic[:, None] == topic[None, :])[upper]
    return upper, same_event, same_topic


def _best_of(runs: int, func: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def _tfidf_cosines(texts: list[str]) -> Matrix:
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    return np.asarray((vectors @ vectors.T).toarray(), dtype=np.float64)


def _transformer_encoder() -> Callable[[list[str]], Matrix] | None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(weights_dir()), device="cpu")
    except (ImportError, ConfigError) as exc:
        print(f"--transformer skipped: {exc}", file=sys.stderr)
        return None
    return lambda texts: np.asarray(model.encode(texts, normalize_embeddings=True))


def _auc(labels: Matrix, scores: Matrix) -> float:
    return float(roc_auc_score(labels, scores))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="static model folder")
    parser.add_argument("--transformer", action="store_true", help="add the full MiniLM column")
    args = parser.parse_args()

    folder = _data_dir()
    paths = {split: folder / f"ecbplus_{split}.jsonl" for split in SPLITS}
    if not all(path.is_file() for path in paths.values()):
        print(f"ECB+ files not found in {folder}; set OCCASIONAL_SHARED_DATA", file=sys.stderr)
        return
    model_dir = args.model or default_model_dir()
    try:
        started = time.perf_counter()
        embedder = load_embedder(model_dir)
        load_seconds = time.perf_counter() - started
    except ConfigError as exc:
        print(f"skipped: {exc}", file=sys.stderr)
        return
    transformer = _transformer_encoder() if args.transformer else None

    print(f"static model {model_dir} ({embedder.dim} dims), loaded in {load_seconds:.2f} s")
    rows: list[tuple[str, str, int, int, dict[str, float]]] = []
    speed: list[str] = []
    mix_weight = 0.5
    for split in SPLITS:
        texts, golds = _load(paths[split])
        upper, same_event, same_topic = _pairs(golds)
        emb = embedder.encode(texts).astype(np.float64)
        scores: dict[str, Matrix] = {
            "tfidf": _tfidf_cosines(texts)[upper],
            "embed": (emb @ emb.T)[upper],
        }
        scores["mean"] = (scores["tfidf"] + scores["embed"]) / 2
        if split == "train":
            mix_weight = max(
                WEIGHTS,
                key=lambda w: _auc(
                    same_event[same_topic],
                    (w * scores["tfidf"] + (1 - w) * scores["embed"])[same_topic],
                ),
            )
        scores["mix"] = mix_weight * scores["tfidf"] + (1 - mix_weight) * scores["embed"]
        seconds = {
            "embed": _best_of(5, lambda texts=texts: embedder.encode(texts)),
            "tfidf": _best_of(5, lambda texts=texts: _tfidf_cosines(texts)),
        }
        if transformer is not None:
            full = transformer(texts)
            scores["minilm"] = (full @ full.T)[upper]
            seconds["minilm"] = _best_of(2, lambda texts=texts: transformer(texts))
        for subset, mask in (("all pairs", np.ones_like(same_event)), ("same topic", same_topic)):
            aucs = {name: _auc(same_event[mask], s[mask]) for name, s in scores.items()}
            rows.append((split, subset, int(mask.sum()), int(same_event[mask].sum()), aucs))
        speed.append(
            f"{split}: {len(texts)} docs, "
            + ", ".join(f"{name} {1e6 * s / len(texts):.0f} µs/doc" for name, s in seconds.items())
        )

    names = list(rows[0][4])
    print(f"mix weight on tfidf (picked on train, same-topic AUC): {mix_weight:.2f}")
    print(f"{'split':<6} {'pairs':<11} {'n':>7} {'same':>6} " + " ".join(f"{n:>7}" for n in names))
    for split, subset, n, positives, aucs in rows:
        cells = " ".join(f"{aucs[name]:7.3f}" for name in names)
        print(f"{split:<6} {subset:<11} {n:>7} {positives:>6} {cells}")
    print("time (best of 5; tfidf includes fitting and all cosines):")
    for line in speed:
        print(f"  {line}")


if __name__ == "__main__":
    main()
