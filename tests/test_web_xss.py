"""Feed titles, summaries and links carrying script are neutralised on every page and in
every Reader API answer."""

from __future__ import annotations

import json
from typing import Any

from occasional.core import Engine
from occasional.storage import ArticleIntent, make_article_id
from occasional.types import ExtractedPage
from test_reader_api import READING_LIST, ReaderClient
from webclient import Client, script_problems

EVIL_TITLE = '<img src=x onerror="alert(1)">Evil harbour news<script>alert(2)</script>'
EVIL_SUMMARY = (
    '<p onclick="alert(3)">Harbour <a href="javascript:alert(4)">news</a></p>'
    "<script>alert(5)</script><iframe src=//evil.example></iframe>"
)
EVIL_URL = "javascript:alert(6)//https://evil.example/a"


def _plant(engine: Engine) -> str:
    """An evil source and article the owner follows; returns the article id."""
    now = engine.clock()
    source = engine.storage.add_source(
        "https://evil.example/feed.xml",
        title='<svg onload="alert(7)">Evil Times',
        site_url="javascript:alert(8)",
        now=now,
    )
    owner = engine.storage.get_user("alice")
    engine.storage.subscribe(owner.id, source.id, now=now, tags=["<b onmouseover=x>tag"])
    article_id = make_article_id(source.id, "evil-1")
    intent = ArticleIntent(
        id=article_id,
        source_id=source.id,
        url=EVIL_URL,
        title=EVIL_TITLE,
        entry_key="evil-1",
        summary=EVIL_SUMMARY,
        content=EVIL_SUMMARY,
        authors=("<script>alert(9)</script>Eve",),
        published=now,
    )
    engine.storage.upsert_articles([intent])
    text = (
        'Evil harbour news broke today. "<script>alert(10)</script>" said the harbour master. '
        "The harbour closed for the day after the evil news."
    )
    page = ExtractedPage(text=text, title=EVIL_TITLE, source_links=(EVIL_URL,))
    engine.storage.set_article_page(article_id, page, html=None, extraction="extracted", now=now)
    engine.refresh_stories()
    folder = engine.config.home / "profiles"
    folder.mkdir(exist_ok=True)
    (folder / "default.toml").write_text(
        'min_score = -1.0\nbudget = 50\n[follows]\ntopics = ["harbour"]\n', encoding="utf-8"
    )
    engine.digest()
    return article_id


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_pages_neutralise_script_from_feeds(client: Client, web_engine: Engine) -> None:
    article_id = _plant(web_engine)
    story = web_engine.storage.get_article(article_id).story
    assert story
    client.login()
    web_engine.feedback(story, "like")
    client.post(f"/items/{article_id}/mark", {"set": "star"})
    digest_id = web_engine.storage.digests("default", limit=1)[0].id
    pages = [
        "/",
        "/archive",
        f"/archive/{digest_id}",
        "/stories",
        "/stories?q=harbour",
        f"/stories/{story}",
        "/starred",
        "/sources",
        "/feedback/list",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Evil" in response.text, f"{path} should show the planted article or source"
        assert script_problems(response.text) == [], path
    assert "alert(6)" not in client.get(f"/stories/{story}").text  # no link to a javascript: URL


def test_reader_api_neutralises_script_from_feeds(client: Client, web_engine: Engine) -> None:
    _plant(web_engine)
    api = ReaderClient(client)
    api.login()
    answers = [
        api.get("subscription/list").json(),
        api.get("tag/list").json(),
        api.get(f"stream/contents/{READING_LIST}", n=100).json(),
        api.get("unread-count").json(),
    ]
    evil = [item for item in answers[2]["items"] if "Evil harbour news" in item["title"]]
    assert evil, "the planted article is in the reading list"
    for answer in answers:
        for text in _strings(answer):
            assert script_problems(text) == [], text
            assert not text.lower().startswith("javascript:"), text
    for item in evil:
        assert "<" not in item["title"] and "<" not in item["author"]
        assert item["canonical"] == [{"href": ""}]
        assert "<script" not in json.dumps(item)
