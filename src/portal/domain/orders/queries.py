"""Read models for order lists, and the pieces every order list shares (search, dates, keyset pages).

Every read of orders goes through :func:`readable_orders`, which scopes by the actor (or, for a
hand-written hot read, :func:`readable_where`: the same scope as SQL text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    exists,
    func,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.orders import Order, OrderLine
from portal.domain import paging
from portal.domain.errors import NotFound
from portal.domain.orders.actors import Actor
from portal.domain.paging import LIKE_ESCAPE, Page

PAGE_SIZE = 20
MAX_ID = 2**63 - 1  # PostgreSQL bigint
ORDER = Order.__table__.c  # the list helpers use table columns: their statements run as plain Core
LINE = OrderLine.__table__.c


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


def newest_first(stmt: Select, *, cursor: tuple | None, limit: int | BindParameter) -> Select:
    """Placed orders only, newest first, after ``cursor`` (submitted_at, id: values or bind parameters)."""
    stmt = stmt.where(ORDER.number.is_not(None), ORDER.submitted_at.is_not(None))
    if cursor:
        stmt = stmt.where(tuple_(ORDER.submitted_at, ORDER.id) < tuple_(*cursor))
    return stmt.order_by(ORDER.submitted_at.desc(), ORDER.id.desc()).limit(limit)


def _day_start(day: date) -> datetime | None:
    """Midnight of a business day as a UTC instant; None for a day at the ends of the calendar."""
    try:
        return datetime.combine(day, time.min, clock.BUSINESS_TZ).astimezone(UTC)
    except OverflowError:
        return None


def day_bounds(from_date: date | None, to_date: date | None) -> tuple[datetime | None, datetime | None]:
    """(first instant, instant after the last) of business days ``from_date`` to ``to_date``; None
    for an open end (no day given, or a day at the ends of the calendar)."""
    start = _day_start(from_date) if from_date else None
    end = _day_start(to_date + timedelta(days=1)) if to_date and to_date < date.max else None
    return start, end


def submitted_between(stmt: Select, from_date: date | None, to_date: date | None) -> Select:
    """Orders placed on business days ``from_date`` to ``to_date``, both included."""
    start, end = day_bounds(from_date, to_date)
    if start:
        stmt = stmt.where(ORDER.submitted_at >= start)
    if end:
        stmt = stmt.where(ORDER.submitted_at < end)
    return stmt


def number_or_sku(pattern: str | BindParameter) -> list[ColumnElement[bool]]:
    """Conditions matching an order whose number or one of whose SKUs contains ``pattern``."""
    by_sku = exists().where(LINE.order_id == ORDER.id, func.lower(LINE.sku).like(pattern, escape=LIKE_ESCAPE))
    return [func.lower(ORDER.number).like(pattern, escape=LIKE_ESCAPE), by_sku]


def as_id(raw: str | None) -> int | None:
    """A database id typed in a URL; anything else (words, signs, beyond bigint) is no id."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 19) or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def assignee_value(assignee: str | None, *, me: int) -> dict[str, object]:
    """The assignee filter as a bind value: ``assignee_id`` for "me" or a staff id, ``unassigned``
    for "none"; nothing for anything else (anyone)."""
    if assignee == "me":
        return {"assignee_id": me}
    if assignee == "none":
        return {"unassigned": True}
    if (staff_id := as_id(assignee)) is not None:
        return {"assignee_id": staff_id}
    return {}


def assigned_to(stmt: Select, given: frozenset[str] | set[str]) -> Select:
    """``stmt`` narrowed by the assignee filter ``assignee_value`` gave (by the names ``given``)."""
    if "assignee_id" in given:
        return stmt.where(ORDER.assignee_staff_id == bindparam("assignee_id", type_=BigInteger))
    if "unassigned" in given:
        return stmt.where(ORDER.assignee_staff_id.is_(None))
    return stmt


async def customer_orders(
    db: AsyncSession, actor: Actor, *, filters: OrderFilter, limit: int = PAGE_SIZE
) -> Page[OrderRow]:
    """One page of the orders this actor may read, newest first, in a single statement."""
    return await _order_rows(db, actor, filters=filters, limit=limit)


async def account_history(db: AsyncSession, actor: Actor, *, account_id: int, limit: int) -> Page[OrderRow]:
    """The newest placed orders of one account, as a staff member reads them beside an order."""
    return await _order_rows(db, actor, filters=OrderFilter(), limit=limit, account_id=account_id)


@cache
def _rows_statement(scope: str, given: frozenset[str]) -> Select:
    """The list statement for one scope and one shape of filter (the names of the values ``given``:
    account_id, status, pattern, since, until, after_at and after_id), values as bind parameters.

    Built once per shape and process: building it per request cost more CPU than running it. Table
    columns, not ORM attributes, so it executes as plain Core.
    """
    lines = select(func.count(LINE.id)).where(LINE.order_id == ORDER.id).scalar_subquery()
    stmt = select(
        ORDER.id, ORDER.number, ORDER.status, ORDER.channel, ORDER.submitted_at, ORDER.requested_delivery_date,
        ORDER.promised_delivery_date, ORDER.total, ORDER.currency, lines,
    ).where(text(scope))  # fmt: skip
    if "account_id" in given:
        stmt = stmt.where(ORDER.account_id == bindparam("account_id"))
    if "status" in given:
        stmt = stmt.where(ORDER.status == bindparam("status"))
    if "pattern" in given:
        stmt = stmt.where(or_(*number_or_sku(bindparam("pattern", type_=String))))
    if "since" in given:
        stmt = stmt.where(ORDER.submitted_at >= bindparam("since"))
    if "until" in given:
        stmt = stmt.where(ORDER.submitted_at < bindparam("until"))
    cursor = (bindparam("after_at", type_=ORDER.submitted_at.type), bindparam("after_id", type_=BigInteger))
    after = cursor if "after_at" in given else None
    return newest_first(stmt, cursor=after, limit=bindparam("limit", type_=Integer))


async def _order_rows(
    db: AsyncSession, actor: Actor, *, filters: OrderFilter, limit: int, account_id: int | None = None
) -> Page[OrderRow]:
    scope, params = readable_where(actor, "orders")
    since, until = day_bounds(filters.from_date, filters.to_date)
    cursor = decode_cursor(filters.after)
    q = filters.q.strip()
    values = {
        "account_id": account_id, "status": filters.status or None, "pattern": paging.like(q) if q else None,
        "since": since, "until": until, "after_at": cursor[0] if cursor else None,
        "after_id": cursor[1] if cursor else None,
    }  # fmt: skip
    given = {k: v for k, v in values.items() if v is not None}
    stmt = _rows_statement(scope, frozenset(given))
    result = await db.execute(stmt, {**params, **given, "limit": limit + 1})
    rows = [OrderRow(*r) for r in result.all()]
    return paging.page_of(rows, limit, order_cursor)
