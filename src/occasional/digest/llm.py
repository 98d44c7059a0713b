"""Optional LLM summaries over the OpenAI-compatible chat-completions protocol.

Used only when configured: the pipeline builds an :class:`LLMSummarizer` and
passes it to :func:`~occasional.digest.build_digest`, which calls
:meth:`LLMSummarizer.summarize` once per chosen story. Every answer is
checked (:func:`~occasional.digest.faithfulness.summary_problem`); a timeout,
an HTTP error, an answer that is not the JSON asked for, or an unfaithful one
is logged and the extractive summary stays. Nothing here raises to the caller.

The request is one synchronous POST through the standard library's
``http.client``: the digest stage is synchronous, makes a handful of calls,
and needs no connection pool. Redirects are not followed and the answer is
capped in size and in total time.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..exceptions import ConfigError, LLMError
from ..types import SummarySentence
from .facts import ordered, outlet_name
from .faithfulness import summary_problem
from .model import StoryView

__all__ = ["LLMSummarizer"]

log = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 1_000_000
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")

_SYSTEM = (
    "You summarise one news story for a calm daily digest. Use only facts stated in the "
    "articles. Put in quote marks only words that appear verbatim in an article. Write "
    "numbers exactly as the articles write them. Answer with JSON only, no prose: "
    '{"sentences": [{"text": "...", "article": "<id of the article it comes from>"}]} '
    "with {n} sentences."
)


class LLMSummarizer:
    """Summarises stories with a chat-completions endpoint (OpenAI, llama.cpp, Ollama, vLLM…).

    ``base_url`` is the API root (``http://127.0.0.1:8080/v1``); the key, if
    any, is read from the environment variable ``api_key_env`` at each call
    and sent as a bearer token. Raises :class:`~occasional.exceptions.ConfigError`
    for a base URL that is not http(s).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str = "OCCASIONAL_LLM_API_KEY",
        timeout: float = 30.0,
        *,
        sentences: int = 4,
        article_chars: int = 6_000,
        max_articles: int = 5,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"LLM base URL {base_url!r} must be an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.timeout = timeout
        self.sentences = sentences
        self.article_chars = article_chars
        self.max_articles = max_articles

    def summarize(
        self, view: StoryView, extractive: Sequence[SummarySentence]
    ) -> Sequence[SummarySentence] | None:
        """A checked LLM summary of ``view``, or ``None`` to keep ``extractive``."""
        articles = self._articles(view)
        if not articles:
            return None
        try:
            sentences = _parse_sentences(self.complete(self._messages(view, articles)))
        except LLMError as exc:
            log.warning("LLM summary of story %s failed: %s", view.story.id, exc)
            return None
        problem = summary_problem(sentences, articles) or _count_problem(sentences)
        if problem:
            log.warning("LLM summary of story %s rejected: %s", view.story.id, problem)
            return None
        return sentences

    def complete(self, messages: Sequence[Mapping[str, str]]) -> str:
        """The assistant's reply to ``messages``; raises :class:`LLMError` on any failure."""
        body = {"model": self.model, "messages": list(messages), "temperature": 0}
        answer = self._post(json.dumps(body).encode("utf-8"))
        try:
            content = json.loads(answer)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{self.base_url} answered something other than a completion") from exc
        if not isinstance(content, str):
            raise LLMError(f"{self.base_url} answered a completion without text")
        return content

    def _articles(self, view: StoryView) -> dict[str, str]:
        originals = [a for a in ordered(view.articles) if a.copy_of is None and a.text.strip()]
        return {a.id: a.text for a in originals[: self.max_articles]}

    def _messages(self, view: StoryView, articles: Mapping[str, str]) -> list[dict[str, str]]:
        by_id = {a.id: a for a in view.articles}
        parts = [
            f"Article {aid} ({outlet_name(by_id[aid])}): {by_id[aid].title}\n"
            f"{text[: self.article_chars]}"
            for aid, text in articles.items()
        ]
        system = _SYSTEM.replace("{n}", str(self.sentences))
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": "\n\n".join(parts)},
        ]

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = os.environ.get(self.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _post(self, body: bytes) -> bytes:
        parts = urlsplit(f"{self.base_url}/chat/completions")
        kind = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = kind(parts.hostname or "", parts.port, timeout=self.timeout)
        deadline = time.monotonic() + self.timeout
        try:
            connection.request("POST", parts.path, body, self._headers())
            response = connection.getresponse()
            data = _read(response, deadline)
        except TimeoutError as exc:
            raise LLMError(f"{self.base_url} did not answer within {self.timeout:g} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise LLMError(f"cannot reach {self.base_url}: {exc}") from exc
        finally:
            connection.close()
        if response.status != 200:
            raise LLMError(f"{self.base_url} answered HTTP {response.status}")
        return data


def _read(response: http.client.HTTPResponse, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(65_536):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise LLMError(f"answer larger than {MAX_ANSWER_BYTES} bytes")
        if time.monotonic() > deadline:
            raise TimeoutError("answer took too long")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_sentences(content: str) -> list[SummarySentence]:
    try:
        data: Any = json.loads(_FENCE.sub("", content.strip()))
        items = data["sentences"]
        sentences = [
            SummarySentence(text=str(i["text"]).strip(), article=str(i["article"])) for i in items
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise LLMError(f"the reply is not the JSON asked for: {content[:80]!r}") from exc
    return [s for s in sentences if s.text]


def _count_problem(sentences: Sequence[SummarySentence]) -> str | None:
    return None if 1 <= len(sentences) <= 6 else f"{len(sentences)} sentences"
