"""Per-source settings, re-extraction from kept HTML, and the digest archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from occasional.core import Engine
from occasional.exceptions import ConfigError, SourceNotFoundError
from occasional.storage.base import SourceChange
from occasional.upkeep import SourceEdit


def test_set_changes_settings_and_revives_a_disabled_source(polled_engine: Engine) -> None:
    source = polled_engine.sources()[0]
    polled_engine.storage.update_source(source.id, SourceChange(disabled_reason="gone (HTTP 410)"))
    edit = SourceEdit(tags=("world", "wires"), enabled=True, fetch_full=False, poll_min_seconds=600)
    changed = polled_engine.configure_source(source.url, edit)
    assert changed.settings.tags == ("world", "wires")
    assert changed.settings.fetch_full is False and changed.settings.poll_min_seconds == 600
    assert changed.disabled_reason is None and changed.next_poll is None
    assert [s.id for s in polled_engine.sources(tag="wires")] == [source.id]
    # Untouched fields stay as they were.
    again = polled_engine.configure_source(source.id, SourceEdit(title="My wire"))
    assert again.settings.tags == ("world", "wires") and again.settings.title == "My wire"


def test_set_refuses_contradicting_bounds_and_unknown_sources(polled_engine: Engine) -> None:
    source = polled_engine.sources()[0]
    with pytest.raises(ConfigError, match="shortest poll interval"):
        polled_engine.configure_source(
            source.id, SourceEdit(poll_min_seconds=7200, poll_max_seconds=3600)
        )
    with pytest.raises(SourceNotFoundError):
        polled_engine.configure_source("nope", SourceEdit(enabled=False))


def test_reextract_uses_kept_html(polled_engine: Engine) -> None:
    kept = [a for a in polled_engine.articles() if polled_engine.storage.page_html(a.id)]
    assert kept, "polling keeps the fetched HTML"
    before = {a.id: a.text for a in kept}
    report = polled_engine.reextract()
    assert report.done == len(kept) and report.failed == 0
    after = {a.id: a.text for a in polled_engine.articles() if a.id in before}
    assert after == before  # the same extractor on the same HTML gives the same text


def test_archive_writes_every_stored_digest(polled_engine: Engine, tmp_path: Path) -> None:
    first = polled_engine.digest()
    second = polled_engine.digest()
    index = polled_engine.archive(tmp_path / "archive")
    html = index.read_text(encoding="utf-8")
    assert index.name == "index.html"
    assert len(list((tmp_path / "archive").glob("*.html"))) == 3
    assert first.items[0].headline.split()[0] in "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "archive").glob("*.html")
    )
    assert "<script" not in html and second.profile == "default"
