"""The staff order list: every placed order, searched and filtered, each role's work by default.

Newest first in keyset pages; one statement per page, however long the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import CustomerAccount
from portal.db.fulfilment import Shipment
from portal.db.staff import StaffUser
from portal.domain import paging
from portal.domain.json_rows import day, instant, json_list, json_rows, money_text
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
# table columns: the statements run as plain Core
ORDER = queries.ORDER
ACCOUNT = CustomerAccount.__table__.c
STAFF_USER = StaffUser.__table__.c
SHIPMENT = Shipment.__table__.c
ORDERS_ACCOUNTS = queries.ORDER.id.table.join(CustomerAccount.__table__, ACCOUNT.id == ORDER.account_id)


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


@dataclass(frozen=True)
class ListPage:
    result: Page[StaffOrderRow]
    customers: list[tuple[int, str]]
    staff_members: list[tuple[int, str]]


def _search(pattern: ColumnElement) -> ColumnElement[bool]:
    """Order number, SKU, customer name or tax ID, or tracking number containing ``pattern``."""
    by_tracking = exists().where(
        SHIPMENT.order_id == ORDER.id,
        func.lower(SHIPMENT.tracking_number).like(pattern, escape=LIKE_ESCAPE),
    )
    return or_(
        *queries.number_or_sku(pattern),
        func.lower(ACCOUNT.name).like(pattern, escape=LIKE_ESCAPE),
        func.lower(ACCOUNT.tax_id).like(pattern, escape=LIKE_ESCAPE),
        by_tracking,
    )


def filter_values(f: StaffOrderFilter, me: int) -> dict[str, object]:
    """The values of the filters ``f`` sets, by bind parameter name (none for a filter not set)."""
    since, until = queries.day_bounds(f.from_date, f.to_date)
    q = f.q.strip()
    values = {
        "states": list(f.states) or None, "pattern": paging.like(q) if q else None, "channel": f.channel,
        "customer": f.customer, "since": since, "until": until,
    }  # fmt: skip
    return {k: v for k, v in values.items() if v is not None} | queries.assignee_value(f.assignee, me=me)


def filtered(stmt: Select, given: frozenset[str]) -> Select:
    """``stmt`` (over orders and their accounts) narrowed by the filters ``given``, as bind parameters."""
    if "states" in given:
        stmt = stmt.where(ORDER.status == any_(bindparam("states", type_=ARRAY(String))))
    if "pattern" in given:
        stmt = stmt.where(_search(bindparam("pattern", type_=String)))
    if "channel" in given:
        stmt = stmt.where(ORDER.channel == bindparam("channel"))
    if "customer" in given:
        stmt = stmt.where(ORDER.account_id == bindparam("customer", type_=BigInteger))
    stmt = queries.assigned_to(stmt, given)
    if "since" in given:
        stmt = stmt.where(ORDER.submitted_at >= bindparam("since", type_=ORDER.submitted_at.type))
    if "until" in given:
        stmt = stmt.where(ORDER.submitted_at < bindparam("until", type_=ORDER.submitted_at.type))
    return stmt


def _choices(stmt: Select) -> ColumnElement:
    """A filter's choices, (id, name) by name, as one JSON value."""
    table = stmt.selected_columns
    return stmt.with_only_columns(json_rows([table.id, table.name], table.name)).scalar_subquery()


# the accounts and the active staff members the filters offer
CUSTOMERS = _choices(select(ACCOUNT.id, ACCOUNT.name))
STAFF = _choices(select(STAFF_USER.id, STAFF_USER.name).where(STAFF_USER.is_active.is_(True)))


@cache
def _page_statement(given: frozenset[str]) -> Select:
    """The list page for one shape of filter (the names of the values given): the page's rows,
    the customers and the staff members to filter by, as three JSON values of one row.

    Built once per shape and process, values as bind parameters; plain Core (table columns).
    """
    rows = select(
        ORDER.id, ORDER.number, ORDER.status, ORDER.channel, ORDER.priority, ORDER.submitted_at,
        ACCOUNT.id.label("account_id"), ACCOUNT.name, money_text(ORDER.total).label("total"), ORDER.currency,
        func.coalesce(ORDER.promised_delivery_date, ORDER.requested_delivery_date).label("delivery"),
        STAFF_USER.name.label("assignee_name"),
    ).select_from(ORDERS_ACCOUNTS.outerjoin(StaffUser.__table__, STAFF_USER.id == ORDER.assignee_staff_id))  # fmt: skip
    cursor = (bindparam("after_at", type_=ORDER.submitted_at.type), bindparam("after_id", type_=BigInteger))
    rows = queries.newest_first(
        filtered(rows, given),
        cursor=cursor if "after_at" in given else None,
        limit=bindparam("limit", type_=Integer),
    ).subquery("r")
    page = select(json_rows(list(rows.c), rows.c.submitted_at.desc(), rows.c.id.desc())).scalar_subquery()
    return select(page.label("rows"), CUSTOMERS.label("customers"), STAFF.label("staff"))


def _row(r: list) -> StaffOrderRow:
    i, number, status, channel, priority, at, account_id, name, total, currency, delivery, assignee = r
    return StaffOrderRow(
        i, number, status, channel, priority, instant(at), account_id, name, Decimal(total), currency,
        day(delivery), assignee,
    )  # fmt: skip


def choices(value: object) -> list[tuple[int, str]]:
    return [(i, name) for i, name in json_list(value)]


async def staff_orders(db: AsyncSession, f: StaffOrderFilter, *, me: int, limit: int = PAGE_SIZE) -> ListPage:
    """One page of the orders matching ``f``, newest first, and the filters' choices: one statement."""
    given = filter_values(f, me)
    if cursor := queries.decode_cursor(f.after):
        given |= {"after_at": cursor[0], "after_id": cursor[1]}
    row = (await db.execute(_page_statement(frozenset(given)), {**given, "limit": limit + 1})).one()
    rows = [_row(r) for r in json_list(row.rows)]
    return ListPage(
        paging.page_of(rows, limit, queries.order_cursor), choices(row.customers), choices(row.staff)
    )


async def _choices_of(db: AsyncSession, stmt: Select) -> list[tuple[int, str]]:
    """A filter's choices from a statement selecting (id, name), in its order."""
    return [(r[0], r[1]) for r in await db.execute(stmt)]


async def customer_choices(db: AsyncSession) -> list[tuple[int, str]]:
    """The customer accounts a customer filter offers, by name as (id, name)."""
    return await _choices_of(db, select(ACCOUNT.id, ACCOUNT.name).order_by(ACCOUNT.name))


async def list_page(db: AsyncSession, f: StaffOrderFilter, *, me: int) -> ListPage:
    """The staff order list page: one page of orders and the choices of its filters, in one statement."""
    return await staff_orders(db, f, me=me)
