"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, on a free port.

    def test_x(smtp: SmtpServer) -> None:
        ... mail settings with host=smtp.host, port=smtp.port, security="none"
        smtp.wait_for(1)            # blocks until one message arrived (no fixed sleep)
        message = smtp.messages[0]  # an email.message.EmailMessage, parsed back

`smtp.refuse_all = True` makes it answer 421 (service not available) to every message, the
way a server in maintenance does; `smtp.hold` (a threading.Event, set by default) when
cleared keeps MAIL FROM waiting without an answer (`smtp.mail_started` is set when a sender
got there), for a sender to be killed mid-send: before the server has the message.
`smtp.stop()` / `smtp.start()` take the server down and up again on the same port.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_MAIL(  # noqa: N802
        self, smtp: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        import asyncio

        server = self.server
        server.mail_started.set()
        while not server.hold.is_set():  # held: no answer until released (or the client dies)
            await asyncio.sleep(0.01)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        server = self.server
        if server.refuse_all:
            return "421 4.3.2 Service not available, try again later"
        if any(rcpt in server.refuse_recipients for rcpt in envelope.rcpt_tos):
            return "550 5.1.1 No such user here"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with server.lock:
            server.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), parsed)  # type: ignore[arg-type]
            )
        return "250 2.0.0 OK: queued"


@dataclass
class SmtpServer:
    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    refuse_all: bool = False
    refuse_recipients: set[str] = field(default_factory=set)
    hold: threading.Event = field(default_factory=threading.Event)
    mail_started: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Controller | None = None

    def __post_init__(self) -> None:
        self.hold.set()

    def start(self) -> SmtpServer:
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]

    def wait_for(self, count: int, timeout: float = 20) -> list[EmailMessage]:
        """Wait until `count` messages arrived (fails after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.02)
        raise AssertionError(f"{len(self.messages)} message(s) received, {count} expected")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.hold.set()
        server.stop()
