"""Links shown and delivered carry no tracking parameters; the stored URL keeps them."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from aiosmtpd.controller import Controller

from occasional.deliver import compose, deliver
from occasional.render import RenderOptions, render
from occasional.types import Digest, DigestSource, SummarySentence
from occasional.urls import strip_tracking
from test_deliver_smtp import Inbox, free_port
from test_render_fixtures import sample_digest

TRACKED = (
    "https://wire.example/volcano?id=7&utm_source=newsletter&utm_medium=email"
    "&fbclid=IwAR0abc&gclid=Cj0KCQ&mc_cid=5f&page=2#top"
)
CLEAN = "https://wire.example/volcano?id=7&page=2#top"
FORMATS = ("html", "text", "markdown", "json", "atom")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (TRACKED, CLEAN),
        ("https://a.example/x?utm_campaign=z", "https://a.example/x"),
        ("https://a.example/x?q=a+b&ref=tw", "https://a.example/x?q=a+b"),
        ("https://a.example/x?cid=12&source_id=3", "https://a.example/x?cid=12&source_id=3"),
        ("https://a.example/untouched?b=2&a=1", "https://a.example/untouched?b=2&a=1"),
        (
            "mailto:desk@wire.example?subject=utm_source",
            "mailto:desk@wire.example?subject=utm_source",
        ),
    ],
)
def test_strip_tracking_keeps_everything_else_as_it_was(url: str, expected: str) -> None:
    assert strip_tracking(url) == expected


def tracked_digest() -> Digest:
    digest = sample_digest()
    first = digest.items[0]
    summary = (SummarySentence(first.summary[0].text, "a1", TRACKED), *first.summary[1:])
    sources = (DigestSource(TRACKED, "Volcano erupts", "Daily Wire", True), *first.sources[1:])
    return replace(
        digest, items=(replace(first, summary=summary, sources=sources), *digest.items[1:])
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_shows_tracking_parameters(fmt: str) -> None:
    shown = render(tracked_digest(), fmt, RenderOptions())
    assert "utm_" not in shown and "fbclid" not in shown and "gclid" not in shown
    assert "wire.example/volcano?id=7" in shown


def test_json_links_are_clean_and_the_rest_is_kept() -> None:
    data = json.loads(render(tracked_digest(), "json", RenderOptions()))
    first = data["stories"][0]
    assert first["sources"][0]["url"] == CLEAN
    assert first["summary"][0]["url"] == CLEAN


def test_a_mailed_digest_has_clean_links() -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        outgoing = compose(tracked_digest())
        asyncio.run(deliver(outgoing, f"smtp://127.0.0.1:{port}?to=a@example.org&starttls=0"))
    finally:
        controller.stop()
    _envelope, message = inbox.only()
    for part in message.walk():
        if part.get_content_maintype() == "text":
            body = part.get_content()
            assert "utm_" not in body and "fbclid" not in body
            assert "id=7" in body


def test_a_digest_shows_clean_links_and_storage_keeps_the_original(polled_engine) -> None:
    from occasional.storage.schema import articles

    article_id = polled_engine.digest(keep=False).items[0].summary[0].article
    original = polled_engine.storage.get_article(article_id).url
    tracked = original + ("&" if "?" in original else "?") + "utm_source=digest&fbclid=x1"
    with polled_engine.storage.engine.begin() as connection:
        connection.execute(articles.update().where(articles.c.id == article_id).values(url=tracked))
    shown = render(polled_engine.digest(keep=False), "text", RenderOptions())
    assert original in shown and "utm_source" not in shown and "fbclid" not in shown
    assert polled_engine.storage.get_article(article_id).url == tracked
