"""Delivering digests: SMTP e-mail and files, registered by URL scheme.

::

    outgoing = compose(digest, formats=("html", "text"), options=render_options)
    await deliverer_for("smtp://me@mail.example.org:587?to=me@example.org&starttls=1").send(outgoing)

Every failure is a :class:`~occasional.exceptions.DeliveryError`; the caller
keeps the digest for a retry. A plugin adds a scheme with
:func:`register_delivery`.
"""

from __future__ import annotations

from .base import (
    Delivery,
    DeliveryFactory,
    Outgoing,
    Rendering,
    deliver,
    deliverer_for,
    delivery_schemes,
    redact,
    register_delivery,
)
from .compose import compose, default_subject
from .file import FileDelivery, atomic_write
from .message import build_message, message_id, parse_address
from .smtp import PASSWORD_ENV, SmtpDelivery, SmtpTarget, parse_smtp_url

__all__ = [
    "PASSWORD_ENV",
    "Delivery",
    "DeliveryFactory",
    "FileDelivery",
    "Outgoing",
    "Rendering",
    "SmtpDelivery",
    "SmtpTarget",
    "atomic_write",
    "build_message",
    "compose",
    "default_subject",
    "deliver",
    "deliverer_for",
    "delivery_schemes",
    "message_id",
    "parse_address",
    "parse_smtp_url",
    "redact",
    "register_delivery",
]

register_delivery("smtp", SmtpDelivery.from_url, replace=True)
register_delivery("smtps", SmtpDelivery.from_url, replace=True)
register_delivery("file", FileDelivery.from_url, replace=True)
