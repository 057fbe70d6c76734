"""The review queue: urgent first, then key accounts, then oldest; filtered, keyset-paginated, one statement."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock, numbers
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.db.staff import StaffUser
from portal.domain.orders import staff_list
from portal.domain.orders.queries import assigned
from portal.domain.settings import config

PAGE_SIZE = 25


@dataclass(frozen=True)
class ReviewFilter:
    state: str = "submitted"
    customer: int | None = None
    channel: str | None = None
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    assignee: str | None = None  # a staff id, "me" or "none"
    after: str | None = None


@dataclass(frozen=True)
class QueueRow:
    id: int
    number: str
    status: str
    version: int
    priority: str
    channel: str
    total: Decimal
    currency: str
    submitted_at: datetime
    account_id: int
    account_name: str
    is_key_account: bool
    assignee_id: int | None
    assignee_name: str | None
    age: timedelta
    sla_state: str  # ok | due_soon | breached


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_after: str | None


_URGENT = case((Order.priority == "urgent", 0), else_=1)
_KEY = case((CustomerAccount.is_key_account.is_(True), 0), else_=1)


def _cursor(row: QueueRow) -> str:
    raw = [
        0 if row.priority == "urgent" else 1,
        0 if row.is_key_account else 1,
        row.submitted_at.isoformat(),
        row.id,
    ]
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()


def _decode(cursor: str | None) -> tuple | None:
    """The position a cursor names; a crafted or mangled one is ignored (the first page)."""
    if not cursor or len(cursor) > 400:
        return None
    try:
        u, k, stamp, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        when = clock.parse_instant(stamp)
    except (ValueError, TypeError, AttributeError):
        return None
    number = numbers.ident(str(ident))
    if u not in (0, 1) or k not in (0, 1) or number is None or when.tzinfo is None:
        return None
    return u, k, when, number


def sla_state(age: timedelta, sla_hours: int) -> str:
    limit = timedelta(hours=sla_hours)
    return "breached" if age > limit else ("due_soon" if age > limit * 0.75 else "ok")


def _filters(stmt, f: ReviewFilter, me: int):  # noqa: ANN001, ANN202
    stmt = stmt.where(Order.status == f.state)
    if f.customer:
        stmt = stmt.where(Order.account_id == f.customer)
    if f.channel:
        stmt = stmt.where(Order.channel == f.channel)
    if f.min_total is not None:
        stmt = stmt.where(Order.total >= f.min_total)
    if f.max_total is not None:
        stmt = stmt.where(Order.total <= f.max_total)
    stmt = assigned(stmt, f.assignee, me=me)
    if cursor := _decode(f.after):
        stmt = stmt.where(tuple_(_URGENT, _KEY, Order.submitted_at, Order.id) > tuple_(*cursor))
    return stmt


async def review_queue(
    db: AsyncSession, f: ReviewFilter, *, me: int, sla_hours: int, limit: int = PAGE_SIZE
) -> QueuePage:
    stmt = (
        select(
            Order.id,
            Order.number,
            Order.status,
            Order.version,
            Order.priority,
            Order.channel,
            Order.total,
            Order.currency,
            func.coalesce(Order.review_started_at, Order.submitted_at),
            CustomerAccount.id,
            CustomerAccount.name,
            CustomerAccount.is_key_account,
            Order.assignee_staff_id,
            StaffUser.name,
        )
        .join(CustomerAccount, CustomerAccount.id == Order.account_id)
        .outerjoin(StaffUser, StaffUser.id == Order.assignee_staff_id)
        .where(Order.submitted_at.is_not(None))
        .order_by(_URGENT, _KEY, Order.submitted_at, Order.id)
        .limit(limit + 1)
    )
    now = clock.now()
    rows = []
    for r in (await db.execute(_filters(stmt, f, me))).all():
        age = now - r[8]
        rows.append(QueueRow(*r, age=age, sla_state=sla_state(age, sla_hours)))
    more = len(rows) > limit
    rows = rows[:limit]
    return QueuePage(rows=rows, next_after=_cursor(rows[-1]) if more and rows else None)


@dataclass(frozen=True)
class ReviewPage:
    result: QueuePage
    customers: list[tuple[int, str]]
    staff_members: list
    sla_hours: int


async def review_page(db: AsyncSession, f: ReviewFilter, *, me: int) -> ReviewPage:
    """The review queue page: one page of the queue and the choices of its filters."""
    settings = await config.load(db)
    return ReviewPage(
        result=await review_queue(db, f, me=me, sla_hours=settings.review_sla_hours),
        customers=await staff_list.customer_choices(db, with_orders_in=f.state),
        staff_members=await staff_list.staff_choices(db),
        sla_hours=settings.review_sla_hours,
    )
