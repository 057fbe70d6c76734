"""View models of one order for the order pages: plain data, loaded in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.orders import Order, OrderEvent
from portal.db.outbox import OutboxMessage
from portal.domain.errors import NotFound
from portal.domain.orders.actors import Actor
from portal.domain.orders.queries import readable_orders


@dataclass(frozen=True)
class LineView:
    id: int
    sku: str
    name_zh: str
    name_en: str
    specs: dict[str, Any]
    labels: dict[str, Any]
    quantity: int
    unit: str
    unit_price: Decimal
    line_total: Decimal


@dataclass(frozen=True)
class OrderView:
    id: int
    number: str
    status: str
    version: int
    channel: str
    priority: str
    account_id: int
    account_name: str
    is_key_account: bool
    contact_name: str
    currency: str
    subtotal: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    shipping_fee: Decimal
    total: Decimal
    payment_terms: str
    payment_days: int
    requested_delivery_date: date | None
    promised_delivery_date: date | None
    shipping_address: dict[str, Any] | None
    invoice_title: str
    tax_id: str
    special_requirements: str
    submitted_at: datetime | None
    lines: list[LineView]
    replaces: str | None = None  # a replacement order: the number of the order it replaces
    replacements: tuple[str, ...] = ()  # the replacement orders sent for this one


@dataclass(frozen=True)
class NotificationView:
    id: int
    template: str
    recipient: str
    locale: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    subject: str


def _view(order: Order, account: CustomerAccount, contact_name: str | None) -> OrderView:
    lines = [
        LineView(
            line.id,
            line.sku,
            line.name_zh,
            line.name_en,
            line.specs,
            line.labels or {},
            line.quantity,
            line.unit,
            line.unit_price,
            line.line_total,
        )
        for line in order.lines
    ]
    return OrderView(
        id=order.id,
        number=order.number or "",
        status=order.status,
        version=order.version,
        channel=order.channel,
        priority=order.priority,
        account_id=account.id,
        account_name=account.name,
        is_key_account=account.is_key_account,
        contact_name=contact_name or "",
        currency=order.currency,
        subtotal=order.subtotal,
        tax_rate=order.tax_rate,
        tax_amount=order.tax_amount,
        shipping_fee=order.shipping_fee,
        total=order.total,
        payment_terms=order.payment_terms,
        payment_days=order.payment_days,
        requested_delivery_date=order.requested_delivery_date,
        promised_delivery_date=order.promised_delivery_date,
        shipping_address=order.shipping_address,
        invoice_title=order.invoice_title,
        tax_id=order.tax_id,
        special_requirements=order.special_requirements,
        submitted_at=order.submitted_at,
        lines=lines,
    )


async def order_detail(db: AsyncSession, actor: Actor, *, number: str) -> tuple[OrderView, list[OrderEvent]]:
    """The order and its events, if this actor may read it (another account's order: NotFound)."""
    stmt = (
        readable_orders(actor)
        .add_columns(CustomerAccount, CustomerUser.name)
        .join(CustomerAccount, CustomerAccount.id == Order.account_id)
        .outerjoin(CustomerUser, CustomerUser.id == Order.contact_user_id)
        .where(Order.number == number)
        .options(selectinload(Order.lines))
    )
    row = (await db.execute(stmt)).first()
    if row is None:
        raise NotFound()
    order, account, contact_name = row
    events = (
        await db.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id))
    ).all()
    return _view(order, account, contact_name), list(events)


async def order_notifications(db: AsyncSession, order_id: int) -> list[NotificationView]:
    rows = await db.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.template,
            OutboxMessage.recipient,
            OutboxMessage.locale,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
            OutboxMessage.subject,
        )
        .where(OutboxMessage.order_id == order_id)
        .order_by(OutboxMessage.id.desc())
    )
    return [NotificationView(*r) for r in rows]
