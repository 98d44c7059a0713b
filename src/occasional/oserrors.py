"""One line for an ``OSError`` on a user's path: what failed, where, and what to do.

The CLI, the home set-up and the storage opener call :func:`explain_os_error`
so that a missing folder, a read-only file or a full disk reads the same
everywhere, e.g. "cannot write /srv/today.html: No such file or directory;
create the folder first or choose another path".
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

__all__ = ["explain_os_error", "is_read_only"]

_HINTS = {
    errno.ENOENT: "create the folder first or choose another path",
    errno.ENOTDIR: "a part of the path is a file, not a folder; choose another path",
    errno.EISDIR: "it is a folder; give a file name",
    errno.EACCES: "it is not writable by you; fix its permissions or choose another path",
    errno.EPERM: "it is not writable; fix its permissions or choose another path",
    errno.EROFS: "it is on a read-only file system; choose another path",
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "your disk quota is used up; free some space and try again",
    errno.EEXIST: "something else is in the way; move it or choose another path",
    errno.ENAMETOOLONG: "choose a shorter path",
}


def explain_os_error(
    error: OSError, action: str = "write", path: object = None, hint: str | None = None
) -> str:
    """The line "cannot <action> <path>: <reason>; <what to do>" for ``error``.

    ``path`` defaults to the error's own file name, then to standard output
    (an error without a file name came from writing a stream); ``hint``
    replaces the usual advice for the error's kind.
    """
    where = path if path is not None else error.filename
    target = str(where) if where is not None else "to standard output"
    reason = error.strerror or str(error) or type(error).__name__
    hint = hint or _HINTS.get(error.errno or 0, "check the path and try again")
    return f"cannot {action} {target}: {reason}; {hint}"


def is_read_only(folder: Path) -> bool:
    """Whether ``folder`` exists but this process cannot create files in it."""
    return folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK)
