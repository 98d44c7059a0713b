"""Charset detection: header, BOM, XML declaration, <meta>, then a statistical guess."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from loopback import serve_app
from occasional.config import FetchSettings
from occasional.fetch import Fetcher
from occasional.fetch.charset import detect_encoding
from occasional.types import FetchResponse

FIXTURES = Path(__file__).parent / "fixtures" / "fetch"
PLAIN = (FIXTURES / "cp1252-plain.txt").read_bytes()
EXPECTED = PLAIN.decode("cp1252")


@contextlib.asynccontextmanager
async def serve(body: bytes, content_type: str) -> AsyncIterator[str]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/", handler)
    async with serve_app(app) as port:
        yield f"http://127.0.0.1:{port}/"


def fetch(body: bytes, content_type: str) -> FetchResponse:
    async def run() -> FetchResponse:
        fetch_settings = FetchSettings(allow_networks=("127.0.0.0/8",))  # type: ignore[call-arg]
        async with serve(body, content_type) as url, Fetcher(fetch_settings) as fetcher:
            return await fetcher.get(url)

    return asyncio.run(run())


def test_charset_in_the_header() -> None:
    response = fetch(PLAIN, "text/plain; charset=windows-1252")
    assert response.encoding == "cp1252"
    assert response.text() == EXPECTED


def test_charset_in_html_meta() -> None:
    response = fetch((FIXTURES / "cp1252-meta.html").read_bytes(), "text/html")
    assert response.encoding == "cp1252"
    assert "« C’est une très belle journée »" in response.text()


def test_charset_in_xml_declaration() -> None:
    response = fetch((FIXTURES / "cp1252-decl.xml").read_bytes(), "application/rss+xml")
    assert response.encoding == "cp1252"
    assert "<title>Café</title>" in response.text()


def test_undeclared_charset_is_guessed() -> None:
    response = fetch(PLAIN, "text/plain")
    assert response.text() == EXPECTED  # whichever single-byte codec, it reads the same


def test_utf8_body_is_read_as_utf8() -> None:
    response = fetch(EXPECTED.encode("utf-8"), "text/html")
    assert response.encoding == "utf-8"
    assert response.text() == EXPECTED


@pytest.mark.parametrize(
    ("bom", "codec"), [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")]
)
def test_a_bom_beats_a_wrong_header(bom: bytes, codec: str) -> None:
    body = bom + "naïve “text”".encode(codec)
    encoding = detect_encoding(body, "text/plain; charset=iso-8859-1")
    assert encoding is not None
    assert body.decode(encoding) == "naïve “text”"


def test_latin1_label_reads_as_windows_1252_like_browsers() -> None:
    body = "“smart quotes”".encode("cp1252")
    assert detect_encoding(body, "text/html; charset=ISO-8859-1") == "cp1252"


def test_unknown_label_falls_through_to_the_next_clue() -> None:
    body = b'<meta charset="utf-8"><p>caf\xc3\xa9</p>'
    assert detect_encoding(body, "text/html; charset=no-such-codec") == "utf-8"


def test_binary_bodies_have_no_encoding() -> None:
    assert detect_encoding(b"\x89PNG\r\n", "image/png") is None


def test_json_defaults_to_utf8() -> None:
    assert detect_encoding(b'{"a": 1}', "application/feed+json") == "utf-8"


def test_utf8_cut_mid_character_is_still_utf8() -> None:
    body = ("x" + "é" * 40_000).encode("utf-8")
    assert not body[: 64 * 1024].endswith("é".encode())  # the sample ends mid-character
    assert detect_encoding(body, "") == "utf-8"
