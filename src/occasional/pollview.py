"""How the CLI shows a poll cycle: a table for a few sources, a summary for many.

``poll`` (in process or through the task queue) prints the same report:

- up to :data:`TABLE_LIMIT` sources: one row per source, then the totals;
- more: the totals, how many sources ended in each status, and a line for
  each failing source only (at most :data:`FAILURES_SHOWN`, then a count);
- ``--json``: one object per source, whatever their number
  (:func:`occasional.jsonout.poll_result_json`).

Pure: builds rich renderables and dicts, prints nothing itself.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .pipeline import PollReport, SourceResult

__all__ = ["FAILURES_SHOWN", "TABLE_LIMIT", "poll_view"]

# Past this many sources a row per source is more than anyone reads.
TABLE_LIMIT = 40
FAILURES_SHOWN = 40
# Statuses that need the reader's attention; the others are a source working.
_FAILING = frozenset({"error", "gone", "rate_limited"})
_ORDER = ("ok", "not_modified", "moved", "rate_limited", "error", "gone")


def _table(results: list[SourceResult]) -> Table:
    table = Table("source", "status", "entries", "new", "note")
    for r in sorted(results, key=lambda r: r.url):
        table.add_row(r.url, r.status, str(r.entries), str(len(r.new_articles)), r.error or "")
    return table


def _failure_line(result: SourceResult) -> Text:
    status = result.status.replace("_", " ")
    if result.http_status:
        status += f" (HTTP {result.http_status})"
    return Text(f"  {result.url}  {status}: {result.error or 'no detail'}", no_wrap=True)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _totals(report: PollReport, seconds: float | None) -> Text:
    extracted = sum(1 for p in report.pages if p.how == "extracted")
    polled = _plural(len(report.sources), "source")
    if seconds and seconds > 0 and report.sources:
        rate = len(report.sources) / seconds
        polled += f" polled in {seconds:,.1f} s ({rate:,.0f}/s)"
    new = _plural(len(report.new_articles), "new article")
    return Text(f"{polled}; {new}, {_plural(extracted, 'page')} extracted")


def _statuses(results: list[SourceResult]) -> Text:
    counts = Counter(r.status for r in results)
    known = [s for s in _ORDER if counts[s]] + sorted(set(counts) - set(_ORDER))
    return Text(", ".join(f"{s.replace('_', ' ')}: {counts[s]:,}" for s in known))


def poll_view(report: PollReport, seconds: float | None = None) -> RenderableType:
    """What ``poll`` prints for ``report`` (``seconds``: how long the cycle took)."""
    results = report.sources
    if len(results) <= TABLE_LIMIT:
        return Group(_table(results), _totals(report, seconds))
    parts: list[RenderableType] = [_totals(report, seconds), _statuses(results)]
    failing = sorted((r for r in results if r.status in _FAILING), key=lambda r: r.url)
    if failing:
        parts.append(Text(f"failing sources ({len(failing):,}):"))
        # One unwrapped line each, so a long URL survives a narrow terminal or a pipe.
        parts.extend(_failure_line(r) for r in failing[:FAILURES_SHOWN])
        if len(failing) > FAILURES_SHOWN:
            more = len(failing) - FAILURES_SHOWN
            hint = "`occasional sources --json` has each one's error"
            parts.append(Text(f"… and {more:,} more; {hint}"))
    return Group(*parts)
