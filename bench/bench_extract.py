"""Article extraction: occasional's extractors against trafilatura and readability.

Scores every extractor on the shared 103-page news set (../shared/data/extraction,
or $OCCASIONAL_SHARED_DATA/extraction) with the eval gate's scoring, and times
it in CPU seconds on one core: each page is extracted --repeat times and its
fastest run kept, so bursts of other load on the machine distort it less.
Every variant produces text AND metadata except the trafilatura default call
(the anchor) and readability's.

    python bench/bench_extract.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
import trafilatura
from readability import Document

from occasional.exceptions import ExtractionError
from occasional.extract import extract_page
from occasional.extract.evaluation import EvalPage, EvalScore, load_eval_pages, score

Variant = Callable[[bytes, str | None], str]


def _ours(name: str) -> Variant:
    def run(html: bytes, url: str | None) -> str:
        try:
            return extract_page(html, url, extractor=name).text
        except ExtractionError:
            return ""

    return run


def _trafilatura_default(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html) or ""


def _trafilatura_with_metadata(html: bytes, url: str | None) -> str:
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return (document.text if document else "") or ""


def _readability(html: bytes, url: str | None) -> str:
    summary = Document(html, url=url).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


VARIANTS: dict[str, Variant] = {
    "trafilatura.extract(html) [anchor]": _trafilatura_default,
    "trafilatura bare_extraction +metadata": _trafilatura_with_metadata,
    "readability-lxml Document.summary": _readability,
    "occasional extractor=trafilatura": _ours("trafilatura"),
    "occasional extractor=readability": _ours("readability"),
    "occasional extractor=auto (default)": _ours("auto"),
}


def _data_folder() -> Path:
    base = os.environ.get("OCCASIONAL_SHARED_DATA")
    root = Path(base) if base else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return root / "extraction"


def _timed(variant: Variant, page: EvalPage, repeat: int) -> tuple[str, float]:
    best, text = float("inf"), ""
    for _ in range(repeat):
        start = time.process_time()
        text = variant(page.html, page.url)
        best = min(best, time.process_time() - start)
    return text, best


def _measure(variant: Variant, pages: list[EvalPage], repeat: int) -> tuple[EvalScore, float]:
    runs = [_timed(variant, page, repeat) for page in pages]
    result = score((page.truth, text) for page, (text, _) in zip(pages, runs, strict=True))
    return result, len(pages) / sum(seconds for _, seconds in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page (best kept)")
    args = parser.parse_args()
    folder = _data_folder()
    if not (folder / "ground-truth.json").is_file():
        print(f"extraction set not found in {folder}; set OCCASIONAL_SHARED_DATA", file=sys.stderr)
        return 1
    logging.disable(logging.CRITICAL)  # trafilatura logs every page it finds too short
    pages = load_eval_pages(folder)
    for page in pages[:5]:  # warm imports and caches outside the timing
        _ours("auto")(page.html, page.url)
        _trafilatura_default(page.html, page.url)
    rows = [(name, *_measure(variant, pages, args.repeat)) for name, variant in VARIANTS.items()]
    anchor = rows[0][2]
    print(f"{len(pages)} pages, CPU time per page, best of {args.repeat} runs each")
    print(f"{'variant':40s} {'P':>7s} {'R':>7s} {'F1':>7s} {'pages/s':>8s} {'ratio':>6s}")
    for name, result, speed in rows:
        print(
            f"{name:40s} {result.precision:7.4f} {result.recall:7.4f} {result.f1:7.4f} "
            f"{speed:8.1f} {speed / anchor:5.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
