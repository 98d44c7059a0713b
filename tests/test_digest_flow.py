"""Digests end to end: built from stored stories, remembered, delivered, answered."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import aiohttp
import pytest
from aiosmtpd.controller import Controller

from occasional.core import Engine
from occasional.demojob import check_digest
from occasional.digest import profile_from_mapping
from occasional.digestjob import digest_from_json, feedback_signer
from occasional.exceptions import DeliveryError, InputError, StoryNotFoundError
from occasional.serve import Server, due_profiles

CONTRACT_ITEM = {"id", "headline", "reasons", "summary", "quotes", "figures", "sources"}


def _profile(engine: Engine, name: str, text: str) -> None:
    folder = engine.config.home / "profiles"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")


def test_digest_is_faithful_and_follows_the_contract(polled_engine: Engine) -> None:
    digest = polled_engine.digest()
    assert digest.items, "the sample web has stories above the default bar"
    assert "verbatim" in check_digest(digest, polled_engine)
    from occasional.digest import digest_to_json

    data = json.loads(json.dumps(digest_to_json(digest)))
    assert {"profile", "generated", "stories"} <= data.keys()
    for item in data["stories"]:
        assert item.keys() >= CONTRACT_ITEM
        assert item["reasons"] and 1 <= len(item["summary"]) <= 5
        for sentence in item["summary"]:
            assert {"text", "article"} <= sentence.keys()
        for source in item["sources"]:
            assert {"url", "title", "source", "original"} <= source.keys()


def test_memory_nothing_repeats_unless_changed(polled_engine: Engine) -> None:
    first = polled_engine.digest()
    again = polled_engine.digest()
    shown = {i.id for i in first.items}
    # A story already shown comes back only as an update; ones past the first budget may be new.
    assert all(item.status == "updated" for item in again.items if item.id in shown)
    assert shown - {i.id for i in again.items}, "unchanged stories are not repeated"
    if not again.items:
        assert again.quiet and "Nothing new" in again.quiet
    preview = polled_engine.digest(keep=False)
    assert [i.id for i in preview.items] == [i.id for i in again.items]


def test_stored_digest_reads_back(polled_engine: Engine) -> None:
    digest = polled_engine.digest()
    (stored,) = polled_engine.storage.digests("default", limit=1)
    back = digest_from_json(stored.payload, stored.id)
    assert back.id == digest.id and [i.id for i in back.items] == [i.id for i in digest.items]
    assert [i.summary for i in back.items] == [i.summary for i in digest.items]


def test_follows_and_mutes_shape_the_digest(polled_engine: Engine) -> None:
    _profile(
        polled_engine,
        "reader",
        'budget = 3\nmin_score = 0.0\n[follows]\ntopics = ["bridge"]\n'
        '[mutes]\ntopics = ["football"]\n',
    )
    digest = polled_engine.digest("reader")
    assert len(digest.items) <= 3
    assert "bridge" in digest.items[0].headline.lower()
    assert any("You follow" in reason for reason in digest.items[0].reasons)
    assert not any("cup" in item.headline.lower() for item in digest.items)


def test_file_delivery_marks_sent(polled_engine: Engine, tmp_path: Path) -> None:
    target = tmp_path / "out" / "digest.html"
    _profile(polled_engine, "filed", f'deliver = ["file://{target}"]\nmin_score = 0.0\n')
    digest = polled_engine.digest("filed")
    polled_engine.send_digest(digest)
    assert target.exists() and "<script" not in target.read_text()
    (stored,) = polled_engine.storage.digests("filed", limit=1)
    assert stored.sent is not None


def test_unreachable_smtp_keeps_digest_for_retry(polled_engine: Engine, tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _profile(
        polled_engine,
        "mailed",
        f'deliver = ["smtp://127.0.0.1:{port}?to=reader@example.org&from=d@example.org"]\n'
        "min_score = 0.0\n",
    )
    digest = polled_engine.digest("mailed")
    with pytest.raises(DeliveryError, match="kept"):
        polled_engine.send_digest(digest)
    (stored,) = polled_engine.storage.digests("mailed", limit=1)
    assert stored.sent is None

    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert polled_engine.retry_unsent() == []
    finally:
        controller.stop()
    (stored,) = polled_engine.storage.digests("mailed", limit=1)
    assert stored.sent is not None
    message = message_from_bytes(received[0])
    assert message.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in message.get_payload()]  # type: ignore[union-attr]
    assert parts == ["text/plain", "text/html"]


def test_feedback_validates_story_and_kind(polled_engine: Engine) -> None:
    story = polled_engine.stories()[0]
    polled_engine.feedback(story.id, "like")
    assert [f.kind for f in polled_engine.storage.feedback("default")] == ["like"]
    with pytest.raises(StoryNotFoundError):
        polled_engine.feedback("no-such-story", "like")
    with pytest.raises(InputError):
        polled_engine.feedback(story.id, "adore")


def test_due_profiles_follow_cron() -> None:
    daily = profile_from_mapping(
        "daily", {"deliver": ["file:///tmp/x.html"], "schedule": {"cron": "0 7 * * *"}}
    )
    silent = profile_from_mapping("silent", {"schedule": {"cron": "0 7 * * *"}})
    last = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    profiles = {"daily": daily, "silent": silent}
    runs = {"daily": last, "silent": last}
    assert due_profiles(profiles, runs, last + timedelta(minutes=59)) == []
    assert due_profiles(profiles, runs, last + timedelta(hours=1)) == [daily]


def test_server_answers_signed_feedback_links_and_stops(polled_engine: Engine) -> None:
    story = polled_engine.stories()[0]
    signer = feedback_signer(polled_engine.config)
    good = signer.url(story.id, "like", "default")
    forged = good.replace("like", "dislike")
    gone = signer.url("no-such-story", "like", "default")

    async def scenario() -> list[int]:
        server = Server(polled_engine, host="127.0.0.1", port=0, log=lambda _: None)
        task = asyncio.create_task(server.run())
        while server.bound_port is None:
            assert not task.done(), task.exception()
            await asyncio.sleep(0.01)
        base = f"http://127.0.0.1:{server.bound_port}"
        statuses = []
        async with aiohttp.ClientSession() as session:
            for link in (good, forged, gone):
                query = link.split("?", 1)[1]
                async with session.get(f"{base}/feedback?{query}") as response:
                    statuses.append(response.status)
            fields = dict(urllib.parse.parse_qsl(good.split("?", 1)[1]))
            async with session.post(f"{base}/feedback", data=fields) as response:
                statuses.append(response.status)
        server.stopping.set()
        await asyncio.wait_for(task, timeout=30)
        return statuses

    assert asyncio.run(scenario()) == [200, 400, 404, 200]
    assert [f.kind for f in polled_engine.storage.feedback("default")] == ["like"]


def test_demo_listings_show_links_without_tracking_parameters(
    polled_engine: Engine, tmp_path: Path
) -> None:
    from rich.console import Console

    from occasional.demojob import _show_stories, _write_articles

    articles = list(polled_engine.storage.iter_articles())
    # The sample web's daily feed links carry utm_* parameters; the stored URLs keep them.
    assert any("utm_" in (a.url or "") + (a.original_url or "") for a in articles)
    console = Console(record=True, width=200)
    _show_stories(polled_engine, console)
    shown = console.export_text()
    assert "original: http" in shown
    listing = _write_articles(articles, tmp_path / "articles.md").read_text("utf-8")
    assert "utm_" not in shown and "utm_" not in listing
