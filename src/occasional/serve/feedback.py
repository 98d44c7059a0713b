"""The signed feedback links of digest e-mails: a page to confirm, then one record per link.

``GET /feedback?<signed link>`` checks the link and answers a page asking to
confirm (a GET changes nothing, so mail scanners that open every link do not
vote for the reader); ``POST /feedback`` (the form) records it with
``engine.feedback``, once per link however often it is sent. Routed by
:class:`occasional.serve.Server`; Engine calls run on its :class:`.Worker`.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Mapping
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..core import Engine
from ..digestjob import feedback_signer
from ..exceptions import InputError, OccasionalError, StoryNotFoundError
from ..render.feedback import FEEDBACK_LINK_FIELDS
from ..render.view import FEEDBACK_LABELS
from .worker import Worker

__all__ = ["FeedbackLinks", "confirm_page"]

_PAGE_STYLE = "font-family:sans-serif;max-width:32em;margin:4em auto"
_MAX_BODY = 16 * 1024  # a confirmation form is a few hundred bytes


def _page(title: str, message: str, extra: str = "") -> str:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<body style='{_PAGE_STYLE}'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{extra}</body></html>"
    )


def confirm_page(label: str, fields: Mapping[str, str]) -> str:
    """The page a feedback link opens: what it will record, and a button that posts it.

    Recording only on the POST keeps mail scanners that open every link from
    voting for the reader.
    """
    hidden = "".join(
        f'<input type=hidden name={html.escape(name)} value="{html.escape(value)}">'
        for name, value in fields.items()
    )
    form = (
        f"<form method=post action=/feedback>{hidden}"
        f"<button type=submit>{html.escape(label)}</button></form>"
    )
    return _page(label, "Confirm to tell your digest.", form)


def _html(status: int, title: str, message: str) -> Response:
    return HTMLResponse(_page(title, message), status_code=status)


class FeedbackLinks:
    """The two ``/feedback`` endpoints over one engine."""

    def __init__(self, engine: Engine, worker: Worker) -> None:
        self.engine = engine
        self.worker = worker
        self._signer = feedback_signer(engine.config)

    def routes(self) -> list[Route]:
        """``GET /feedback`` (confirm) and ``POST /feedback`` (record)."""
        return [
            Route("/feedback", self.on_feedback, methods=["GET"]),
            Route("/feedback", self.on_feedback_confirmed, methods=["POST"]),
        ]

    async def on_feedback(self, request: Request) -> Response:
        """A clicked link: check it and ask to confirm (a GET changes nothing)."""
        query = request.query_params
        try:
            action = self._signer.verify(query, self.engine.clock())
            label = await self._label(action.story_id, action.action)
        except OccasionalError as exc:
            return _failed(exc)
        fields = {name: query[name] for name in FEEDBACK_LINK_FIELDS}
        return HTMLResponse(confirm_page(label, fields))

    async def on_feedback_confirmed(self, request: Request) -> Response:
        """The confirmation: record it, once per link however often it is sent."""
        try:
            form = await self._small_form(request)
            action = self._signer.verify(form, self.engine.clock())
            label = await self._label(action.story_id, action.action)
            new = await self.worker.call(
                self.engine.feedback,
                action.story_id,
                action.action,
                profile=action.profile,
                link=form["sig"],
            )
        except OccasionalError as exc:
            return _failed(exc)
        if not new:
            return _html(200, "Already noted", f"{label}: you told us already. Thank you.")
        return _html(200, "Thank you", f"Noted: {label}. Your next digests will reflect it.")

    async def _small_form(self, request: Request) -> dict[str, str]:
        """The posted link fields, read within the header timeout and 16 KiB; InputError."""
        body = b""
        try:
            async with asyncio.timeout(self.engine.config.serve.header_timeout):
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > _MAX_BODY:
                        raise InputError("the form is too large for a feedback link")
        except TimeoutError as exc:
            raise InputError("the form came too slowly") from exc
        fields = dict(parse_qsl(body.decode("utf-8", "replace")))
        return {name: fields.get(name, "") for name in FEEDBACK_LINK_FIELDS}

    async def _label(self, story_id: str, action: str) -> str:
        """What the reader's click means, in words; StoryNotFoundError for a story gone."""
        outlet = await self.worker.call(self.engine.story_outlet, story_id)
        return FEEDBACK_LABELS.get(action, action).format(source=outlet)


def _failed(exc: OccasionalError) -> Response:
    """The page for a link that cannot be used: forged or expired, a story gone, …"""
    if isinstance(exc, InputError):
        return _html(400, "This link does not work", str(exc))
    if isinstance(exc, StoryNotFoundError):
        return _html(404, "Story gone", "That story is no longer stored.")
    return _html(500, "Something went wrong", str(exc))
