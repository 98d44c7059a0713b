"""A digest as the JSON ``occasional digest --format json`` prints.

The contract fields (``profile``, ``generated``, ``stories`` with ``id``,
``headline``, ``reasons``, ``summary``, ``quotes``, ``figures``,
``sources``) never change name; the rest are additions. docs/digest.md
describes every field. URLs are given as readers get them in every format
(:func:`occasional.urls.output_url`): only http, https and mailto, without
tracking parameters, else null.
"""

from __future__ import annotations

from typing import Any

from ..jsonout import iso
from ..types import Digest, DigestItem, DigestSource, Figure, Quote, SummarySentence
from ..urls import output_url

__all__ = ["digest_to_json", "item_to_json"]


def _sentence(sentence: SummarySentence) -> dict[str, Any]:
    return {"text": sentence.text, "article": sentence.article, "url": output_url(sentence.url)}


def _quote(quote: Quote, article: str) -> dict[str, Any]:
    return {"text": quote.text, "speaker": quote.speaker, "article": article}


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "text": figure.text,
        "value": figure.value,
        "unit": figure.unit,
        "counts": figure.counts,
    }


def _source(source: DigestSource) -> dict[str, Any]:
    return {
        "url": output_url(source.url),
        "title": source.title,
        "source": source.source,
        "original": source.original,
        "published": iso(source.published),
    }


def item_to_json(item: DigestItem) -> dict[str, Any]:
    """One story card as a JSON-ready dict."""
    return {
        "id": item.id,
        "headline": item.headline,
        "reasons": list(item.reasons),
        "summary": [_sentence(s) for s in item.summary],
        "quotes": [_quote(q, article) for q, article in item.quotes],
        "figures": [_figure(f) for f in item.figures],
        "sources": [_source(s) for s in item.sources],
        "status": item.status,
        "entities": [{"text": e.text, "label": e.label} for e in item.entities],
        "score": item.score,
        "first_seen": iso(item.first_seen),
        "last_seen": iso(item.last_seen),
        "top": item.top,
    }


def digest_to_json(digest: Digest) -> dict[str, Any]:
    """The digest as a JSON-ready dict (``json.dumps`` takes it as is)."""
    return {
        "profile": digest.profile,
        "generated": iso(digest.generated),
        "id": digest.id,
        "stories": [item_to_json(item) for item in digest.items],
        "top": [item_to_json(item) for item in digest.top],
        "quiet": digest.quiet,
    }
