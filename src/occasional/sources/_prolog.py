"""Readying an XML feed for the parsers: encoding, prolog, safety, format.

:func:`prepare_xml` is called by :mod:`occasional.sources._xmlfeeds` before
any parser sees the bytes. It hands back UTF-8 bytes with no BOM and no
DOCTYPE, so neither lxml nor feedparser can be asked to load a DTD or expand
an entity, and it names the feed format from the root element.

It raises :class:`~occasional.exceptions.FeedParseError` for entity
declarations (billion laughs, XXE), HTML pages and documents with no root.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass

from occasional.exceptions import FeedParseError

__all__ = ["XML_STARTS", "XMLHead", "prepare_xml", "safe_xml", "transcode_xml"]

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
# Without a BOM, the zero bytes around the first "<" give UTF-16/32 away.
_ZERO_PATTERNS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_DECL_ENCODING = re.compile(rb"""(^\s*<\?xml[^>]*?encoding\s*=\s*["'])[A-Za-z0-9._:-]+(["'])""")
_SPACE = re.compile(rb"\s*")
XML_STARTS = (b"<?xml", b"<rss", b"<feed", b"<rdf:RDF")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)([^>]*)>")
_RSS090_NS = re.compile(rb"[\w.]*netscape\.com/rdf/simple/0\.9/")
_VERSION = re.compile(rb"""\bversion\s*=\s*["']([^"']*)["']""")
# WHATWG: labels for Latin-1 are read as windows-1252, which is what such
# feeds really hold (curly quotes in 0x80-0x9F).
_LATIN1_NAMES = frozenset({"latin_1", "ascii"})
_UTF8_NAMES = frozenset({"utf_8", "utf_8_sig"})


@dataclass(frozen=True, slots=True)
class XMLHead:
    """A feed's bytes made safe and UTF-8, and what its root says."""

    body: bytes
    root: str
    format: str
    errors: tuple[str, ...] = ()


def prepare_xml(body: bytes, url: str, charset: str | None = None) -> XMLHead:
    """Transcode, check and describe an XML feed; see the module docstring."""
    data, match, errors = safe_xml(body, url, charset)
    root = match.group(1).decode("ascii", "replace")
    if root.lower() == "html":
        raise FeedParseError("got an HTML page, not a feed", url)
    feed_format = _format(root, match.group(2), data[match.start() : match.start() + 4096])
    repair = _ROOT_REPAIRS.get(feed_format)
    if repair is not None:
        data = repair(data, match)
    return XMLHead(data, root, feed_format, tuple(errors))


def safe_xml(
    body: bytes, url: str, charset: str | None = None
) -> tuple[bytes, re.Match[bytes], list[str]]:
    """UTF-8 bytes without BOM or DOCTYPE, the root start tag, encoding problems.

    Called by :func:`prepare_xml` and by the sitemap and OPML readers.
    Raises FeedParseError for entity declarations or when there is no root
    element.
    """
    data, errors = transcode_xml(body, charset)
    data = _skip_junk(data, errors)
    start, data = _strip_prolog(data, url)
    match = _ROOT.match(data, start)
    if match is None:
        raise FeedParseError("got XML with no root element", url)
    return data, match, errors


def _skip_junk(data: bytes, errors: list[str]) -> bytes:
    # Servers print PHP warnings or a stray line before the XML; skip them.
    lead = _skip_space(data, 0)
    if data[lead : lead + 1] == b"<":
        return data
    found = [i for i in (data.find(m, lead, 1024) for m in XML_STARTS) if i >= 0]
    if not found:
        return data
    errors.append(f"{min(found)} bytes of text before the XML; skipped")
    return data[min(found) :]


# --- encoding ----------------------------------------------------------------


def transcode_xml(body: bytes, charset: str | None = None) -> tuple[bytes, list[str]]:
    """UTF-8 bytes without a BOM, with the XML declaration saying so.

    The encoding is taken from a BOM, else the byte pattern of UTF-16/32,
    else the XML declaration, else ``charset`` (from Content-Type), else
    UTF-8. Undecodable bytes become U+FFFD and are reported in the list.
    Called by :func:`prepare_xml` and by the sitemap and OPML readers.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return _recode(body[len(bom) :], name)
    for pattern, name in _ZERO_PATTERNS:
        if body.startswith(pattern):
            return _recode(body, name)
    declared = _DECLARED.match(body, 0, 512)
    label = declared.group(1).decode("ascii") if declared else charset
    if label and label.lower().replace("-", "").startswith(("utf16", "utf32", "ucs")):
        # Bytes that start "<?xml" in ASCII are not UTF-16/32 whatever they say.
        label = "utf-8"
    if label is None and not _is_utf8(body):
        # Undeclared and not UTF-8: almost always a Latin-1 / windows-1252 feed.
        data, _ = _recode(body, "windows-1252")
        return data, ["no encoding declared and not valid UTF-8; read as windows-1252"]
    return _recode(body, label or "utf-8")


def _is_utf8(body: bytes) -> bool:
    if body.isascii():
        return True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _recode(body: bytes, label: str) -> tuple[bytes, list[str]]:
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return _recode_utf8(body, [f"unknown encoding {label!r}; read as UTF-8"])
    if name in _UTF8_NAMES:
        return _recode_utf8(body, [])
    codec = "cp1252" if name in _LATIN1_NAMES or name == "iso8859_1" else name
    text = body.decode(codec, errors="replace")
    errors = [f"bytes not valid in {label}; replaced"] if "\ufffd" in text else []
    return _declare_utf8(text.encode("utf-8")), errors


def _recode_utf8(body: bytes, errors: list[str]) -> tuple[bytes, list[str]]:
    # UTF-8 is not validated here: both parsers cope with stray bytes, and a
    # decode pass would cost a quarter of the parse on a large feed.
    return (_declare_utf8(body) if errors else body), errors


def _declare_utf8(body: bytes) -> bytes:
    return _DECL_ENCODING.sub(rb"\1utf-8\2", body, count=1)


# --- prolog ------------------------------------------------------------------


def _strip_prolog(data: bytes, url: str) -> tuple[int, bytes]:
    """Where the root element starts, and the bytes with any DOCTYPE cut out.

    Raises FeedParseError when the DOCTYPE declares entities: that is how
    billion-laughs and external-entity attacks are built, and no real feed
    needs it.
    """
    pos = 0
    while True:
        pos = _skip_space(data, pos)
        if data.startswith(b"<?", pos):
            pos = _after(data, b"?>", pos, url)
        elif data.startswith(b"<!--", pos):
            pos = _after(data, b"-->", pos, url)
        elif data[pos : pos + 9].upper() == b"<!DOCTYPE":
            end = _doctype_end(data, pos, url)
            data = data[:pos] + data[end:]
        else:
            return pos, data


def _skip_space(data: bytes, pos: int) -> int:
    match = _SPACE.match(data, pos)
    return match.end() if match else pos


def _after(data: bytes, marker: bytes, pos: int, url: str) -> int:
    end = data.find(marker, pos)
    if end < 0:
        raise FeedParseError("got XML whose prolog never ends", url)
    return end + len(marker)


def _doctype_end(data: bytes, pos: int, url: str) -> int:
    close = data.find(b">", pos)
    bracket = data.find(b"[", pos, close if close >= 0 else len(data))
    if bracket >= 0:
        subset_end = data.find(b"]", bracket)
        subset = data[bracket : subset_end if subset_end >= 0 else len(data)]
        if b"<!ENTITY" in subset.upper():
            raise FeedParseError("feed declares XML entities; refused", url)
        close = data.find(b">", subset_end if subset_end >= 0 else bracket)
    if close < 0:
        raise FeedParseError("got XML whose DOCTYPE never ends", url)
    return close + 1


# --- root repairs ------------------------------------------------------------
# fastfeedparser knows neither RSS 0.90's namespace nor Atom without one; a
# byte-level fix of the root tag keeps such feeds on the fast path.


def _rss090_as_rss10(data: bytes, root: re.Match[bytes]) -> bytes:
    tag = _RSS090_NS.sub(b"purl.org/rss/1.0/", root.group(0))
    return data[: root.start()] + tag + data[root.end() :]


def _atom_namespace(data: bytes, root: re.Match[bytes]) -> bytes:
    if b"xmlns=" in root.group(2):
        return data
    name = root.group(1)
    tag = b"<" + name + b' xmlns="http://www.w3.org/2005/Atom"' + root.group(0)[1 + len(name) :]
    return data[: root.start()] + tag + data[root.end() :]


_ROOT_REPAIRS: dict[str, Callable[[bytes, re.Match[bytes]], bytes]] = {
    "rss0.90": _rss090_as_rss10,
    "atom": _atom_namespace,
}


# --- format ------------------------------------------------------------------


def _format(root: str, attributes: bytes, head: bytes) -> str:
    local = root.rsplit(":", 1)[-1].lower()
    if local == "rss":
        version = _VERSION.search(attributes)
        return "rss" + version.group(1).decode("ascii", "replace") if version else "rss"
    if local == "rdf":
        return "rss0.90" if b"netscape.com/rdf/simple/0.9" in head else "rss1.0"
    if local == "feed":
        if b"www.w3.org/2005/Atom" in head:
            return "atom1.0"
        return "atom0.3" if b"purl.org/atom/ns#" in head else "atom"
    return local
