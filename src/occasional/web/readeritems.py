"""Reader API items: one JSON object per copy group, other outlets named (synchronous).

:func:`items_json` runs on a worker thread: it reads the groups' articles
and the user's subscriptions, and writes each item as Miniflux and FreshRSS
do, plus an ``occasional`` field with the story and every outlet. Titles are
plain text; links are http(s) only; content is our own escaped text or the
feed's HTML through nh3.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import nh3

from ..render.view import safe_url
from ..scope import UserScope
from ..storage.accounts import ItemRef
from ..types import Article

__all__ = ["items_json", "plain_text"]

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
STATE = "user/-/state/com.google/"
_PARAGRAPHS = 200  # the text of a very long article is cut in the item, linked in full


def plain_text(value: str | None) -> str:
    """Text without markup: tags and scripts removed, entities read, no angle brackets."""
    cleaned = nh3.clean(value or "", tags=set(), clean_content_tags={"script", "style"})
    return html.unescape(cleaned).replace("<", "‹").replace(">", "›").strip()


def _outlet(article: Article) -> str:
    return plain_text(article.source_title or article.source_url)


def _body(article: Article) -> str:
    if article.text.strip():
        paragraphs = [p.strip() for p in article.text.split("\n") if p.strip()][:_PARAGRAPHS]
        return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return nh3.clean(article.content or article.summary or "", link_rel="noopener noreferrer")


def _link(url: str | None, text: str) -> str:
    safe = safe_url(url)
    label = html.escape(text)
    return f'<a href="{html.escape(safe)}">{label}</a>' if safe else label


def _footer(lead: Article, copies: Sequence[Article]) -> str:
    if not copies:
        return ""
    carried = ", ".join(_link(a.url, _outlet(a)) for a in copies)
    return f"<hr><p>First reported by {html.escape(_outlet(lead))}. Also carried by {carried}.</p>"


def _micros(ref: ItemRef) -> str:
    return str(int(ref.sort_at.timestamp() * 1_000_000))


def items_json(scope: UserScope, refs: Sequence[ItemRef]) -> list[dict[str, Any]]:
    """The Reader API items for ``refs`` (folded copy groups), in the same order."""
    storage = scope.storage
    groups = storage.copy_groups([ref.article_id for ref in refs])
    every = list({aid for members in groups.values() for aid in members})
    articles = {a.id: a for a in storage.iter_articles(ids=every)} if every else {}
    subs = {s.source.id: s for s in scope.subscriptions() if s.active}
    items = []
    for ref in refs:
        lead = articles.get(ref.article_id)
        if lead is None:
            continue
        members = [articles[a] for a in groups.get(lead.id, (lead.id,)) if a in articles]
        copies = [a for a in members if a.id != lead.id]
        home = subs.get(lead.source_id) or next(
            (subs[a.source_id] for a in copies if a.source_id in subs), None
        )
        items.append(_item(ref, lead, copies, home.source.id if home else lead.source_id, home))
    return items


def _item(
    ref: ItemRef, lead: Article, copies: Sequence[Article], feed: str, home: Any
) -> dict[str, Any]:
    url = safe_url(lead.url) or ""
    categories = [STATE + "reading-list"]
    categories += [f"user/-/label/{plain_text(tag)}" for tag in (home.tags if home else ())]
    if ref.read:
        categories.append(STATE + "read")
    if ref.starred:
        categories.append(STATE + "starred")
    content = _body(lead) + _footer(lead, copies)
    stamp = int(ref.sort_at.timestamp())
    return {
        "id": f"{ITEM_PREFIX}{ref.seq:016x}",
        "crawlTimeMsec": str(int((lead.fetched or ref.sort_at).timestamp() * 1000)),
        "timestampUsec": _micros(ref),
        "published": stamp,
        "updated": int((lead.updated or ref.sort_at).timestamp()),
        "title": plain_text(lead.title),
        "author": plain_text(", ".join(lead.authors)),
        "canonical": [{"href": url}],
        "alternate": [{"href": url, "type": "text/html"}],
        "categories": categories,
        "origin": {
            "streamId": f"feed/{feed}",
            "title": plain_text(home.name if home else _outlet(lead)),
            "htmlUrl": safe_url(home.source.site_url if home else None) or "",
        },
        "summary": {"direction": "ltr", "content": content},
        "occasional": {
            "story": lead.story,
            "outlets": [_outlet(lead), *dict.fromkeys(_outlet(a) for a in copies)],
            "copies": [
                {"outlet": _outlet(a), "url": safe_url(a.url) or "", "title": plain_text(a.title)}
                for a in copies
            ],
        },
    }
