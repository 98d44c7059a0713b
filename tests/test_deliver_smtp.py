"""SMTP delivery against a real aiosmtpd server on 127.0.0.1 (plain, AUTH, STARTTLS)."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from occasional.deliver import compose, deliver
from occasional.exceptions import DeliveryError
from occasional.render import FeedbackSigner, RenderOptions, render
from test_render_fixtures import sample_digest

SIGNER = FeedbackSigner(b"smtp-test-secret-0123456789abc", "https://news.example.org")
OPTIONS = RenderOptions(feedback_signer=SIGNER)
UNSUB = "https://news.example.org/unsubscribe?p=alice&sig=abc"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def only(self) -> tuple[Any, EmailMessage]:
        assert len(self.envelopes) == 1
        envelope = self.envelopes[0]
        return envelope, message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[return-value]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def check_password(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"me", b"right")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def serve() -> Iterator[Any]:
    started: list[Controller] = []

    def start(**kwargs: Any) -> tuple[Inbox, int]:
        inbox, port = Inbox(), free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()


def send(url: str) -> None:
    outgoing = compose(sample_digest(), options=OPTIONS, unsubscribe_url=UNSUB)
    asyncio.run(deliver(outgoing, url))


def test_plain_smtp_delivers_a_well_formed_digest(serve: Any) -> None:
    inbox, port = serve()
    send(f"smtp://127.0.0.1:{port}?to=me@example.org,you@example.net&from=d@news.example.org")
    envelope, msg = inbox.only()
    assert envelope.mail_from == "d@news.example.org"
    assert envelope.rcpt_tos == ["me@example.org", "you@example.net"]
    assert msg.get_content_type() == "multipart/alternative"
    text, html = list(msg.iter_parts())  # type: ignore[attr-defined]
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert msg["Subject"].startswith("occasional — alice: Sakurajima erupts")
    assert msg["List-Unsubscribe"] == f"<{UNSUB}>" and msg["Message-ID"] and msg["Date"]
    body = html.get_content()
    tree = lxml.html.document_fromstring(body)
    assert not list(tree.iter("script", "img", "link", "style", "iframe"))
    assert "src=" not in body and "url(" not in body
    sent = lxml.html.document_fromstring(render(sample_digest(), "html", OPTIONS))
    assert [a.get("href") for a in tree.iter("a")] == [a.get("href") for a in sent.iter("a")]
    assert text.get_content().replace("\r\n", "\n") == render(sample_digest(), "text", OPTIONS)


# The test server takes AUTH without TLS on loopback; aiosmtpd warns about that on purpose.
PLAIN_AUTH = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@PLAIN_AUTH
def test_auth_with_the_right_password(serve: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = serve(authenticator=check_password, auth_required=True, auth_require_tls=False)
    monkeypatch.setenv("OCCASIONAL_SMTP_PASSWORD", "right")
    send(f"smtp://me@127.0.0.1:{port}?to=me@example.org&starttls=0")
    assert inbox.only()[0].rcpt_tos == ["me@example.org"]


@PLAIN_AUTH
def test_refused_auth_is_a_clear_delivery_error(serve: Any) -> None:
    inbox, port = serve(authenticator=check_password, auth_required=True, auth_require_tls=False)
    with pytest.raises(DeliveryError, match="refused the login") as caught:
        send(f"smtp://me:wrong@127.0.0.1:{port}?to=me@example.org")
    assert "wrong" not in str(caught.value)
    assert inbox.envelopes == []


def test_unreachable_server_is_a_delivery_error() -> None:
    port = free_port()  # nothing listens there once the probe socket closed
    with pytest.raises(DeliveryError, match=f"127.0.0.1:{port}"):
        send(f"smtp://127.0.0.1:{port}?to=me@example.org&timeout=5")


def self_signed(folder: Path) -> tuple[Path, Path]:
    x509 = pytest.importorskip("cryptography.x509", reason="cryptography is not installed")
    import ipaddress

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path


# When a STARTTLS handshake fails, aiosmtplib drops the plain transport without closing it and
# the garbage collector reports it later (a library leak, not ours): only that warning is allowed.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_starttls_with_auth(serve: Any, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = serve(
        tls_context=context, require_starttls=True, authenticator=check_password,
        auth_required=True,
    )  # fmt: skip
    send(f"smtp://me:right@127.0.0.1:{port}?to=me@example.org&starttls=1&cafile={cert}")
    assert inbox.only()[0].rcpt_tos == ["me@example.org"]
    with pytest.raises(DeliveryError):  # an untrusted certificate is refused
        send(f"smtp://me:right@127.0.0.1:{port}?to=me@example.org&starttls=1")
    gc.collect()  # report the leaked transport here, under this test's filter, not in a later test


class Refuser(Inbox):
    """Refuses one recipient the way a real server does."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_recipient_is_named() -> None:
    refuser, port = Refuser(), free_port()
    controller = Controller(refuser, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with pytest.raises(DeliveryError, match=r"refused the recipients nobody@example\.org"):
            send(f"smtp://127.0.0.1:{port}?to=nobody@example.org")
    finally:
        controller.stop()


def test_a_silent_server_times_out() -> None:
    with socket.socket() as listener:  # accepts the connection, never greets
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(DeliveryError, match="did not answer in time"):
            send(f"smtp://127.0.0.1:{port}?to=me@example.org&timeout=0.3")
