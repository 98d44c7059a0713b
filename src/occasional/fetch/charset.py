"""Finding the character encoding of a response body.

Called by the Fetcher once a body is read; pure. The order is: a byte-order
mark (it cannot be wrong, so it wins, as the WHATWG encoding standard says),
the HTTP ``charset`` parameter, an XML declaration, an HTML ``<meta>``
charset, and last a statistical guess by charset-normalizer on a sample.
Names are normalised to Python codec names; unknown names are skipped.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["detect_encoding"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# Declarations sit near the top; guessing needs no more than this to be right.
_PEEK = 4096
_SAMPLE = 64 * 1024
_TEXTUAL = ("text/", "xml", "json", "javascript", "html")


def _codec(name: str | bytes | None) -> str | None:
    """The Python codec name for a declared charset, or None if unknown."""
    if not name:
        return None
    label = name.decode("ascii", "replace") if isinstance(name, bytes) else name
    try:
        codec = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    # Browsers read latin-1 and ascii labels as windows-1252, and so do we:
    # pages that say latin-1 routinely contain curly quotes from cp1252.
    return "cp1252" if codec in {"latin-1", "iso8859-1", "ascii"} else codec


def _from_bom(body: bytes) -> str | None:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    return None


def _from_content_type(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type)
    return _codec(match.group(1)) if match else None


def _from_markup(body: bytes) -> str | None:
    head = body[:_PEEK]
    for pattern in (_XML_DECL, _META):
        match = pattern.search(head)
        if match:
            return _codec(match.group(1))
    return None


def _guess(body: bytes) -> str:
    sample = body[:_SAMPLE]
    # Non-ASCII bytes that happen to form valid UTF-8 almost never are
    # anything else, and plain ASCII is valid UTF-8 too.
    if _is_utf8(sample):
        return "utf-8"
    best = charset_normalizer.from_bytes(sample).best()
    return (_codec(best.encoding) if best is not None else None) or "cp1252"


def _is_utf8(sample: bytes) -> bool:
    if sample.isascii():
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample's end is still UTF-8.
        return exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"
    return True


def detect_encoding(body: bytes, content_type: str = "") -> str | None:
    """The codec to decode ``body`` with, or ``None`` for a non-text body.

    ``content_type`` is the raw Content-Type header value (with parameters).
    """
    media = content_type.split(";", 1)[0].strip().lower()
    if media and not any(part in media for part in _TEXTUAL):
        return None
    found = _from_bom(body) or _from_content_type(content_type) or _from_markup(body)
    if found:
        return found
    if media.endswith("json"):
        return "utf-8"  # RFC 8259: JSON exchanged between systems is UTF-8
    return _guess(body) if body else "utf-8"
