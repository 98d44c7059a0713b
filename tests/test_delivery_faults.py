"""Delivery under faults, against a real SMTP server (aiosmtpd) on loopback.

A mail server that is down, that refuses a digest for good, or a ``digest
--send`` killed with SIGKILL at the worst moment: the digest is sent exactly
once, or kept unsent and retried (and a resend carries the same Message-ID,
so a mail client can recognise it); failed sends never pile up new digests.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from occasional import make_engine
from occasional.cli import cli
from occasional.core import Engine
from occasional.exceptions import DeliveryError
from test_deliver_smtp import free_port

pytestmark = pytest.mark.faults


class MailServer:
    """An aiosmtpd handler that keeps each message, and can answer, stall or refuse."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.reply = "250 OK"
        self.stall_after_storing = False
        self.stall_before_data = False
        self.stalled = threading.Event()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.stall_before_data:
            self.stall_before_data = False
            self.stalled.set()
            await asyncio.sleep(60)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply.startswith("250"):
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        if self.stall_after_storing:
            self.stall_after_storing = False
            self.stalled.set()
            await asyncio.sleep(60)  # the mail is stored; the client never hears so
        return self.reply

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def mail(port: int) -> Iterator[MailServer]:
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def home(polled_home: Path, tmp_path: Path, port: int) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(polled_home, copy)
    (copy / "profiles").mkdir()
    target = f"smtp://127.0.0.1:{port}?to=reader@example.org&from=digest@example.org"
    (copy / "profiles" / "mailed.toml").write_text(
        f'deliver = ["{target}"]\nmin_score = 0.0\n', encoding="utf-8"
    )
    return copy


def send_command(home: Path) -> list[str]:
    return [sys.executable, "-c", "from occasional.cli import main; main()",
            "--home", str(home), "digest", "--send", "--profile", "mailed"]  # fmt: skip


def run_send(home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(send_command(home), capture_output=True, text=True, timeout=120)


def kill_when(home: Path, event: threading.Event) -> None:
    """Start ``digest --send`` and SIGKILL it as soon as ``event`` is set."""
    process = subprocess.Popen(
        send_command(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert event.wait(timeout=120), "the send never reached the mail server"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL


def digests(home: Path) -> list[Any]:
    with make_engine(home=home) as engine:
        return engine.storage.digests("mailed", limit=100)


def integrity(home: Path) -> str:
    with sqlite3.connect(home / "occasional.sqlite") as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def test_failed_sends_retry_one_digest_instead_of_piling_up(home: Path, port: int) -> None:
    runner = CliRunner()
    args = ["--home", str(home), "digest", "--send", "--profile", "mailed"]
    for _ in range(3):  # nothing listens on the port yet
        failed = runner.invoke(cli, args)
        assert failed.exit_code == 1
        assert "will be sent again" in failed.stderr and "Traceback" not in failed.stderr
    assert len(digests(home)) == 1
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sent = runner.invoke(cli, args)
    finally:
        controller.stop()
    assert sent.exit_code == 0, sent.stderr
    assert len(handler.messages) == 1, "one mail when the server came back, not four"
    (only,) = digests(home)
    assert only.sent is not None and only.attempts == 4


def test_kill_after_the_server_stored_the_mail_resends_with_the_same_message_id(
    home: Path, mail: MailServer
) -> None:
    mail.stall_after_storing = True
    kill_when(home, mail.stalled)
    assert len(mail.messages) == 1
    (kept,) = digests(home)
    assert kept.sent is None, "the killed run never heard that the mail arrived"
    again = run_send(home)
    assert again.returncode == 0, again.stderr
    assert "instead of a new one" in again.stderr
    first, second = mail.message_ids()
    assert first == second, "a resend of one digest has its Message-ID"
    assert kept.id in first
    (sent,) = digests(home)
    assert sent.id == kept.id and sent.sent is not None
    assert integrity(home) == "ok"


def test_kill_before_the_mail_is_stored_sends_it_once_later(home: Path, mail: MailServer) -> None:
    mail.stall_before_data = True
    kill_when(home, mail.stalled)
    assert mail.messages == []
    again = run_send(home)
    assert again.returncode == 0, again.stderr
    assert len(mail.messages) == 1
    (sent,) = digests(home)
    assert sent.sent is not None and sent.id in mail.message_ids()[0]
    assert integrity(home) == "ok"


def mailed_engine(home: Path) -> Engine:
    return make_engine(home=home)


def test_a_permanent_refusal_is_given_up_after_a_bound(home: Path, mail: MailServer) -> None:
    mail.reply = "554 5.7.1 Message rejected as spam"
    with mailed_engine(home) as engine:
        digest = engine.digest("mailed")
        shown = [item.id for item in digest.items]
        for attempt in (1, 2):
            with pytest.raises(DeliveryError, match="will be sent again"):
                engine.send_digest(digest)
            assert engine.pending_digest("mailed") is not None, attempt
        with pytest.raises(DeliveryError, match="gave up") as caught:
            engine.send_digest(digest)
        assert "554" in str(caught.value) and f"--id {digest.id} --send" in str(caught.value)
        assert engine.pending_digest("mailed") is None
        (stored,) = engine.storage.digests("mailed")
        assert stored.given_up is not None and stored.attempts == 3
        again = engine.digest("mailed", keep=False)
        assert [item.id for item in again.items][:3] == shown[:3], "its stories were not used up"
    assert mail.messages == []


def test_a_temporary_refusal_is_retried_without_giving_up(home: Path, mail: MailServer) -> None:
    mail.reply = "451 4.3.0 Try again later"
    with mailed_engine(home) as engine:
        digest = engine.digest("mailed")
        for _ in range(5):
            with pytest.raises(DeliveryError, match="will be sent again"):
                engine.send_digest(digest)
        assert engine.pending_digest("mailed") is not None
        mail.reply = "250 OK"
        assert engine.retry_unsent() == []
        assert engine.pending_digest("mailed") is None
    assert len(mail.messages) == 1


def test_a_digest_shown_on_screen_is_not_mailed_later(home: Path, mail: MailServer) -> None:
    runner = CliRunner()
    shown = runner.invoke(
        cli, ["--home", str(home), "digest", "--profile", "mailed", "--format", "json"]
    )
    assert shown.exit_code == 0, shown.stderr
    sent = runner.invoke(cli, ["--home", str(home), "digest", "--send", "--profile", "mailed"])
    assert sent.exit_code == 0, sent.stderr
    assert "instead of a new one" not in sent.stderr
    (message_id,) = mail.message_ids()
    assert json.loads(shown.stdout)["id"] not in message_id
    with make_engine(home=home) as engine:
        assert engine.retry_unsent() == [] and len(mail.messages) == 1


class SlowMailServer(MailServer):
    """Takes its time over each message, so a kill lands anywhere in the exchange."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.random = random.Random(seed)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.random.uniform(0.0, 1.5))
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.random.uniform(0.0, 1.5))
        return answer


def test_repeated_kills_lose_no_digest_and_resend_only_as_the_same_mail(
    home: Path, port: int
) -> None:
    """``digest --send`` killed at random moments, again and again (OCCASIONAL_FAULT_KILLS
    times, 1 by default; BENCHMARKS.md reports a long run), then run to the end."""
    kills = int(os.environ.get("OCCASIONAL_FAULT_KILLS", "1"))
    seed = int(os.environ.get("OCCASIONAL_FAULT_SEED", "7"))
    pacing = random.Random(seed)
    handler = SlowMailServer(seed)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for _ in range(kills):
            process = subprocess.Popen(send_command(home), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)  # fmt: skip
            threading.Event().wait(pacing.uniform(1.0, 7.0))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
        for _ in range(3):  # a run that sends a pending digest builds no new one
            finished = run_send(home)
            assert finished.returncode == 0, finished.stderr
            with make_engine(home=home) as engine:
                if engine.pending_digest("mailed") is None:
                    break
    finally:
        controller.stop()
    assert integrity(home) == "ok"
    stored = digests(home)
    assert all(d.sent is not None for d in stored), "every kept digest was delivered in the end"
    by_id: dict[str, list[Any]] = {}
    for message in handler.messages:
        by_id.setdefault(str(message["Message-ID"]), []).append(message)
    assert sorted(by_id) == sorted(f"<digest.{d.id}@example.org>" for d in stored)
    for copies in by_id.values():
        assert len({str(m["Subject"]) for m in copies}) == 1, "a resend is the same digest"
    print(
        f"kills={kills} digests={len(stored)} mails={len(handler.messages)} "
        f"resent={len(handler.messages) - len(by_id)}"
    )
