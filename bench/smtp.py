"""SMTP sending speed: our delivery (aiosmtplib) against the standard library's smtplib.

    python bench/smtp.py [--messages 200] [--concurrency 10]

Both build and send the same digest e-mail (HTML + text) to an aiosmtpd
server on 127.0.0.1, one connection per message as a digest run does; the
server runs in the same process, so it shares the CPU with the senders. smtplib sends
one after another (the anchor); ours is measured sequentially and with
``--concurrency`` sends in flight. Wall-clock messages per second.
"""

from __future__ import annotations

import argparse
import asyncio
import smtplib
import socket
import time
import warnings
from email.message import EmailMessage
from typing import Any

from occasional.deliver import SmtpDelivery, build_message, compose, parse_smtp_url

warnings.filterwarnings("ignore", category=DeprecationWarning)
from aiosmtpd.controller import Controller  # noqa: E402 - after the warning filter

from render import DIGEST, OPTIONS  # noqa: E402 - the benchmark's shared digest


class _Sink:
    count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _smtplib(port: int, n: int, delivery: SmtpDelivery) -> float:
    start = time.perf_counter()
    for _ in range(n):
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(_message(delivery))  # built per send, as ours does
    return n / (time.perf_counter() - start)


async def _ours(delivery: SmtpDelivery, n: int, concurrency: int) -> float:
    outgoing = compose(DIGEST, options=OPTIONS)
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await delivery.send(outgoing)

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    sink, port = _Sink(), _port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        url = f"smtp://127.0.0.1:{port}?to=me@x.org&from=d@x.org&starttls=0"
        delivery = SmtpDelivery(parse_smtp_url(url, env={}))
        anchor = _smtplib(port, args.messages, delivery)
        sequential = asyncio.run(_ours(delivery, args.messages, 1))
        concurrent = asyncio.run(_ours(delivery, args.messages, args.concurrency))
    finally:
        controller.stop()
    print(f"{args.messages} digest e-mails to aiosmtpd on 127.0.0.1, messages per second")
    print(f"{'sender':<34} {'msg/s':>8} {'ratio':>7}")
    print(f"{'smtplib, sequential (anchor)':<34} {anchor:>8.0f} {1:>6.2f}×")
    print(f"{'ours, sequential':<34} {sequential:>8.0f} {sequential / anchor:>6.2f}×")
    label = f"ours, {args.concurrency} in flight"
    print(f"{label:<34} {concurrent:>8.0f} {concurrent / anchor:>6.2f}×")
    print(f"server received {sink.count} messages")


def _message(delivery: SmtpDelivery) -> EmailMessage:
    outgoing = compose(DIGEST, options=OPTIONS)
    html, text = outgoing.rendering("html"), outgoing.rendering("text")
    assert html and text
    t = delivery.target
    return build_message(DIGEST, html.body, text.body, t.sender, t.recipients, "x")


if __name__ == "__main__":
    main()
