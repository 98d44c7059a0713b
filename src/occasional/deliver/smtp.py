"""SMTP delivery with aiosmtplib: ``smtp://`` (plain or STARTTLS) and ``smtps://`` (implicit TLS).

Target URL::

    smtp://user:pass@host:port?to=a@x.org,b@y.org&from=digest@x.org&starttls=1

``starttls=1`` requires STARTTLS, ``starttls=0`` forbids it, and without it
STARTTLS is used when the server offers it — and required when the URL has
a user name and the host is not loopback. The password may instead come
from the environment variable ``OCCASIONAL_SMTP_PASSWORD`` (so it stays out
of profile files). ``cafile=`` trusts an extra certificate authority (a
private mail server); ``timeout=`` is in seconds (30 by default).
"""

from __future__ import annotations

import ipaddress
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from functools import cache
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

import aiosmtplib

from ..exceptions import DeliveryError
from .base import Outgoing, redact
from .message import build_message, parse_address

__all__ = ["PASSWORD_ENV", "SmtpDelivery", "SmtpTarget", "parse_smtp_url"]

PASSWORD_ENV = "OCCASIONAL_SMTP_PASSWORD"  # noqa: S105 - the variable's name, not a secret
_YES = frozenset({"1", "true", "yes", "on"})
_NO = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """A parsed SMTP URL. ``starttls`` None means "if the server offers it"."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False
    starttls: bool | None = None
    cafile: str | None = None
    timeout: float = 30.0


def _flag(value: str | None, url: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in _YES | _NO:
        return value.lower() in _YES
    raise DeliveryError(f"{redact(url)!r}: starttls must be 1 or 0, not {value!r}")


def _recipients(values: list[str]) -> tuple[str, ...]:
    found = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return tuple(str(parse_address(r).addr_spec) for r in found)


def _timeout(value: str | None, url: str) -> float:
    try:
        seconds = float(value) if value else 30.0
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 600:
        raise DeliveryError(f"{redact(url)!r}: timeout must be seconds between 0 and 600")
    return seconds


def _credentials(parts: SplitResult, env: Mapping[str, str]) -> tuple[str | None, str | None]:
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username and password is None:
        password = env.get(PASSWORD_ENV)
    return username, password


def _port(parts: SplitResult, implicit: bool, starttls: bool | None, url: str) -> int:
    try:
        return parts.port or (465 if implicit else 587 if starttls else 25)
    except ValueError as exc:
        raise DeliveryError(f"{redact(url)!r} has an invalid port") from exc


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_smtp_url(url: str, env: Mapping[str, str] | None = None) -> SmtpTarget:
    """Read an ``smtp://`` or ``smtps://`` URL; raises DeliveryError naming what is wrong.

    ``env`` is where ``OCCASIONAL_SMTP_PASSWORD`` is looked up (the process
    environment by default). A login to a host other than loopback requires
    STARTTLS unless the URL says ``starttls=0``, so a password never crosses
    the network in clear by accident.
    """
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if not parts.hostname:
        raise DeliveryError(f"{redact(url)!r} names no mail server host")
    recipients = _recipients(parse_qs(parts.query).get("to", []))
    if not recipients:
        raise DeliveryError(f"{redact(url)!r} names no recipient; add ?to=name@example.org")
    implicit = parts.scheme.lower() == "smtps"
    starttls = _flag(query.get("starttls"), url)
    username, password = _credentials(parts, os.environ if env is None else env)
    if username and starttls is None and not implicit and not _is_loopback(parts.hostname):
        starttls = True
    sender = query.get("from") or (username if username and "@" in username else None)
    return SmtpTarget(
        host=parts.hostname,
        port=_port(parts, implicit, starttls, url),
        sender=str(parse_address(sender or f"occasional@{parts.hostname}").addr_spec),
        recipients=recipients,
        username=username,
        password=password,
        implicit_tls=implicit,
        starttls=starttls,
        cafile=query.get("cafile"),
        timeout=_timeout(query.get("timeout"), url),
    )


@cache
def _tls_context(cafile: str | None) -> ssl.SSLContext:
    # Loading the system's CA store takes tens of milliseconds; do it once.
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as exc:
        raise DeliveryError(f"cannot read the CA file {cafile!r}: {exc}") from exc


def _explain(exc: Exception, where: str) -> str:
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return f"the mail server {where} refused the login ({exc.code}); check user and password"
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = ", ".join(r.recipient for r in exc.recipients)
        return f"the mail server {where} refused the recipients {refused}"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"the mail server {where} answered {exc.code} {exc.message}"
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return f"the mail server {where} did not answer in time"
    return f"cannot reach the mail server {where} ({exc}); is it running and the port right?"


def _permanent(exc: Exception) -> bool:
    """Whether the server refused for good (5xx): sending the same again cannot help."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(r.code >= 500 for r in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500


class SmtpDelivery:
    """Sends an :class:`Outgoing` as one e-mail to every recipient of the target."""

    def __init__(self, target: SmtpTarget) -> None:
        self.target = target

    @classmethod
    def from_url(cls, url: str) -> SmtpDelivery:
        """The registry's factory; raises DeliveryError for a bad URL."""
        return cls(parse_smtp_url(url))

    async def send(self, message: Outgoing) -> None:
        """Build and send the e-mail; raises DeliveryError with the reason."""
        text = message.rendering("text")
        if text is None:
            raise DeliveryError("an e-mail needs the text rendering; compose with 'text'")
        html = message.rendering("html")
        email = build_message(
            message.digest, html.body if html else None, text.body, self.target.sender,
            self.target.recipients, message.subject, message.unsubscribe_url,
            now=datetime.now(UTC),
        )  # fmt: skip
        await self._transmit(email)

    async def _transmit(self, email: EmailMessage) -> None:
        t = self.target
        where = f"{t.host}:{t.port}"
        try:
            await aiosmtplib.send(
                email,
                hostname=t.host, port=t.port, username=t.username, password=t.password,
                use_tls=t.implicit_tls, start_tls=t.starttls, timeout=t.timeout,
                tls_context=None if t.starttls is False and not t.implicit_tls
                else _tls_context(t.cafile),
            )  # fmt: skip
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            message = f"e-mail not sent: {_explain(exc, where)}"
            raise DeliveryError(message, permanent=_permanent(exc)) from exc
