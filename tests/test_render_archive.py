"""The static archive: a page per digest and a sanitised index."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import lxml.html
import pytest

from occasional.exceptions import RenderError
from occasional.render import archive_name, write_archive
from test_render_fixtures import hostile_digest, quiet_digest, sample_digest


def test_archive_writes_pages_and_an_index_newest_first(tmp_path: Path) -> None:
    older = dataclasses.replace(quiet_digest(), generated=sample_digest().generated - timedelta(1))
    index = write_archive([older, sample_digest()], tmp_path / "site")
    assert index == tmp_path / "site" / "index.html"
    tree = lxml.html.document_fromstring(index.read_text(encoding="utf-8"))
    links = [a.get("href") for a in tree.iter("a")]
    assert links == [archive_name(sample_digest()), archive_name(older)]
    for link in links:
        assert (tmp_path / "site" / link).is_file()
    page = (tmp_path / "site" / links[0]).read_text(encoding="utf-8")
    assert "Sakurajima erupts" in page
    assert "Sakurajima erupts, ash reaches Kagoshima; Central bank" in tree.text_content()
    assert "Nothing new above your bar today" in tree.text_content()
    assert not list((tmp_path / "site").glob("*.tmp"))


def test_archive_names_cannot_leave_the_folder(tmp_path: Path) -> None:
    digest = dataclasses.replace(hostile_digest(), profile="../../etc/passwd")
    name = archive_name(digest)
    assert "/" not in name and not name.startswith(".")
    write_archive([digest], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "index.html"])
    index = lxml.html.document_fromstring((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert not list(index.iter("script", "img"))


def test_an_unwritable_archive_is_a_render_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(RenderError, match="cannot write the archive"):
        write_archive([sample_digest()], blocker / "site")
