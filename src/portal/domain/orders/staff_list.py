"""The staff order list: every placed order, searched and filtered, each role's work by default.

Newest first in keyset pages; one statement per page, however long the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import CustomerAccount
from portal.db.fulfilment import Shipment
from portal.db.orders import Order
from portal.db.staff import StaffUser
from portal.domain import paging
from portal.domain.orders import queries, states
from portal.domain.orders.states import OrderState
from portal.domain.paging import LIKE_ESCAPE, Page

S = OrderState
PAGE_SIZE = 25
ALL = "all"
# the states each role works on: its view when it opens the list
ROLE_VIEWS: dict[str, tuple[OrderState, ...]] = {
    "sales": states.BEFORE_CONFIRMED,
    "reviewer": (S.SUBMITTED,),
    "approver": (S.AWAITING_APPROVAL,),
    "production": states.TO_PRODUCE,
    "logistics": states.TO_SHIP,
    "finance": states.RECEIVED,
    "aftersales": states.FULLY_SHIPPED,
}
LISTED_STATES = states.PLACED  # a cart is not an order yet


@dataclass(frozen=True)
class StaffOrderFilter:
    view: str = ""  # "" the roles' own view, "all", or states joined by commas
    states: tuple[str, ...] = ()  # the states shown; empty: every state
    q: str = ""
    channel: str | None = None
    customer: int | None = None
    assignee: str | None = None  # a staff id, "me" or "none"
    from_date: date | None = None
    to_date: date | None = None
    after: str | None = None


@dataclass(frozen=True)
class StaffOrderRow:
    id: int
    number: str
    status: str
    channel: str
    priority: str
    submitted_at: datetime
    account_id: int
    account_name: str
    total: Decimal
    currency: str
    delivery_date: date | None
    assignee_name: str | None


def role_view(roles: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The states the roles work on, in lifecycle order; admin sees every state (empty)."""
    if "admin" in roles:
        return ()
    wanted = {s for r in roles for s in ROLE_VIEWS.get(r, ())}
    return tuple(s.value for s in LISTED_STATES if s in wanted)


def parse_view(raw: str | None, roles: list[str] | tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The view a ``state`` parameter asks for: (its key, its states); anything unknown is the roles' view."""
    raw = (raw or "").strip()
    if raw == ALL:
        return ALL, ()
    asked = set(raw.split(",")) if raw else set()
    states = tuple(s.value for s in LISTED_STATES if s.value in asked)
    return (",".join(states), states) if states else ("", role_view(roles))


def view_url(states: tuple[str, ...] | tuple[OrderState, ...]) -> str:
    """The list showing orders in these states (what a dashboard tile links to)."""
    return "/staff/orders?state=" + ",".join(str(s) for s in states)


def _search(stmt: Select, q: str) -> Select:
    """Order number, SKU, customer name or tax ID, or tracking number containing ``q``."""
    pattern = paging.like(q)
    by_tracking = exists().where(
        Shipment.order_id == Order.id,
        func.lower(Shipment.tracking_number).like(pattern, escape=LIKE_ESCAPE),
    )
    return stmt.where(
        or_(
            *queries.number_or_sku(pattern),
            func.lower(CustomerAccount.name).like(pattern, escape=LIKE_ESCAPE),
            func.lower(CustomerAccount.tax_id).like(pattern, escape=LIKE_ESCAPE),
            by_tracking,
        )
    )


def _filtered(stmt: Select, f: StaffOrderFilter, me: int) -> Select:
    if f.states:
        stmt = stmt.where(Order.status.in_(f.states))
    if f.q.strip():
        stmt = _search(stmt, f.q)
    if f.channel:
        stmt = stmt.where(Order.channel == f.channel)
    if f.customer is not None:
        stmt = stmt.where(Order.account_id == f.customer)
    stmt = queries.assigned(stmt, f.assignee, me=me)
    return queries.submitted_between(stmt, f.from_date, f.to_date)


async def staff_orders(
    db: AsyncSession, f: StaffOrderFilter, *, me: int, limit: int = PAGE_SIZE
) -> Page[StaffOrderRow]:
    """One page of the orders matching ``f``, newest first, in one statement."""
    stmt = (
        select(
            Order.id,
            Order.number,
            Order.status,
            Order.channel,
            Order.priority,
            Order.submitted_at,
            CustomerAccount.id,
            CustomerAccount.name,
            Order.total,
            Order.currency,
            func.coalesce(Order.promised_delivery_date, Order.requested_delivery_date),
            StaffUser.name,
        )
        .join(CustomerAccount, CustomerAccount.id == Order.account_id)
        .outerjoin(StaffUser, StaffUser.id == Order.assignee_staff_id)
    )
    stmt = queries.placed_newest_first(_filtered(stmt, f, me), after=f.after, limit=limit)
    rows = [StaffOrderRow(*r) for r in (await db.execute(stmt)).all()]
    return paging.page_of(rows, limit, queries.order_cursor)


async def _choices(db: AsyncSession, stmt: Select) -> list[tuple[int, str]]:
    """A filter's choices from a statement selecting (id, name), in its order."""
    return [(r[0], r[1]) for r in await db.execute(stmt)]


async def customer_choices(db: AsyncSession, *, with_orders_in: str | None = None) -> list[tuple[int, str]]:
    """The customer accounts a customer filter offers, by name as (id, name).

    With ``with_orders_in`` (a state), only the accounts that have orders in that state.
    """
    stmt = select(CustomerAccount.id, CustomerAccount.name).order_by(CustomerAccount.name)
    if with_orders_in is not None:
        stmt = stmt.where(
            CustomerAccount.id.in_(select(Order.account_id).where(Order.status == with_orders_in))
        )
    return await _choices(db, stmt)


async def staff_choices(db: AsyncSession) -> list[tuple[int, str]]:
    """The active staff members an assignee filter offers, by name as (id, name)."""
    active = StaffUser.is_active.is_(True)
    return await _choices(db, select(StaffUser.id, StaffUser.name).where(active).order_by(StaffUser.name))


@dataclass(frozen=True)
class ListPage:
    result: Page[StaffOrderRow]
    customers: list[tuple[int, str]]
    staff_members: list[tuple[int, str]]


async def list_page(db: AsyncSession, f: StaffOrderFilter, *, me: int) -> ListPage:
    """The staff order list page: one page of orders and the choices of its filters."""
    return ListPage(
        result=await staff_orders(db, f, me=me),
        customers=await customer_choices(db),
        staff_members=await staff_choices(db),
    )
