"""LLM summaries against a real chat-completions server on 127.0.0.1, lies included."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web

from occasional.digest import Interests, LLMSummarizer, Memory, Profile, build_digest
from occasional.digest.faithfulness import numbers_in, quoted_spans, summary_problem
from occasional.exceptions import ConfigError
from occasional.types import SummarySentence
from test_digest_fixtures import SimpleAnalyzer, fixture_now, load_views, view_by_id

VOLCANO = view_by_id(load_views(), "s-volcano")
FAITHFUL = [
    {
        "text": "Iceland's Reykjanes peninsula saw its tenth eruption in three years.",
        "article": "b2",
    },
    {"text": "“The lava is flowing away from the town,” a volcanologist said.", "article": "b1"},
    {
        "text": "About 700 guests left the Blue Lagoon; the fissure is 3 kilometres long.",
        "article": "b2",
    },
]
ANSWERS: dict[str, Any] = {
    "faithful": {"sentences": FAITHFUL},
    "fenced": "```json\n" + json.dumps({"sentences": FAITHFUL}) + "\n```",
    "invented-quote": {
        "sentences": [{"text": "“We will rebuild everything,” said the mayor.", "article": "b1"}]
    },
    "invented-number": {
        "sentences": [{"text": "About 900 guests were evacuated.", "article": "b2"}]
    },
    "unknown-article": {"sentences": [{"text": "A volcano erupted.", "article": "zz"}]},
    "prose": "Sure! Here is a summary: the volcano erupted again.",
    "empty": {"sentences": []},
}


class ChatServer:
    """Speaks just enough of POST /v1/chat/completions; the model name picks the behaviour."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append((dict(request.headers), body))
        model = body["model"]
        if model == "error":
            return web.json_response({"error": {"message": "overloaded"}}, status=500)
        if model == "not-json":
            return web.Response(text="<html>oops</html>", content_type="text/html")
        if model == "slow":
            await asyncio.sleep(0.8)
        if model == "huge":
            return web.Response(text="x" * 1_200_000)
        answer = ANSWERS.get(model, ANSWERS["faithful"])
        content = answer if isinstance(answer, str) else json.dumps(answer)
        return web.json_response(
            {"choices": [{"message": {"role": "assistant", "content": content}}]}
        )


@pytest.fixture(scope="module")
def chat() -> Iterator[tuple[ChatServer, str]]:
    server = ChatServer()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", server.handle)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{port}/v1"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.run_until_complete(runner.cleanup())
        loop.close()


def summarize(base: str, model: str, timeout: float = 5.0) -> list[SummarySentence] | None:
    result = LLMSummarizer(base, model, timeout=timeout).summarize(VOLCANO, [])
    return None if result is None else list(result)


def test_a_faithful_answer_is_used(
    chat: tuple[ChatServer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, base = chat
    monkeypatch.setenv("OCCASIONAL_LLM_API_KEY", "test-key")
    result = summarize(base, "faithful")
    assert result is not None
    assert [(s.text, s.article) for s in result] == [(s["text"], s["article"]) for s in FAITHFUL]
    headers, body = server.requests[-1]
    assert headers["Authorization"] == "Bearer test-key"
    assert body["model"] == "faithful" and body["messages"][0]["role"] == "system"
    assert "Article b1 (North Gazette)" in body["messages"][1]["content"]


def test_no_key_means_no_authorization_header(
    chat: tuple[ChatServer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, base = chat
    monkeypatch.delenv("OCCASIONAL_LLM_API_KEY", raising=False)
    assert summarize(base, "fenced") is not None  # a fenced JSON answer is accepted too
    assert "Authorization" not in server.requests[-1][0]


@pytest.mark.parametrize(
    ("model", "logged"),
    [
        ("invented-quote", "quote not found in any article: 'We will rebuild everything,'"),
        ("invented-number", "number not found in any article: '900'"),
        ("unknown-article", "unknown article 'zz'"),
        ("prose", "not the JSON asked for"),
        ("empty", "0 sentences"),
        ("not-json", "something other than a completion"),
        ("error", "answered HTTP 500"),
        ("huge", "larger than"),
    ],
)
def test_unfaithful_or_broken_answers_fall_back_and_are_logged(
    chat: tuple[ChatServer, str], caplog: pytest.LogCaptureFixture, model: str, logged: str
) -> None:
    _, base = chat
    with caplog.at_level(logging.WARNING, logger="occasional.digest.llm"):
        assert summarize(base, model) is None
    assert logged in caplog.text
    assert "s-volcano" in caplog.text


def test_a_slow_server_times_out_into_the_fallback(
    chat: tuple[ChatServer, str], caplog: pytest.LogCaptureFixture
) -> None:
    _, base = chat
    with caplog.at_level(logging.WARNING, logger="occasional.digest.llm"):
        assert summarize(base, "slow", timeout=0.2) is None
    assert "did not answer within 0.2 s" in caplog.text


def test_an_unreachable_server_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="occasional.digest.llm"):
        assert summarize("http://127.0.0.1:9/v1", "faithful", timeout=0.5) is None
    assert "cannot reach" in caplog.text


def test_build_digest_uses_checked_llm_summaries_only(chat: tuple[ChatServer, str]) -> None:
    _, base = chat
    profile = Profile(name="p", follows=Interests(topics=("volcano",)))
    now = fixture_now()

    def digest(model: str) -> list[str]:
        llm = LLMSummarizer(base, model)
        built = build_digest(
            profile, [VOLCANO], now=now, memory=Memory(), analyzer=SimpleAnalyzer(), summarizer=llm
        )
        return [s.text for s in built.items[0].summary]

    assert digest("faithful") == [s["text"] for s in FAITHFUL]
    extractive = digest("invented-quote")
    assert extractive and all(any(t in a.text for a in VOLCANO.articles) for t in extractive)


def test_only_http_endpoints_are_accepted() -> None:
    with pytest.raises(ConfigError, match="must be an http"):
        LLMSummarizer("file:///etc/passwd", "m")


def test_the_checks_themselves() -> None:
    assert quoted_spans('He said “a  b” and "c" but it’s ‘d’.') == ["a b", "c", "d"]
    assert {"54,000", "54000", "8.6"} <= numbers_in("54,000 troops cost 8.6 billion")
    articles = {"x": "About 54,000 troops. “We stay,” she said."}
    ok = [SummarySentence("Some 54000 troops; “We stay,” she said.", "x")]
    assert summary_problem(ok, articles) is None
    assert summary_problem([SummarySentence("“We go,” she said.", "x")], articles)
