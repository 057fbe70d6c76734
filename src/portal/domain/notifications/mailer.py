"""Sending rendered e-mail: over SMTP (SMTP_URL), or into the dev mailbox when none is configured."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import unquote, urlparse

import aiosmtplib


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): retrying will not help."""


class SmtpMailer:
    """``smtp://[user:pass@]host[:port]`` (STARTTLS if offered), ``smtps://`` for implicit TLS."""

    transport = "smtp"

    def __init__(self, url: str, *, sender: str, timeout: float = 15.0) -> None:
        parsed = urlparse(url)
        self.host = parsed.hostname or "127.0.0.1"
        self.implicit_tls = parsed.scheme == "smtps"
        self.port = parsed.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.sender = sender
        self.timeout = timeout

    def build(self, *, recipient: str, message_id: str, rendered: Rendered) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = recipient
        msg["Subject"] = rendered.subject
        msg["Message-ID"] = message_id
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(rendered.text)
        if rendered.html:
            msg.add_alternative(rendered.html, subtype="html")
        return msg

    async def send(self, *, recipient: str, message_id: str, rendered: Rendered) -> None:
        msg = self.build(recipient=recipient, message_id=message_id, rendered=rendered)
        try:
            await aiosmtplib.send(
                msg,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.implicit_tls,
                start_tls=None,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            if all(500 <= r.code < 600 for r in exc.recipients):
                raise PermanentFailure("; ".join(f"{r.code} {r.message}" for r in exc.recipients)) from exc
            raise
        except aiosmtplib.SMTPResponseException as exc:
            if 500 <= exc.code < 600:
                raise PermanentFailure(f"{exc.code} {exc.message}") from exc
            raise


class DevMailbox:
    """Development without SMTP: the rendered message stays on its outbox row, shown at /dev/mailbox."""

    transport = "mailbox"

    async def send(self, *, recipient: str, message_id: str, rendered: Rendered) -> None:
        return None


def make_mailer(*, smtp_url: str, sender: str) -> SmtpMailer | DevMailbox:
    return SmtpMailer(smtp_url, sender=sender) if smtp_url else DevMailbox()
