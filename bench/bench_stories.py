"""Copies and stories over a synthetic stream: ours versus the usual tools.

    python bench/bench_stories.py [--n 100000] [--baseline-n 10000] [--repeat 3]

A seeded generator writes a stream of news-like articles: events (each with
its own names and topic words, and a time), several reports per event, and
copies of some reports (aggregator wrappers with date line, tagline and
"Source link", trimmed and lightly edited versions). Each system runs in its
own process, pinned to one core with one BLAS thread, so its peak memory
(ru_maxrss) and its CPU time are its own:

- ours: ``copy_groups`` then ``cluster_stories`` (copies join their original);
- datasketch: MinHash (128 permutations) + MinHashLSH at threshold 0.5 over
  the same word 5-shingles, query-then-insert per article (copies only);
- sklearn: TfidfVectorizer over title and lead, then single-pass clustering
  by cosine to every centroid (threshold 0.3), the textbook baseline.

Each system runs ``--repeat`` times; the run with the median CPU time is
reported, with the range of all runs (this machine's speed drifts by a
fifth from minute to minute). Baselines run on ``--baseline-n`` articles
when that is smaller (they get slower as the window grows; their
articles/s is then a best case).
Quality is reported too: pairwise copy precision/recall against the
generator's copy groups, BCubed F1 of stories against its events.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from occasional.stories.cluster import cluster_stories
from occasional.stories.copies import copy_groups
from occasional.stories.evaluate import bcubed, pairwise
from occasional.types import Doc

T0 = datetime(2026, 3, 1, tzinfo=UTC)
SYLLABLES = [
    "ka",
    "lo",
    "ri",
    "men",
    "tas",
    "vel",
    "dor",
    "ni",
    "sa",
    "bru",
    "quin",
    "fe",
    "lar",
    "to",
    "mi",
    "zen",
    "gal",
    "ho",
    "pe",
    "ru",
]


def _word(rnd: random.Random, low: int, high: int) -> str:
    return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(low, high)))


@dataclass
class _Event:
    id: str
    names: list[str]
    topic: list[str]
    center: datetime
    docs: list[Doc] = field(default_factory=list)


def generate(n: int, seed: int = 7) -> tuple[list[Doc], dict[str, str], dict[str, str]]:
    """``n`` docs, each doc's event, and each doc's copy group (its first original)."""
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    vocab = np.array(sorted({_word(rnd, 1, 3) for _ in range(30_000)}))
    zipf = 1.0 / np.arange(1, len(vocab) + 1)
    zipf /= zipf.sum()
    docs: list[Doc] = []
    events: list[_Event] = []
    event_of: dict[str, str] = {}
    group_of: dict[str, str] = {}
    while len(docs) < n:
        if not events or rnd.random() < 0.13:
            names = [_word(rnd, 2, 3).capitalize() for _ in range(6)]
            topic = [str(w) for w in rng.choice(vocab, 12, p=zipf)]
            center = T0 + timedelta(hours=rnd.uniform(0, 24 * 28))
            events.append(_Event(f"e{len(events)}", names, topic, center))
        event = events[rnd.randint(max(0, len(events) - 40), len(events) - 1)]
        if event.docs and rnd.random() < 0.2:
            original = rnd.choice(event.docs)
            doc = _copy(rnd, original, len(docs))
            group_of[doc.id] = group_of[original.id]
        else:
            doc = _article(rnd, rng, vocab, zipf, event, len(docs))
            group_of[doc.id] = doc.id
        event.docs.append(doc)
        event_of[doc.id] = event.id
        docs.append(doc)
    return docs, event_of, group_of


def _article(
    rnd: random.Random, rng: np.random.Generator, vocab: Any, zipf: Any, event: _Event, index: int
) -> Doc:
    paras = []
    for _ in range(rnd.randint(3, 6)):
        words = [str(w) for w in rng.choice(vocab, 40, p=zipf)]
        for pos in rng.choice(40, 8, replace=False):
            words[pos] = rnd.choice(event.names) if rnd.random() < 0.5 else rnd.choice(event.topic)
        words[0] = words[0].capitalize()
        paras.append(" ".join(words) + ".")
    title = " ".join(
        [rnd.choice(event.names), *rnd.sample(event.topic, 3), rnd.choice(event.names)]
    )
    published = event.center + timedelta(hours=rnd.expovariate(1 / 8))
    return Doc(
        id=f"a{index}",
        title=title,
        text="\n\n".join(paras),
        published=published,
        url=f"https://outlet{rnd.randint(1, 300)}.example/{event.id}/{index}",
    )


def _copy(rnd: random.Random, original: Doc, index: int) -> Doc:
    paras = original.text.split("\n\n")
    kind = rnd.random()
    if kind < 0.4:
        body = [
            "10 March 2026 09:30",
            "World Digest - a story for you",
            *paras,
            f"Source link: {original.url}",
        ]
    elif kind < 0.7:
        body = paras[: max(2, (len(paras) * 2 + 2) // 3)]
    else:
        body = [p.replace(p.split()[2], "changed", 1) for p in paras]
    published = (original.published or T0) + timedelta(hours=rnd.uniform(0.1, 6))
    return Doc(
        id=f"a{index}",
        title="Retitled: " + original.title,
        text="\n\n".join(body),
        published=published,
        url=f"https://aggregator{rnd.randint(1, 20)}.example/p/{index}",
    )


# --- the systems --------------------------------------------------------------


def run_ours(docs: list[Doc]) -> dict[str, Any]:
    start, cpu = time.perf_counter(), time.process_time()
    groups = copy_groups(docs)
    copies_s = time.process_time() - cpu
    assignments = cluster_stories(docs, copies=groups.decisions)
    total = time.perf_counter() - start
    return {
        "copies": {d.id: d.group or d.id for d in groups.decisions},
        "stories": {a.id: a.story for a in assignments},
        "copies_seconds": copies_s,
        "seconds": total,
    }


def run_datasketch(docs: list[Doc]) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    from occasional.stories.text import body_paragraphs, tokens

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    parent: dict[str, str] = {}
    for doc in docs:
        shingles: set[bytes] = set()
        for para in body_paragraphs(doc.text):
            words = tokens(para)
            shingles.update(" ".join(words[i : i + 5]).encode() for i in range(len(words) - 4))
        mh = MinHash(num_perm=128)
        mh.update_batch(list(shingles))
        hits = sorted(lsh.query(mh))
        parent[doc.id] = parent[hits[0]] if hits else doc.id
        lsh.insert(doc.id, mh)
    return {"copies": parent, "seconds": time.perf_counter() - start}


def run_sklearn(docs: list[Doc]) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    leads = [d.title + " " + " ".join(d.text.split()[:80]) for d in docs]
    matrix = TfidfVectorizer(sublinear_tf=True, max_features=2**14).fit_transform(leads)
    centroids = np.zeros((1024, matrix.shape[1]), dtype=np.float32)
    norms = np.zeros(1024, dtype=np.float32)
    count = 0
    labels: dict[str, str] = {}
    for i, doc in enumerate(docs):
        row = matrix[i]
        best = -1
        if count:
            sims = row.dot(centroids[:count].T).ravel() / np.maximum(norms[:count], 1e-9)
            best = int(sims.argmax()) if sims.max() >= 0.3 else -1
        if best < 0:
            if count == len(centroids):
                centroids = np.vstack([centroids, np.zeros_like(centroids)])
                norms = np.concatenate([norms, np.zeros_like(norms)])
            best, count = count, count + 1
        centroids[best, row.indices] += row.data
        norms[best] = np.linalg.norm(centroids[best])
        labels[doc.id] = str(best)
    return {"stories": labels, "seconds": time.perf_counter() - start}


SYSTEMS = {"ours": run_ours, "datasketch": run_datasketch, "sklearn": run_sklearn}


#: Thread pools numpy's BLAS and OpenMP would start, held to one thread each.
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def child(system: str, n: int) -> None:
    # One core: pinned, and numpy's BLAS told to use one thread (see main).
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    docs, _, _ = generate(n)
    docs.sort(key=lambda d: (d.published, d.id))
    cpu = time.process_time()
    result = SYSTEMS[system](docs)
    result["cpu"] = time.process_time() - cpu
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["n"] = n
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--baseline-n", type=int, default=10_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each system; the median CPU time is kept"
    )
    parser.add_argument("--child", choices=sorted(SYSTEMS))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n)
        return
    rows = []
    for system, n in (
        ("ours", args.n),
        ("ours", args.baseline_n),
        ("datasketch", min(args.n, args.baseline_n)),
        ("sklearn", min(args.n, args.baseline_n)),
    ):
        runs = [_run_child(system, n) for _ in range(max(1, args.repeat))]
        runs.sort(key=lambda run: float(run["cpu"]))
        median = runs[len(runs) // 2]
        median["cpu_range"] = (runs[0]["cpu"], runs[-1]["cpu"])
        rows.append((system, median))
    _report(rows)


def _run_child(system: str, n: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", system, "--n", str(n)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **ONE_THREAD},
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def _report(rows: list[tuple[str, dict[str, Any]]]) -> None:
    print(
        f"{'system':<18}{'articles':>9}{'art/s':>8}{'cpu art/s':>10}{'peak MB':>9}"
        f"{'copy P':>8}{'copy R':>8}{'story F1':>9}"
    )
    rates: dict[tuple[str, int], float] = {}
    for system, res in rows:
        _, events, groups = generate(res["n"])
        copy_p = copy_r = story_f = float("nan")
        if "copies" in res:
            copy_p, copy_r, _ = pairwise(res["copies"], groups)
        if "stories" in res:
            story_f = bcubed(res["stories"], events)[2]
        name = (
            "ours (both)"
            if system == "ours"
            else system + (" (copies)" if system == "datasketch" else " (stories)")
        )
        rates[(system, res["n"])] = res["n"] / res["cpu"]
        print(
            f"{name:<18}{res['n']:>9}{res['n'] / res['seconds']:>8.0f}"
            f"{res['n'] / res['cpu']:>10.0f}{res['peak_mb']:>9.0f}"
            f"{copy_p:>8.3f}{copy_r:>8.3f}{story_f:>9.3f}"
        )
        low, high = res["cpu_range"]
        print(f"{'  runs (cpu art/s)':<18}{'':>17}{res['n'] / high:>10.0f} to {res['n'] / low:.0f}")
        if system == "ours":
            rates[("ours-copies", res["n"])] = res["n"] / res["copies_seconds"]
            copies_rate = rates[("ours-copies", res["n"])]
            print(f"{'  ours copies only':<18}{res['n']:>9}{'':>8}{copies_rate:>10.0f}")
    for (system, n), rate in rates.items():
        if system in ("datasketch", "sklearn"):
            mine = rates[("ours-copies" if system == "datasketch" else "ours", n)]
            print(f"ours / {system} at {n} articles (cpu): {mine / rate:.1f}x")


if __name__ == "__main__":
    main()
