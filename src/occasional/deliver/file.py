"""File delivery: ``file:///path/digest.html`` or a folder ``file:///path/digests/``.

A file target's extension picks the rendering (``.html``, ``.txt``, ``.md``,
``.json``, ``.atom``); a folder target (a trailing ``/`` or an existing
folder) gets ``<profile>-<YYYY-MM-DD>.<ext>`` of the first rendering, and
``?format=markdown`` chooses another. Writes are atomic: a reader of the
file sees the old digest or the new one, never half of one.
"""

from __future__ import annotations

import asyncio
import errno
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import url2pathname

from ..exceptions import DeliveryError
from ..fileio import atomic_write
from .base import Outgoing, Rendering

__all__ = ["FileDelivery", "atomic_write"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True, slots=True)
class FileDelivery:
    """Writes one rendering of an :class:`Outgoing` to a file or into a folder."""

    path: Path
    folder: bool
    format: str | None = None

    @classmethod
    def from_url(cls, url: str) -> FileDelivery:
        """The registry's factory; raises DeliveryError for a URL without a local path."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path:
            raise DeliveryError(f"{url!r} is not a local file URL (file:///path/digest.html)")
        path = Path(url2pathname(parts.path))
        chosen = parse_qs(parts.query).get("format", [None])[-1]
        return cls(path, parts.path.endswith("/") or path.is_dir(), chosen)

    def _pick(self, message: Outgoing) -> Rendering:
        if self.format:
            found = message.rendering(self.format)
        elif self.folder:
            found = next(iter(message.renderings), None)
        else:
            suffix = self.path.suffix.lstrip(".").lower()
            found = next((r for r in message.renderings if r.extension == suffix), None)
        if found is None:
            have = ", ".join(f"{r.format} (.{r.extension})" for r in message.renderings)
            raise DeliveryError(
                f"no rendering fits {self.path}; have: {have or 'none'}", permanent=True
            )
        return found

    def target(self, message: Outgoing, rendering: Rendering) -> Path:
        """Where ``rendering`` of ``message`` goes."""
        if not self.folder:
            return self.path
        profile = _UNSAFE.sub("-", message.digest.profile).strip("-.") or "digest"
        return self.path / f"{profile}-{message.digest.generated:%Y-%m-%d}.{rendering.extension}"

    async def send(self, message: Outgoing) -> None:
        """Write the file; raises DeliveryError when it cannot be written."""
        rendering = self._pick(message)
        path = self.target(message, rendering)
        try:
            await asyncio.to_thread(atomic_write, path, rendering.body)
        except OSError as exc:
            # A full disk may empty; a path that is not writable stays so until someone acts.
            permanent = exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EAGAIN, errno.EINTR)
            raise DeliveryError(
                f"cannot write the digest to {path}: {exc.strerror or exc}", permanent=permanent
            ) from exc
