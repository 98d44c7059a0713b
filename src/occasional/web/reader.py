"""The Google Reader API, as Miniflux and FreshRSS serve it to mobile readers.

Protocol, in short::

    POST /accounts/ClientLogin   Email, Passwd  → "SID=…\\nLSID=…\\nAuth=TOKEN\\n"
    every other call:            Authorization: GoogleLogin auth=TOKEN
    GET  /reader/api/0/token     → T, which every write (POST) must carry

Streams: ``user/-/state/com.google/reading-list`` (everything),
``…/starred``, ``…/read``, ``feed/<source id or URL>``, ``user/-/label/<tag>``.
Items are **folded**: one item per copy group, its original (the article
the copies were taken from); the other outlets that carried it are named in
the item's content and in its ``occasional`` field. Item ids are articles'
stable numbers (long form ``tag:google.com,2005:reader/item/<16 hex>``,
short form decimal). Marking an item read or starred marks every copy.
Titles are plain text, links only http(s), content sanitised.

This module routes; the handlers live beside it: :mod:`.readercall` (the
authenticated call and the ``api`` decorator), :mod:`.readerlogin`
(ClientLogin, token, user-info), :mod:`.readersubs` (subscriptions and
tags), :mod:`.readerstreams` (streams and item contents),
:mod:`.readerstate` (edit-tag, mark-all-as-read, unread counts) and
:mod:`.readeritems` (an item's JSON).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from .readercall import PREFIX
from .readerlogin import client_login, token, user_info
from .readerstate import edit_tag, mark_all_as_read, unread_count
from .readerstreams import stream_contents_endpoint, stream_item_ids, stream_items_contents
from .readersubs import quick_add, subscription_edit, subscription_list, tag_list

__all__ = ["routes"]


def routes() -> list[BaseRoute]:
    """The Reader API's routes."""
    return [
        Route("/accounts/ClientLogin", client_login, methods=["GET", "POST"]),
        Route(f"{PREFIX}/token", token, methods=["GET", "POST"]),
        Route(f"{PREFIX}/user-info", user_info, methods=["GET"]),
        Route(f"{PREFIX}/subscription/list", subscription_list, methods=["GET"]),
        Route(f"{PREFIX}/subscription/edit", subscription_edit, methods=["POST"]),
        Route(f"{PREFIX}/subscription/quickadd", quick_add, methods=["POST"]),
        Route(f"{PREFIX}/tag/list", tag_list, methods=["GET"]),
        Route(f"{PREFIX}/stream/items/ids", stream_item_ids, methods=["GET", "POST"]),
        Route(f"{PREFIX}/stream/items/contents", stream_items_contents, methods=["GET", "POST"]),
        Route(f"{PREFIX}/stream/contents", stream_contents_endpoint, methods=["GET"]),
        Route(f"{PREFIX}/stream/contents/{{stream:path}}", stream_contents_endpoint),
        Route(f"{PREFIX}/edit-tag", edit_tag, methods=["POST"]),
        Route(f"{PREFIX}/mark-all-as-read", mark_all_as_read, methods=["POST"]),
        Route(f"{PREFIX}/unread-count", unread_count, methods=["GET"]),
    ]
