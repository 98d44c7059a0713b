"""Delivery without a network: composing, the e-mail's shape, SMTP URLs, files, the registry."""

from __future__ import annotations

import asyncio
import dataclasses
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from occasional.deliver import (
    Delivery,
    FileDelivery,
    SmtpDelivery,
    build_message,
    compose,
    default_subject,
    deliver,
    deliverer_for,
    delivery_schemes,
    parse_smtp_url,
    redact,
)
from occasional.exceptions import DeliveryError, RenderError
from occasional.render import render
from test_render_fixtures import NOW, quiet_digest, sample_digest

UNSUB = "https://news.example.org/unsubscribe?p=alice&sig=abc"


def message_bytes(**overrides: object) -> bytes:
    digest = sample_digest()
    args: dict[str, object] = {
        "digest": digest, "html": render(digest, "html"), "text": render(digest, "text"),
        "sender": "digest@news.example.org", "recipients": ["me@example.org", "you@example.net"],
        "subject": "Your digest — Sakurajima", "unsubscribe_url": UNSUB,
    }  # fmt: skip
    args.update(overrides)
    return build_message(**args).as_bytes()  # type: ignore[arg-type]


# --- the message -----------------------------------------------------------------


def test_message_is_text_then_html_in_utf8() -> None:
    msg = message_from_bytes(message_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())  # type: ignore[attr-defined]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert "“We have never seen ash this thick”" in parts[0].get_content()
    assert "<h2" in parts[1].get_content()


def test_message_headers() -> None:
    msg = message_from_bytes(message_bytes(), policy=policy.default)
    assert msg["Subject"] == "Your digest — Sakurajima"
    assert msg["From"] == "digest@news.example.org"
    assert msg["To"].addresses[1].addr_spec == "you@example.net"
    assert msg["Date"].datetime == NOW
    assert msg["Message-ID"].endswith("@news.example.org>")
    assert msg["List-Unsubscribe"] == f"<{UNSUB}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_unsubscribe_header_without_a_url() -> None:
    msg = message_from_bytes(message_bytes(unsubscribe_url=None), policy=policy.default)
    assert msg["List-Unsubscribe"] is None and msg["List-Unsubscribe-Post"] is None


def test_a_subject_cannot_add_headers() -> None:
    raw = message_bytes(subject="Hi\r\nBcc: victim@example.org\nX-Evil: 1")
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert "Bcc: victim@example.org" in msg["Subject"]


@pytest.mark.parametrize("bad", ["not-an-address", "a@b.c\r\nBcc: x@y.z", "@example.org", ""])
def test_bad_addresses_are_delivery_errors(bad: str) -> None:
    with pytest.raises(DeliveryError):
        message_bytes(recipients=[bad])
    with pytest.raises(DeliveryError):
        message_bytes(sender=bad)


def test_no_recipient_is_a_delivery_error() -> None:
    with pytest.raises(DeliveryError, match="recipient"):
        message_bytes(recipients=[])


# --- composing -------------------------------------------------------------------


def test_compose_renders_each_format_once_in_order() -> None:
    out = compose(sample_digest(), formats=("text", "html", "text", "atom"), unsubscribe_url=UNSUB)
    assert [r.format for r in out.renderings] == ["text", "html", "atom"]
    assert out.rendering("atom").media_type == "application/atom+xml"  # type: ignore[union-attr]
    assert out.rendering("markdown") is None
    assert out.subject == default_subject(sample_digest())
    with pytest.raises(RenderError):
        compose(sample_digest(), formats=("pdf",))


def test_default_subject_names_the_lead_story_and_the_rest() -> None:
    assert default_subject(sample_digest()) == (
        "occasional — alice: Sakurajima erupts, ash reaches Kagoshima and 2 more"
    )
    assert default_subject(quiet_digest()) == "occasional — alice: a quiet day"
    long = dataclasses.replace(sample_digest().items[0], headline="word " * 60)
    subject = default_subject(dataclasses.replace(sample_digest(), items=(long,), top=()))
    assert len(subject) <= 120 and subject.endswith("…")


# --- SMTP URLs -------------------------------------------------------------------


def test_smtp_url_fields_and_default_ports() -> None:
    target = parse_smtp_url(
        "smtp://me%40x.org:p%40ss@mail.x.org?to=a@x.org,b@y.org&to=c@z.org&starttls=1", env={}
    )
    assert (target.host, target.port, target.starttls, target.implicit_tls) == (
        "mail.x.org", 587, True, False
    )  # fmt: skip
    assert target.recipients == ("a@x.org", "b@y.org", "c@z.org")
    assert (target.username, target.password, target.sender) == ("me@x.org", "p@ss", "me@x.org")
    assert parse_smtp_url("smtps://h?to=a@x.org", env={}).port == 465
    assert parse_smtp_url("smtp://h?to=a@x.org", env={}).port == 25
    assert parse_smtp_url("smtp://h?to=a@x.org", env={}).starttls is None
    assert parse_smtp_url("smtp://h:2525?to=a@x.org&from=d@x.org", env={}).sender == "d@x.org"


def test_a_login_to_a_remote_host_requires_starttls_by_default() -> None:
    remote = parse_smtp_url("smtp://me:pw@mail.x.org?to=a@x.org", env={})
    assert (remote.starttls, remote.port) == (True, 587)
    assert parse_smtp_url("smtp://me:pw@mail.x.org?to=a@x.org&starttls=0", env={}).starttls is False
    assert parse_smtp_url("smtp://me:pw@127.0.0.1?to=a@x.org", env={}).starttls is None
    assert parse_smtp_url("smtp://mail.x.org?to=a@x.org", env={}).starttls is None


def test_smtp_password_may_come_from_the_environment() -> None:
    env = {"OCCASIONAL_SMTP_PASSWORD": "s3cret"}
    assert parse_smtp_url("smtp://me@h?to=a@x.org", env=env).password == "s3cret"
    assert parse_smtp_url("smtp://me:url@h?to=a@x.org", env=env).password == "url"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("smtp://h", "no recipient"),
        ("smtp:///?to=a@x.org", "no mail server"),
        ("smtp://h?to=a@x.org&starttls=maybe", "starttls"),
        ("smtp://h?to=a@x.org&timeout=-1", "timeout"),
        ("smtp://h:99999?to=a@x.org", "port"),
        ("smtp://h?to=nobody", "not an e-mail address"),
    ],
)
def test_bad_smtp_urls_say_what_is_wrong(url: str, problem: str) -> None:
    with pytest.raises(DeliveryError, match=problem):
        parse_smtp_url(url, env={})


def test_redact_hides_the_password_only() -> None:
    assert redact("smtp://me:hunter2@h:25?to=a@x.org") == "smtp://me:***@h:25?to=a@x.org"
    assert redact("file:///tmp/x.html") == "file:///tmp/x.html"


# --- registry --------------------------------------------------------------------


def test_deliverers_are_found_by_scheme() -> None:
    assert {"file", "smtp", "smtps"} <= set(delivery_schemes())
    assert isinstance(deliverer_for("SMTP://h?to=a@x.org"), SmtpDelivery)
    assert isinstance(deliverer_for("file:///tmp/digest.html"), FileDelivery)
    assert all(isinstance(deliverer_for(u), Delivery) for u in ("smtps://h?to=a@x.org", "file:/x"))
    with pytest.raises(DeliveryError, match="unknown scheme 'ftp'") as caught:
        deliverer_for("ftp://me:hunter2@h/x")
    assert "hunter2" not in str(caught.value)


# --- files -----------------------------------------------------------------------


def send(url: str, formats: tuple[str, ...] = ("html", "text")) -> None:
    asyncio.run(deliver(compose(sample_digest(), formats=formats), url))


def test_file_target_extension_picks_the_rendering(tmp_path: Path) -> None:
    send((tmp_path / "d.txt").as_uri())
    send((tmp_path / "sub" / "d.html").as_uri())
    assert (tmp_path / "d.txt").read_text(encoding="utf-8") == render(sample_digest(), "text")
    assert (tmp_path / "sub" / "d.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["d.html", "d.txt", "sub"]


def test_folder_target_writes_profile_and_date(tmp_path: Path) -> None:
    send(tmp_path.as_uri() + "/")
    send(tmp_path.as_uri() + "?format=markdown", formats=("html", "markdown"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice-2026-03-14.html",
                                                          "alice-2026-03-14.md"]  # fmt: skip


def test_file_target_without_a_fitting_rendering(tmp_path: Path) -> None:
    with pytest.raises(DeliveryError, match="no rendering fits"):
        send((tmp_path / "d.pdf").as_uri())
    with pytest.raises(DeliveryError, match="no rendering fits"):
        send(tmp_path.as_uri() + "/?format=json")


def test_unwritable_file_target_is_a_delivery_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(DeliveryError, match="cannot write"):
        send((tmp_path / "file" / "d.html").as_uri())
    with pytest.raises(DeliveryError, match="not a local file"):
        deliverer_for("file://remote.example.org/d.html")


def test_file_write_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "d.html"
    target.write_text("old", encoding="utf-8")
    send(target.as_uri())
    assert "Sakurajima" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["d.html"]
