"""The delivery seam: a :class:`Delivery` per URL scheme, registered by key.

The pipeline composes an :class:`Outgoing` (see :func:`~occasional.deliver.compose`)
and calls ``await deliverer_for(url).send(outgoing)`` for each of a profile's
``deliver`` URLs. A delivery raises
:class:`~occasional.exceptions.DeliveryError` (cause chained) when it cannot
hand the digest over; the caller keeps the digest and retries later.
Schemes are registered with :func:`register_delivery`; ours (``smtp``,
``smtps``, ``file``) register when :mod:`occasional.deliver` is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from ..exceptions import DeliveryError
from ..types import Digest

__all__ = [
    "Delivery",
    "DeliveryFactory",
    "Outgoing",
    "Rendering",
    "deliver",
    "deliverer_for",
    "delivery_schemes",
    "redact",
    "register_delivery",
]


@dataclass(frozen=True, slots=True)
class Rendering:
    """A digest rendered in one format (``format`` is the renderer's name)."""

    format: str
    body: str
    media_type: str
    extension: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One digest ready to send: its renderings, a subject, an unsubscribe link.

    ``renderings`` are in order of preference; the first is what a file
    delivery writes when the target does not say which format it wants.
    """

    digest: Digest
    subject: str
    renderings: tuple[Rendering, ...]
    unsubscribe_url: str | None = None

    def rendering(self, name: str) -> Rendering | None:
        """The rendering in format ``name``, or None."""
        return next((r for r in self.renderings if r.format == name), None)


@runtime_checkable
class Delivery(Protocol):
    """Hands an :class:`Outgoing` to one destination.

    Called by the pipeline once per target and digest; ``send`` raises
    :class:`~occasional.exceptions.DeliveryError` on any failure and nothing
    else.
    """

    async def send(self, message: Outgoing) -> None: ...


#: Makes a delivery from its target URL; raises DeliveryError for a bad URL.
DeliveryFactory = Callable[[str], Delivery]

_DELIVERIES: dict[str, DeliveryFactory] = {}


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def register_delivery(scheme: str, factory: DeliveryFactory, *, replace: bool = False) -> None:
    """Make ``scheme://`` targets use ``factory``; DeliveryError if taken and not ``replace``."""
    key = scheme.lower()
    if key in _DELIVERIES and not replace:
        raise DeliveryError(f"a delivery for {key}:// is already registered")
    _DELIVERIES[key] = factory


def delivery_schemes() -> tuple[str, ...]:
    """The registered URL schemes, sorted."""
    return tuple(sorted(_DELIVERIES))


def deliverer_for(url: str) -> Delivery:
    """The delivery for ``url``; raises DeliveryError for an unknown scheme or a bad URL."""
    scheme = urlsplit(url).scheme.lower()
    factory = _DELIVERIES.get(scheme)
    if factory is None:
        choices = ", ".join(delivery_schemes())
        raise DeliveryError(
            f"cannot deliver to {redact(url)!r}: unknown scheme {scheme!r}; "
            f"choose one of: {choices}"
        )
    return factory(url)


async def deliver(message: Outgoing, url: str) -> None:
    """Send ``message`` to ``url`` (shortcut); raises DeliveryError."""
    await deliverer_for(url).send(message)
