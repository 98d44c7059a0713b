"""Reading schema.org JSON-LD blocks for article metadata.

Called by :mod:`occasional.extract.metadata` with the text of every
``<script type="application/ld+json">``. Pages wrap the article in
``@graph`` lists, arrays, or nest it under ``mainEntity``; this walks them
all and keeps the first object whose ``@type`` is an article type (else the
first typed object with a headline).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

__all__ = ["ARTICLE_TYPES", "find_article", "names_of", "url_of"]

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
    }
)
# A JSON-LD block larger than this is a data dump, not page metadata.
_MAX_BLOCK_CHARS = 1_000_000
_MAX_NODES = 2_000
# Lists of lists this deep around one image are not metadata anyone meant.
_MAX_LIST_DEPTH = 8


def _load(text: str) -> Any:
    if len(text) > _MAX_BLOCK_CHARS:
        return None
    try:
        # strict=False: pages routinely leave raw newlines inside strings.
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than any real page
        return None


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every dict in the block, breadth first, at most _MAX_NODES of them."""
    queue = [data]
    seen = 0
    while queue and seen < _MAX_NODES:
        item = queue.pop(0)
        seen += 1
        if isinstance(item, list):
            queue.extend(item)
        elif isinstance(item, dict):
            yield item
            queue.extend(v for v in item.values() if isinstance(v, (list, dict)))


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def find_article(blocks: list[str]) -> dict[str, Any] | None:
    """The article object among the JSON-LD ``blocks``, or None."""
    fallback: dict[str, Any] | None = None
    for block in blocks:
        for obj in _objects(_load(block)):
            if _types(obj) & ARTICLE_TYPES:
                return obj
            if fallback is None and "headline" in obj:
                fallback = obj
    return fallback


def names_of(value: Any) -> list[str]:
    """Names from a schema.org person/organisation value (str, dict or list)."""
    names: list[str] = []
    # A stack, not recursion: a page may nest lists as deep as its JSON parser allows.
    stack = [value]
    for _ in range(_MAX_NODES):
        if not stack:
            break
        item = stack.pop()
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, str):
                names.append(name)
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return names


def url_of(value: Any) -> str | None:
    """A URL from a schema.org image/URL value (str, ImageObject or list)."""
    for _ in range(_MAX_LIST_DEPTH):
        if not (isinstance(value, list) and value):
            break
        value = value[0]
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        found = value.get("url") or value.get("@id") or value.get("contentUrl")
        return found if isinstance(found, str) else None
    return None
