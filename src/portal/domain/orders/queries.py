"""Read models for order lists. Customer reads always go through :func:`for_account`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import Order, OrderLine


def for_account(account_id: int) -> Select[tuple[Order]]:
    """The one scoping helper: every customer-side order query starts here."""
    return select(Order).where(Order.account_id == account_id)


@dataclass(frozen=True)
class OrderRow:
    number: str
    status: str
    channel: str
    created_at: datetime
    submitted_at: datetime | None
    total: Decimal
    currency: str
    line_count: int


async def account_orders(
    db: AsyncSession, *, account_id: int, status: str | None, limit: int
) -> list[OrderRow]:
    lines = select(func.count(OrderLine.id)).where(OrderLine.order_id == Order.id).scalar_subquery()
    stmt = (
        for_account(account_id)
        .with_only_columns(
            Order.number,
            Order.status,
            Order.channel,
            Order.created_at,
            Order.submitted_at,
            Order.total,
            Order.currency,
            lines,
        )
        .where(Order.number.is_not(None))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    )
    if status:
        stmt = stmt.where(Order.status == status)
    return [OrderRow(*row) for row in (await db.execute(stmt)).all()]
