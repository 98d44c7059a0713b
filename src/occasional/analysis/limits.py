"""The size cap every analysis entry point applies.

An article of 200,000 characters is already a short book; past that the
text is a dump (a feed of many articles, a log) and analysing all of it
would only cost time. Only the first ``MAX_CHARS`` are read, so offsets
still index the original text.
"""

from __future__ import annotations

__all__ = ["MAX_CHARS", "capped"]

MAX_CHARS = 200_000


def capped(text: str) -> str:
    """``text`` cut to :data:`MAX_CHARS` (the prefix: offsets stay valid)."""
    return text[:MAX_CHARS]
