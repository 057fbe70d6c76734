"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, for tests."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from portal.embedded import free_port


@dataclass
class Sink:
    messages: list[EmailMessage] = field(default_factory=list)
    # refuse(rcpt) -> None to accept, or an SMTP reply such as "550 no such user"
    refuse: Callable[[str], str | None] = lambda rcpt: None
    # called in RCPT, before the message body is sent: a hook for "crash mid-batch" tests
    on_rcpt: Callable[[str], None] = lambda rcpt: None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        self.on_rcpt(address)
        reply = self.refuse(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} e-mails, the sink has {len(self.messages)}")


def start_sink() -> tuple[Sink, Controller, str]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller, f"smtp://127.0.0.1:{port}"


def body_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
