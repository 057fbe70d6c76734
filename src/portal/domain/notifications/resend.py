"""Staff resend a notification: a new outbox row (new Message-ID), and an audit event on the order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import Order
from portal.db.outbox import OutboxMessage
from portal.domain.errors import NotFound
from portal.domain.notifications.outbox import queue_email
from portal.domain.orders import events
from portal.domain.orders.actors import Actor


async def resend(db: AsyncSession, actor: Actor, *, order_number: str, message_id: int) -> OutboxMessage:
    row = (
        await db.execute(
            select(OutboxMessage, Order)
            .join(Order, Order.id == OutboxMessage.order_id)
            .where(OutboxMessage.id == message_id, Order.number == order_number)
        )
    ).first()
    if row is None:
        raise NotFound()
    original, order = row
    copy = queue_email(
        db,
        template=original.template,
        recipient=original.recipient,
        locale=original.locale,
        context=original.context,
        order_id=order.id,
    )
    events.record(
        db,
        order,
        actor,
        events.EventKind.NOTIFICATION_RESENT,
        public=False,
        data={"outbox_id": original.id, "template": original.template, "recipient": original.recipient},
    )
    await db.flush()
    return copy
