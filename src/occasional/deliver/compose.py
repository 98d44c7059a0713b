"""From a digest to an :class:`Outgoing`: render the formats a target needs, pick a subject.

The pipeline calls :func:`compose` once per digest and hands the result to
every delivery. E-mail needs ``html`` and ``text``; a file target takes
whichever format its name or ``?format=`` asks for.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..render import RenderOptions, get_renderer
from ..types import Digest
from .base import Outgoing, Rendering

__all__ = ["compose", "default_subject"]

_SUBJECT_MAX = 120


def default_subject(digest: Digest, options: RenderOptions | None = None) -> str:
    """ "<title>: <first headline> and N more", or "<title>: a quiet day"."""
    title = (options or RenderOptions()).title_for(digest)
    if not digest.items:
        return f"{title}: a quiet day"
    head = " ".join(digest.items[0].headline.split())
    more = len(digest.items) + len(digest.top) - 1
    tail = f" and {more} more" if more else ""
    room = _SUBJECT_MAX - len(title) - len(tail) - 2
    if len(head) > room:
        head = head[: max(room - 1, 10)].rstrip() + "…"
    return f"{title}: {head}{tail}"


def compose(
    digest: Digest,
    *,
    formats: Sequence[str] = ("html", "text"),
    options: RenderOptions | None = None,
    subject: str | None = None,
    unsubscribe_url: str | None = None,
) -> Outgoing:
    """Render ``digest`` in each of ``formats``, in order; RenderError for an unknown format."""
    chosen = options or RenderOptions()
    renderings = []
    for name in dict.fromkeys(formats):
        renderer = get_renderer(name)
        body = renderer.render(digest, options=chosen)
        renderings.append(Rendering(name, body, renderer.media_type, renderer.extension))
    return Outgoing(
        digest=digest,
        subject=subject or default_subject(digest, chosen),
        renderings=tuple(renderings),
        unsubscribe_url=unsubscribe_url,
    )
