"""Writing notifications into the outbox, inside the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.hooks import mark_outbox_written
from portal.db.outbox import OutboxMessage
from portal.domain.notifications.recipients import pick_locale

MESSAGE_ID_DOMAIN = "portal.local"
DRAIN_JOB = "notifications.drain_outbox"  # the arq job that delivers the outbox


def new_message_id() -> str:
    """A Message-ID fixed when the row is written, so a resend after a crash is recognisable."""
    return f"<{uuid.uuid4().hex}@{MESSAGE_ID_DOMAIN}>"


def queue_email(
    db: AsyncSession,
    *,
    template: str,
    recipient: str,
    locale: str | None,
    context: dict[str, Any],
    order_id: int | None = None,
) -> OutboxMessage:
    """``locale`` as recipients.py chooses it; without one the sender's DEFAULT_LOCALE applies."""
    message = OutboxMessage(
        template=template,
        recipient=recipient,
        locale=pick_locale(locale),
        context=context,
        order_id=order_id,
        message_id=new_message_id(),
    )
    db.add(message)
    mark_outbox_written(db)
    return message
