"""Read models for order lists, and the pieces every order list shares (search, dates, keyset pages).

Every read of orders goes through :func:`readable_orders`, which scopes by the actor (or, for a
hand-written hot read, :func:`readable_where`: the same scope as SQL text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.orders import Order, OrderLine
from portal.domain import paging
from portal.domain.errors import NotFound
from portal.domain.orders.actors import Actor
from portal.domain.paging import LIKE_ESCAPE, Page

PAGE_SIZE = 20
MAX_ID = 2**63 - 1  # PostgreSQL bigint


def readable_orders(actor: Actor) -> Select[tuple[Order]]:
    """The one scoping helper: the orders this actor may read (a customer: their own account's only)."""
    if actor.kind == "customer":
        if actor.account_id is None:
            raise NotFound()
        return select(Order).where(Order.account_id == actor.account_id)
    if actor.kind in ("staff", "system"):
        return select(Order)
    raise NotFound()


def readable_where(actor: Actor, alias: str) -> tuple[str, dict[str, object]]:
    """The scope of :func:`readable_orders` as SQL text, for the hand-written hot reads.

    Returns (condition on the orders table named ``alias``, its bind parameters); the same rule and
    the same refusals: a customer's own account only (none without an account), everything for
    staff and system, NotFound for anyone else.
    """
    if actor.kind == "customer":
        if actor.account_id is None:
            raise NotFound()
        return f"{alias}.account_id = :readable_account_id", {"readable_account_id": actor.account_id}
    if actor.kind in ("staff", "system"):
        return "true", {}
    raise NotFound()


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


def order_cursor(row: OrderRow) -> str:
    """The cursor naming a row of a newest-first order list (any row with submitted_at and id)."""
    return paging.encode_cursor(row.submitted_at.isoformat(), row.id)


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """(submitted_at, id) of a cursor; a crafted or mangled one is simply ignored."""
    found = paging.decode_cursor(cursor)
    if found is None:
        return None
    stamp, ident = found
    try:
        when = clock.parse_instant(stamp)
    except ValueError:
        return None
    if not 0 < ident <= MAX_ID:
        return None
    return when, ident


def placed_newest_first(stmt: Select, *, after: str | None, limit: int) -> Select:
    """Placed orders only, newest first, after the cursor; one row more than a page tells if more exist."""
    stmt = stmt.where(Order.number.is_not(None), Order.submitted_at.is_not(None))
    if cursor := decode_cursor(after):
        stmt = stmt.where(tuple_(Order.submitted_at, Order.id) < tuple_(*cursor))
    return stmt.order_by(Order.submitted_at.desc(), Order.id.desc()).limit(limit + 1)


def _day_start(day: date) -> datetime | None:
    """Midnight of a business day as a UTC instant; None for a day at the ends of the calendar."""
    try:
        return datetime.combine(day, time.min, clock.BUSINESS_TZ).astimezone(UTC)
    except OverflowError:
        return None


def submitted_between(stmt: Select, from_date: date | None, to_date: date | None) -> Select:
    """Orders placed on business days ``from_date`` to ``to_date``, both included."""
    if from_date and (start := _day_start(from_date)):
        stmt = stmt.where(Order.submitted_at >= start)
    if to_date and to_date < date.max and (end := _day_start(to_date + timedelta(days=1))):
        stmt = stmt.where(Order.submitted_at < end)
    return stmt


def number_or_sku(pattern: str) -> list[ColumnElement[bool]]:
    """Conditions matching an order whose number or one of whose SKUs contains ``pattern``."""
    by_sku = exists().where(
        OrderLine.order_id == Order.id, func.lower(OrderLine.sku).like(pattern, escape=LIKE_ESCAPE)
    )
    return [func.lower(Order.number).like(pattern, escape=LIKE_ESCAPE), by_sku]


def as_id(raw: str | None) -> int | None:
    """A database id typed in a URL; anything else (words, signs, beyond bigint) is no id."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 19) or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def assigned(stmt: Select, assignee: str | None, *, me: int) -> Select:
    """Orders assigned to ``me`` ("me"), to nobody ("none"), or to the staff member with that id."""
    if assignee == "me":
        return stmt.where(Order.assignee_staff_id == me)
    if assignee == "none":
        return stmt.where(Order.assignee_staff_id.is_(None))
    if (staff_id := as_id(assignee)) is not None:
        return stmt.where(Order.assignee_staff_id == staff_id)
    return stmt


def _filtered(stmt: Select, f: OrderFilter) -> Select:
    if f.status:
        stmt = stmt.where(Order.status == f.status)
    if f.q.strip():
        stmt = stmt.where(or_(*number_or_sku(paging.like(f.q))))
    return submitted_between(stmt, f.from_date, f.to_date)


async def customer_orders(
    db: AsyncSession, actor: Actor, *, filters: OrderFilter, limit: int = PAGE_SIZE
) -> Page[OrderRow]:
    """One page of the orders this actor may read, newest first, in a single statement."""
    return await _order_rows(db, readable_orders(actor), filters=filters, limit=limit)


async def account_history(db: AsyncSession, actor: Actor, *, account_id: int, limit: int) -> Page[OrderRow]:
    """The newest placed orders of one account, as a staff member reads them beside an order."""
    stmt = readable_orders(actor).where(Order.account_id == account_id)
    return await _order_rows(db, stmt, filters=OrderFilter(), limit=limit)


async def _order_rows(db: AsyncSession, base: Select, *, filters: OrderFilter, limit: int) -> Page[OrderRow]:
    lines = select(func.count(OrderLine.id)).where(OrderLine.order_id == Order.id).scalar_subquery()
    stmt = base.with_only_columns(
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
    stmt = placed_newest_first(_filtered(stmt, filters), after=filters.after, limit=limit)
    rows = [OrderRow(*r) for r in (await db.execute(stmt)).all()]
    return paging.page_of(rows, limit, order_cursor)
