"""Delivering the outbox: claim with FOR UPDATE SKIP LOCKED, render, send, record — one commit per message.

A batch of pending rows is locked; each message is sent and marked in its own commit,
then the rest of the batch is locked again (rows another worker took meanwhile are
skipped). A worker killed mid-batch therefore loses only its current message's lock:
it was either marked sent (not sent again) or is still pending (sent by the next drain).
The one unavoidable gap is a crash between the SMTP server's "250 OK" and our commit,
a few milliseconds; the stable Message-ID lets a receiving system spot such a resend.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from portal import clock
from portal.db.outbox import OutboxMessage
from portal.domain.notifications.mailer import DevMailbox, PermanentFailure, SmtpMailer
from portal.domain.notifications.render import EmailRenderer

log = logging.getLogger("portal.outbox")
MAX_ATTEMPTS = 8
MAX_AGE = timedelta(hours=72)  # a message fails for good only after 8 attempts AND three days
BATCH_SIZE = 50
TIME_BUDGET = 40.0  # seconds: a drain stops taking new messages well inside the job's 60 s timeout


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 1 hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


async def _lock(db: AsyncSession, ids: Sequence[int] | None, limit: int) -> list[OutboxMessage]:
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= clock.now())
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    return list((await db.scalars(stmt)).all())


async def _deliver_one(
    message: OutboxMessage, mailer: SmtpMailer | DevMailbox, renderer: EmailRenderer, result: DrainResult
) -> None:
    message.attempts += 1
    message.locale = message.locale or renderer.default_locale  # the language it was written in, for staff
    try:
        rendered = renderer.render(message.template, locale=message.locale, context=message.context)
        message.subject, message.body_text, message.body_html = rendered.subject, rendered.text, rendered.html
        await mailer.send(recipient=message.recipient, message_id=message.message_id, rendered=rendered)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        too_old = message.attempts >= MAX_ATTEMPTS and clock.now() - message.created_at > MAX_AGE
        if isinstance(exc, PermanentFailure) or too_old:
            message.status = "failed"
            result.failed += 1
            log.warning("outbox %s failed for good: %s", message.id, message.last_error)
        else:
            message.next_attempt_at = clock.now() + backoff(message.attempts)
            result.retried += 1
        return
    message.status, message.sent_at, message.transport, message.last_error = (
        "sent",
        clock.now(),
        mailer.transport,
        "",
    )
    result.sent += 1


async def drain(
    sessionmaker: async_sessionmaker[AsyncSession],
    mailer: SmtpMailer | DevMailbox,
    renderer: EmailRenderer,
    *,
    batch_size: int = BATCH_SIZE,
    max_batches: int = 20,
) -> DrainResult:
    """Send what is due; returns counts. Safe to run in any number of workers at once."""
    result = DrainResult()
    deadline = time.monotonic() + TIME_BUDGET
    for _ in range(max_batches):
        async with sessionmaker() as db:
            locked = await _lock(db, None, batch_size)
            claimed = len(locked)
            while locked and time.monotonic() < deadline:
                await _deliver_one(locked[0], mailer, renderer, result)
                await db.commit()  # this message is durable; the commit released the other locks
                rest = [m.id for m in locked[1:]]
                locked = await _lock(db, rest, len(rest)) if rest else []
            await db.commit()
        if claimed < batch_size or time.monotonic() >= deadline:
            break  # the rest waits for the next drain or the sweeper
    return result
