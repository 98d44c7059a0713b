"""The renderer seam: a :class:`Renderer` per output format, registered by name.

Callers (the pipeline, the CLI's ``digest --format``, delivery composition)
look a renderer up with :func:`get_renderer` and call
``renderer.render(digest, options=...)``. Renderers are pure: they do no I/O
and read the time only from the digest. Our own formats register themselves
through :func:`register_renderer` when :mod:`occasional.render` is imported,
the same door a plugin uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..exceptions import RenderError
from ..types import Digest

if TYPE_CHECKING:
    from .feedback import FeedbackSigner

__all__ = [
    "FeedbackLinker",
    "RenderOptions",
    "Renderer",
    "get_renderer",
    "register_renderer",
    "render",
    "renderer_names",
]

#: Makes the signed URL for one reaction: ``(story_id, action) -> url``.
FeedbackLinker = Callable[[str, str], str]


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What a renderer needs besides the digest.

    ``feedback_signer`` makes the signed like/dislike/… links (none when
    ``None``): a :class:`~occasional.render.FeedbackSigner` (links are made
    for the digest's profile and expire counting from its ``generated``
    time), or any ``(story_id, action) -> url`` callable.
    ``base_url`` is the address the rendered document is published at (the
    Atom feed's self link); ``title`` overrides the default "occasional — <profile>";
    ``archive_url`` links a page to the web archive.
    """

    base_url: str | None = None
    feedback_signer: FeedbackSigner | FeedbackLinker | None = None
    title: str | None = None
    archive_url: str | None = None

    def title_for(self, digest: Digest) -> str:
        """The digest's title: ours when set, else "occasional — <profile>"."""
        return self.title or f"occasional — {digest.profile}"


@runtime_checkable
class Renderer(Protocol):
    """Turns a :class:`~occasional.types.Digest` into one document.

    ``name`` is the registry key (``html``, ``text``, …), ``media_type`` the
    MIME type of the result and ``extension`` the file name ending without a
    dot. ``render`` raises :class:`~occasional.exceptions.RenderError` when a
    template fails; it never raises on odd text in the digest.
    """

    @property
    def name(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    @property
    def extension(self) -> str: ...

    def render(self, digest: Digest, *, options: RenderOptions) -> str: ...


_RENDERERS: dict[str, Renderer] = {}


def register_renderer(renderer: Renderer, *, replace: bool = False) -> Renderer:
    """Make ``renderer`` available under ``renderer.name``; returns it.

    Raises :class:`RenderError` when the name is taken and ``replace`` is false,
    so two plugins cannot silently shadow each other.
    """
    if renderer.name in _RENDERERS and not replace:
        raise RenderError(f"a renderer named {renderer.name!r} is already registered")
    _RENDERERS[renderer.name] = renderer
    return renderer


def renderer_names() -> tuple[str, ...]:
    """The registered format names, sorted."""
    return tuple(sorted(_RENDERERS))


def get_renderer(name: str) -> Renderer:
    """The renderer registered as ``name``, or whose file extension is ``name`` (``md``, ``txt``).

    Raises :class:`RenderError` naming the choices.
    """
    found = _RENDERERS.get(name) or next(
        (r for r in _RENDERERS.values() if r.extension == name.lower().lstrip(".")), None
    )
    if found is None:
        choices = ", ".join(renderer_names())
        raise RenderError(f"unknown format {name!r}; choose one of: {choices}")
    return found


def render(digest: Digest, name: str, options: RenderOptions | None = None) -> str:
    """Render ``digest`` in format ``name`` (shortcut for the CLI and pipeline)."""
    return get_renderer(name).render(digest, options=options or RenderOptions())
