"""A static HTML archive: one page per digest and an index, for any web server.

:func:`write_archive` is the one function here that writes files (the
pipeline or ``occasional archive`` calls it); pages are the ``html``
renderer's output and the index is sanitised the same way. File names come
from the profile and time, reduced to safe characters, so a profile name can
never write outside the folder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import RenderError
from ..fileio import atomic_write
from ..types import Digest
from .base import RenderOptions
from .html import HtmlRenderer, html_document, html_fragment

__all__ = ["archive_name", "write_archive"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class _IndexEntry:
    href: str
    date: str
    profile: str
    summary: str


def archive_name(digest: Digest) -> str:
    """The page's file name, ``<profile>-<YYYY-MM-DD-HHMMSS>[-<id>].html``, in safe characters.

    The digest id, when it has one, keeps two digests of the same second apart.
    """
    profile = _UNSAFE.sub("-", digest.profile).strip("-") or "digest"
    suffix = "-" + _UNSAFE.sub("-", digest.id) if digest.id else ""
    return f"{profile}-{digest.generated:%Y-%m-%d-%H%M%S}{suffix}.html"


def _summary(digest: Digest) -> str:
    if not digest.items:
        return digest.quiet or "a quiet day"
    heads = "; ".join(item.headline for item in digest.items[:3])
    more = len(digest.items) - 3
    return heads + (f" and {more} more" if more > 0 else "")


def _index(digests: Sequence[Digest], title: str) -> str:
    ordered = sorted(digests, key=lambda d: d.generated, reverse=True)
    entries = [
        _IndexEntry(archive_name(d), f"{d.generated:%Y-%m-%d %H:%M}", d.profile, _summary(d))
        for d in ordered
    ]
    return html_document(title, html_fragment("index.html.j2", title=title, entries=entries))


def write_archive(
    digests: Sequence[Digest], folder: Path, *, options: RenderOptions | None = None
) -> Path:
    """Write a page per digest and ``index.html`` into ``folder``; returns the index path.

    Raises :class:`~occasional.exceptions.RenderError` when the folder cannot
    be created or written.
    """
    chosen = options or RenderOptions()
    renderer = HtmlRenderer()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for digest in digests:
            atomic_write(folder / archive_name(digest), renderer.render(digest, options=chosen))
        index = folder / "index.html"
        atomic_write(index, _index(digests, chosen.title or "occasional — past digests"))
    except OSError as exc:
        raise RenderError(f"cannot write the archive in {folder}: {exc.strerror or exc}") from exc
    return index
