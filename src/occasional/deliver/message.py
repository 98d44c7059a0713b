"""The e-mail itself: multipart/alternative, text first, HTML second, UTF-8.

:func:`build_message` is pure and separate from sending so it can be tested
and reused (a plugin may hand the message to another transport). Header
values are stripped of line breaks, so no digest text can add a header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..exceptions import DeliveryError
from ..types import Digest

__all__ = ["build_message", "message_id", "parse_address"]

_BREAKS = re.compile(r"[\r\n\x00-\x1f\x7f]+")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def parse_address(value: str) -> Address:
    """``user@domain`` as an Address; raises DeliveryError if it is not one."""
    clean = value.strip()
    local, at, domain = clean.rpartition("@")
    if not at or not local or not domain or _BREAKS.search(clean) or " " in clean:
        raise DeliveryError(f"{value!r} is not an e-mail address (expected name@example.org)")
    try:
        return Address(addr_spec=clean)
    except (ValueError, IndexError) as exc:
        raise DeliveryError(f"{value!r} is not an e-mail address: {exc}") from exc


def _header(value: str) -> str:
    return _BREAKS.sub(" ", value).strip()


def message_id(digest: Digest, domain: str) -> str:
    """The digest's Message-ID: made from its id, so a resend after a crash is the same mail.

    A digest without an id (a preview) gets a random one.
    """
    if not digest.id:
        return make_msgid(domain=domain)
    return f"<digest.{_ID_UNSAFE.sub('-', digest.id)}@{domain}>"


def build_message(
    digest: Digest,
    html: str | None,
    text: str,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    unsubscribe_url: str | None = None,
    *,
    now: datetime | None = None,
) -> EmailMessage:
    """The digest as an e-mail; raises DeliveryError for a bad address or no recipient.

    ``Date`` is ``now`` (the digest's generation time when omitted);
    ``Message-ID`` is the digest's own (:func:`message_id`);
    ``List-Unsubscribe`` and the one-click ``List-Unsubscribe-Post`` are set
    when ``unsubscribe_url`` is given.
    """
    if not recipients:
        raise DeliveryError("an e-mail needs at least one recipient (?to=name@example.org)")
    origin = parse_address(sender)
    message = EmailMessage()
    message["From"] = origin
    message["To"] = [parse_address(r) for r in recipients]
    message["Subject"] = _header(subject)
    message["Date"] = format_datetime((now or digest.generated).astimezone(UTC))
    message["Message-ID"] = message_id(digest, origin.domain)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{_header(unsubscribe_url)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, subtype="plain", charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message
