"""Writing files safely: whole or not at all, and private files private from the start.

:func:`atomic_write` is how digests, archive pages and delivered files are
written (a reader sees the old file or the new one, never half of one);
:func:`write_private` is how the home's own files (``config.toml``,
``feedback.key``) are created, readable by their owner alone whatever the
umask. Both raise ``OSError``; callers turn it into one line with
:func:`occasional.oserrors.explain_os_error`.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

__all__ = ["PRIVATE_FILE", "PRIVATE_FOLDER", "atomic_write", "make_private_folder", "write_private"]

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def atomic_write(path: Path, text: str, *, parents: bool = True) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it and a rename.

    The new file keeps the mode of the one it replaces, else gets the usual
    mode for new files (0666 less the umask), so a web server can still read
    a published digest. With ``parents`` missing folders are created;
    without, a missing folder is an error. Nothing is left behind on failure.
    """
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            temp.chmod(stat.S_IMODE(path.stat().st_mode))
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Create or replace ``path`` holding ``data``, mode 0600 from its first byte.

    With ``exclusive`` an existing file is an error (``FileExistsError``), so
    two processes creating a secret at once cannot both win.
    """
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), PRIVATE_FILE)  # an existing file keeps its old mode otherwise
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def make_private_folder(folder: Path) -> bool:
    """Create ``folder`` (and its parents) with mode 0700; returns whether it was new."""
    if folder.is_dir():
        return False
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    folder.chmod(PRIVATE_FOLDER)  # mkdir's mode is narrowed by the umask, never widened
    return True
