"""What a card shows, worked out once for every renderer (pure).

:func:`digest_view` turns a :class:`~occasional.types.Digest` into plain,
frozen view objects: texts still raw (each renderer escapes for its own
syntax), links already filtered to http/https/mailto, feedback links made.
The HTML, Markdown, text and Atom renderers all read these, so they agree on
what a card holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..types import Digest, DigestItem, DigestSource, Figure
from ..urls import output_url
from .base import FeedbackLinker, RenderOptions
from .feedback import FEEDBACK_ACTIONS, FeedbackSigner

__all__ = [
    "FEEDBACK_LABELS",
    "CardView",
    "DigestView",
    "Link",
    "QuoteView",
    "SourceView",
    "digest_view",
    "safe_url",
]

_QUIET = "Nothing new above your bar today."

#: What a card's feedback links say (``{source}``: the outlet a mute would silence).
FEEDBACK_LABELS = {
    "like": "Like",
    "dislike": "Dislike",
    "less": "Less like this",
    "mute-source": "Mute {source}",
}


@dataclass(frozen=True, slots=True)
class Link:
    """A text and the URL it points to (``None`` when there is no safe URL)."""

    text: str
    url: str | None


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote, who said it, and the article it came from."""

    text: str
    speaker: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class SourceView:
    """One article of a story; ``original`` marks the first report."""

    title: str
    outlet: str
    url: str | None
    original: bool


@dataclass(frozen=True, slots=True)
class CardView:
    """One story card, ready for a template."""

    id: str
    headline: str
    url: str | None
    status: str
    reasons: tuple[str, ...]
    summary: tuple[Link, ...]
    quotes: tuple[QuoteView, ...]
    figures: tuple[str, ...]
    sources: tuple[SourceView, ...]
    feedback: tuple[Link, ...]
    updated: datetime


@dataclass(frozen=True, slots=True)
class DigestView:
    """A whole digest, ready for a template."""

    title: str
    profile: str
    generated: datetime
    date: str
    quiet: str | None
    top: tuple[CardView, ...]
    cards: tuple[CardView, ...]
    archive_url: str | None


def safe_url(url: str | None) -> str | None:
    """``url`` when it is http, https or mailto, cleaned for readers (see
    :func:`occasional.urls.output_url`: tracking parameters removed, percent-encoded to
    plain ASCII); else None."""
    return output_url(url)


def _figure(figure: Figure) -> str:
    # The phrase as written usually says what is counted ("54,000 dockworkers"); when it
    # does not, the label follows a dash: "4.25% — the key rate".
    if figure.counts and figure.counts.lower() not in figure.text.lower():
        return f"{figure.text} — {figure.counts}"
    return figure.text


def _article_urls(item: DigestItem) -> dict[str, str]:
    # Quotes name only an article id; its summary sentence knows the URL.
    return {s.article: url for s in item.summary if (url := safe_url(s.url))}


def _source_views(sources: tuple[DigestSource, ...]) -> tuple[SourceView, ...]:
    """Sources, the first report first: the earliest original (copies never are)."""
    far = datetime.max.replace(tzinfo=UTC)
    ordered = sorted(sources, key=lambda s: (not s.original, s.published or far))
    return tuple(
        SourceView(s.title, s.source, safe_url(s.url), index == 0 and s.original)
        for index, s in enumerate(ordered)
    )


def _first_url(sources: tuple[DigestSource, ...]) -> str | None:
    ordered = sorted(sources, key=lambda s: not s.original)
    return next((url for s in ordered if (url := safe_url(s.url))), None)


def _linker(digest: Digest, options: RenderOptions) -> FeedbackLinker | None:
    signer = options.feedback_signer
    if isinstance(signer, FeedbackSigner):
        # Counting expiry from the digest's own time keeps rendering pure.
        return signer.linker(digest.profile, now=digest.generated)
    return signer


def _feedback(item: DigestItem, link: FeedbackLinker | None) -> tuple[Link, ...]:
    if link is None:
        return ()
    outlet = next((s.source for s in item.sources if s.original), None)
    outlet = outlet or (item.sources[0].source if item.sources else "source")
    return tuple(
        Link(FEEDBACK_LABELS[action].format(source=outlet), safe_url(link(item.id, action)))
        for action in FEEDBACK_ACTIONS
    )


def _card(item: DigestItem, link: FeedbackLinker | None, generated: datetime) -> CardView:
    urls = _article_urls(item)
    return CardView(
        id=item.id,
        headline=item.headline,
        url=_first_url(item.sources),
        status=item.status,
        reasons=item.reasons,
        summary=tuple(Link(s.text, safe_url(s.url)) for s in item.summary),
        quotes=tuple(QuoteView(q.text, q.speaker, urls.get(a)) for q, a in item.quotes),
        figures=tuple(_figure(f) for f in item.figures),
        sources=_source_views(item.sources),
        feedback=_feedback(item, link),
        updated=item.last_seen or generated,
    )


def digest_view(digest: Digest, options: RenderOptions) -> DigestView:
    """The view of ``digest``; called by every renderer, never raises on odd text."""
    top_ids = {item.id for item in digest.top}
    link = _linker(digest, options)
    return DigestView(
        title=options.title_for(digest),
        profile=digest.profile,
        generated=digest.generated,
        date=f"{digest.generated:%A} {digest.generated.day} {digest.generated:%B %Y}",
        quiet=None if digest.items else (digest.quiet or _QUIET),
        top=tuple(_card(i, link, digest.generated) for i in digest.top),
        cards=tuple(_card(i, link, digest.generated) for i in digest.items if i.id not in top_ids),
        archive_url=safe_url(options.archive_url),
    )
