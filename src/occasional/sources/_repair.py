"""Mending the commonest feed breakage: bare ``&`` and HTML entities.

Hand-made feeds write ``Fish & Chips`` and ``&nbsp;`` outside CDATA.
libxml2's recovery then silently drops text (and breaks URLs), so
:func:`repair_ampersands` rewrites them before parsing: an HTML entity
becomes its numeric reference, anything else ``&amp;``. CDATA sections are
left alone. Called by :mod:`occasional.sources._xmlfeeds`; never raises.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint

__all__ = ["repair_ampersands"]

# An "&" that does not start one of XML's own references.
_SUSPECT = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)")
_NAME = re.compile(rb"([A-Za-z][A-Za-z0-9]{1,31});")
_CDATA_OPEN = b"<![CDATA["
_CDATA_CLOSE = b"]]>"


def repair_ampersands(data: bytes) -> tuple[bytes, int]:
    """``data`` with stray ampersands fixed, and how many were fixed (0: as given)."""
    pieces: list[bytes] = []
    done = 0
    fixed = 0
    match = _SUSPECT.search(data)
    while match is not None:
        pos = match.start()
        cdata_end = _cdata_end(data, pos)
        if cdata_end is not None:
            match = _SUSPECT.search(data, cdata_end)
            continue
        pieces += [data[done:pos], _replacement(data, pos)]
        done = _after_name(data, pos)
        fixed += 1
        match = _SUSPECT.search(data, done)
    if not fixed:
        return data, 0
    pieces.append(data[done:])
    return b"".join(pieces), fixed


def _cdata_end(data: bytes, pos: int) -> int | None:
    opened = data.rfind(_CDATA_OPEN, 0, pos)
    if opened < 0 or data.rfind(_CDATA_CLOSE, opened, pos) >= 0:
        return None
    close = data.find(_CDATA_CLOSE, pos)
    return len(data) if close < 0 else close + len(_CDATA_CLOSE)


def _replacement(data: bytes, pos: int) -> bytes:
    name = _NAME.match(data, pos + 1)
    if name is not None:
        codepoint = name2codepoint.get(name.group(1).decode("ascii"))
        if codepoint is not None:
            return b"&#%d;" % codepoint
    return b"&amp;"


def _after_name(data: bytes, pos: int) -> int:
    name = _NAME.match(data, pos + 1)
    if name is not None and name.group(1).decode("ascii") in name2codepoint:
        return name.end()
    return pos + 1
