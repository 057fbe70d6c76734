"""Read models for order lists. Customer reads always go through :func:`for_account`."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.orders import Order, OrderLine

PAGE_SIZE = 20


def for_account(account_id: int) -> Select[tuple[Order]]:
    """The one scoping helper: every customer-side order query starts here."""
    return select(Order).where(Order.account_id == account_id)


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    status: str
    channel: str
    submitted_at: datetime | None
    requested_delivery_date: date | None
    promised_delivery_date: date | None
    total: Decimal
    currency: str
    line_count: int


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None
    q: str = ""
    from_date: date | None = None
    to_date: date | None = None
    after: str | None = None  # keyset cursor: the last row of the previous page


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderRow]
    next_after: str | None


def encode_cursor(row: OrderRow) -> str:
    raw = f"{row.submitted_at.isoformat() if row.submitted_at else ''}|{row.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        stamp, _, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        when, number = clock.parse_instant(stamp), int(ident)
    except (ValueError, UnicodeDecodeError):
        return None
    if not 0 < number < 2**63:  # a crafted cursor is simply ignored
        return None
    return when, number


def _like(q: str) -> str:
    return "%" + q.lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"


def _filtered(stmt: Select, f: OrderFilter) -> Select:
    if f.status:
        stmt = stmt.where(Order.status == f.status)
    if f.q:
        pattern = _like(f.q.strip())
        by_sku = exists().where(OrderLine.order_id == Order.id, func.lower(OrderLine.sku).like(pattern))
        stmt = stmt.where(or_(func.lower(Order.number).like(pattern), by_sku))
    if f.from_date:
        stmt = stmt.where(Order.submitted_at >= datetime.combine(f.from_date, time.min, clock.BUSINESS_TZ))
    if f.to_date:
        stmt = stmt.where(
            Order.submitted_at < datetime.combine(f.to_date + timedelta(days=1), time.min, clock.BUSINESS_TZ)
        )
    if cursor := decode_cursor(f.after):
        stmt = stmt.where(tuple_(Order.submitted_at, Order.id) < tuple_(*cursor))
    return stmt


async def account_orders(
    db: AsyncSession, *, account_id: int, filters: OrderFilter, limit: int = PAGE_SIZE
) -> OrderPage:
    """One page of the account's placed orders, newest first, in a single statement."""
    lines = select(func.count(OrderLine.id)).where(OrderLine.order_id == Order.id).scalar_subquery()
    stmt = (
        for_account(account_id)
        .with_only_columns(
            Order.id,
            Order.number,
            Order.status,
            Order.channel,
            Order.submitted_at,
            Order.requested_delivery_date,
            Order.promised_delivery_date,
            Order.total,
            Order.currency,
            lines,
        )
        .where(and_(Order.number.is_not(None), Order.submitted_at.is_not(None)))
        .order_by(Order.submitted_at.desc(), Order.id.desc())
        .limit(limit + 1)
    )
    rows = [OrderRow(*r) for r in (await db.execute(_filtered(stmt, filters))).all()]
    more = len(rows) > limit
    rows = rows[:limit]
    return OrderPage(rows=rows, next_after=encode_cursor(rows[-1]) if more and rows else None)
