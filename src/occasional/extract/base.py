"""The Extractor protocol and the registry of extractors by name.

Who calls what::

    pipeline / cli  ──get_extractor(name)──▶  registry  ──▶  Extractor.extract(html, url)
    plugins         ──register_extractor(extractor)──▶  registry

Built-in extractors (``auto``, ``trafilatura``, ``readability``) register
themselves through the same door as third-party ones when
:mod:`occasional.extract` is imported.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..exceptions import ConfigError
from ..types import ExtractedPage

__all__ = [
    "DEFAULT_EXTRACTOR",
    "Extractor",
    "extractor_names",
    "get_extractor",
    "register_extractor",
]

DEFAULT_EXTRACTOR = "trafilatura"


@runtime_checkable
class Extractor(Protocol):
    """Turns one article page into an :class:`~occasional.types.ExtractedPage`.

    ``name`` is the key it is registered under. ``extract`` is called by the
    pipeline (and ``occasional extract``) once per fetched page; ``html`` is
    the body as fetched (bytes are decoded by the extractor) and ``url`` the
    page's final URL, used to resolve relative links and to tell this site
    from others. It must be pure apart from CPU: no network, no files.

    Raises :class:`~occasional.exceptions.ExtractionError` when the page holds
    no article text (or cannot be parsed at all).
    """

    @property
    def name(self) -> str:
        """The key the extractor is registered under."""
        ...

    def extract(self, html: str | bytes, url: str | None = None) -> ExtractedPage:
        """Return the page's article text, metadata and provenance links."""
        ...


_REGISTRY: dict[str, Extractor] = {}


def register_extractor(extractor: Extractor, *, replace: bool = False) -> None:
    """Make ``extractor`` available as ``get_extractor(extractor.name)``.

    Raises :class:`~occasional.exceptions.ConfigError` when the name is taken
    and ``replace`` is false, so two plugins cannot silently shadow each other.
    """
    if extractor.name in _REGISTRY and not replace:
        raise ConfigError(
            f"an extractor named {extractor.name!r} is already registered; "
            "pass replace=True to override it"
        )
    _REGISTRY[extractor.name] = extractor


def get_extractor(name: str = DEFAULT_EXTRACTOR) -> Extractor:
    """The extractor registered as ``name``.

    Raises :class:`~occasional.exceptions.ConfigError` naming the known
    extractors when there is none by that name.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(extractor_names()) or "none"
        raise ConfigError(f"unknown extractor {name!r}; known extractors: {known}") from None


def extractor_names() -> tuple[str, ...]:
    """The registered names, sorted."""
    return tuple(sorted(_REGISTRY))
