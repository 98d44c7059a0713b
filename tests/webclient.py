"""Test helpers for the web app: an in-process client (httpx's ASGI transport) that
keeps cookies and finds CSRF tokens, and a checker for markup a script could hide in."""

from __future__ import annotations

import asyncio
import re
from html.parser import HTMLParser
from typing import Any

import httpx

from occasional.core import Engine
from occasional.serve import Server

PASSWORD = "correct horse battery"


class Client:
    """A synchronous face on an httpx.AsyncClient talking to the app in-process."""

    def __init__(self, engine: Engine, base_url: str = "http://occasional.test") -> None:
        self.server = Server(engine, host="127.0.0.1", port=0, log=lambda _: None)
        self.app = self.server.app()
        self.loop = asyncio.new_event_loop()
        # The server re-raises after answering 500; the test looks at the answer, like a browser.
        transport = httpx.ASGITransport(
            app=self.app, client=("203.0.113.7", 5000), raise_app_exceptions=False
        )
        self.http = httpx.AsyncClient(transport=transport, base_url=base_url)
        self.csrf = ""

    def close(self) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()

    def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        response = self.loop.run_until_complete(self.http.request(method, path, **options))
        found = re.search(r'name="csrf" value="([^"]+)"', response.text)
        if found and response.headers.get("content-type", "").startswith("text/html"):
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **options: Any) -> httpx.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, data: dict[str, Any] | None = None, **options: Any) -> httpx.Response:
        form = {"csrf": self.csrf, **(data or {})}
        return self.request("POST", path, data=form, **options)

    def login(self, name: str = "alice", password: str = PASSWORD) -> httpx.Response:
        self.get("/login")
        response = self.post("/login", {"name": name, "password": password, "next": "/"})
        if response.status_code == 303:
            self.get("/profiles")  # picks up the session's CSRF token
        return response


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed"):
            source = dict(attrs).get("src") or ""
            if not (tag == "script" and source == "/static/htmx.min.js"):
                self.problems.append(f"<{tag} src={source!r}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name in ("href", "src", "action", "formaction") and squeezed.startswith(
                ("javascript:", "data:")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def script_problems(html: str) -> list[str]:
    """Every tag or attribute in ``html`` through which a script could run."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.problems
