"""The review queue: urgent first, then key accounts, then oldest; filtered, keyset-paginated, one statement."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import BigInteger, Integer, Select, String, bindparam, case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock, numbers
from portal.db.staff import StaffUser
from portal.domain.json_rows import instant, json_list, json_rows, money_text
from portal.domain.orders import queries, staff_list
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
    submitted_at: datetime  # the keyset's sort key (the age counts from the review round's start)
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


ORDER = staff_list.ORDER
ACCOUNT = staff_list.ACCOUNT
STAFF_USER = staff_list.STAFF_USER
_URGENT = case((ORDER.priority == "urgent", 0), else_=1)
_KEY = case((ACCOUNT.is_key_account.is_(True), 0), else_=1)


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


def _values(f: ReviewFilter, me: int) -> dict[str, object]:
    """The bind values of the filters ``f`` sets (the state always), by parameter name."""
    values = {"state": f.state, "customer": f.customer, "channel": f.channel, "min_total": f.min_total,
              "max_total": f.max_total}  # fmt: skip
    given = {k: v for k, v in values.items() if v is not None} | queries.assignee_value(f.assignee, me=me)
    if cursor := _decode(f.after):
        given |= dict(zip(("after_urgent", "after_key", "after_at", "after_id"), cursor, strict=True))
    return given


def _filtered(stmt, given: frozenset[str]):  # noqa: ANN001, ANN202
    stmt = stmt.where(ORDER.status == bindparam("state", type_=String))
    if "customer" in given:
        stmt = stmt.where(ORDER.account_id == bindparam("customer", type_=BigInteger))
    if "channel" in given:
        stmt = stmt.where(ORDER.channel == bindparam("channel", type_=String))
    if "min_total" in given:
        stmt = stmt.where(ORDER.total >= bindparam("min_total", type_=ORDER.total.type))
    if "max_total" in given:
        stmt = stmt.where(ORDER.total <= bindparam("max_total", type_=ORDER.total.type))
    stmt = queries.assigned_to(stmt, given)
    if "after_id" in given:
        cursor = (
            bindparam("after_urgent", type_=Integer), bindparam("after_key", type_=Integer),
            bindparam("after_at", type_=ORDER.submitted_at.type), bindparam("after_id", type_=BigInteger),
        )  # fmt: skip
        stmt = stmt.where(tuple_(_URGENT, _KEY, ORDER.submitted_at, ORDER.id) > tuple_(*cursor))
    return stmt


# the accounts with orders in the state shown: the customer filter's choices
_CUSTOMERS = (
    select(json_rows([ACCOUNT.id, ACCOUNT.name], ACCOUNT.name))
    .where(ACCOUNT.id.in_(select(ORDER.account_id).where(ORDER.status == bindparam("state", type_=String))))
    .scalar_subquery()
)


@cache
def _statement(given: frozenset[str]) -> Select:
    """The queue page for one shape of filter: its rows (one more than a page), the customers and
    staff members to filter by, and the SLA, as one row. Built once per shape and process."""
    rows = (
        select(
            ORDER.id,
            ORDER.number,
            ORDER.status,
            ORDER.version,
            ORDER.priority,
            ORDER.channel,
            money_text(ORDER.total).label("total"),
            ORDER.currency,
            func.coalesce(ORDER.review_started_at, ORDER.submitted_at).label("since"),
            ACCOUNT.id.label("account_id"),
            ACCOUNT.name,
            ACCOUNT.is_key_account,
            ORDER.assignee_staff_id,
            STAFF_USER.name.label("assignee_name"),
            ORDER.submitted_at,
            _URGENT.label("urgent"),
            _KEY.label("key"),
        )  # fmt: skip
        .select_from(
            staff_list.ORDERS_ACCOUNTS.outerjoin(
                StaffUser.__table__, STAFF_USER.id == ORDER.assignee_staff_id
            )
        )
        .where(ORDER.submitted_at.is_not(None))
        .order_by(_URGENT, _KEY, ORDER.submitted_at, ORDER.id)
        .limit(bindparam("limit", type_=Integer))
    )
    rows = _filtered(rows, given).subquery("r")
    order = (rows.c.urgent, rows.c.key, rows.c.submitted_at, rows.c.id)
    page = select(json_rows(list(rows.c)[:15], *order)).scalar_subquery()
    return select(
        page.label("rows"), _CUSTOMERS.label("customers"), staff_list.STAFF.label("staff"),
        config.stored("review_sla_hours").label("sla_hours"),
    )  # fmt: skip


def _row(r: list, now: datetime, sla_hours: int) -> QueueRow:
    i, number, status, version, priority, channel, total, currency, since, *account, submitted = r
    age = now - instant(since)
    return QueueRow(
        i, number, status, version, priority, channel, Decimal(total), currency, instant(submitted),
        *account, age=age, sla_state=sla_state(age, sla_hours),
    )  # fmt: skip


@dataclass(frozen=True)
class ReviewPage:
    result: QueuePage
    customers: list[tuple[int, str]]
    staff_members: list
    sla_hours: int


async def review_page(db: AsyncSession, f: ReviewFilter, *, me: int, limit: int = PAGE_SIZE) -> ReviewPage:
    """The review queue page: one page of the queue and the choices of its filters, in one statement."""
    given = _values(f, me)
    row = (await db.execute(_statement(frozenset(given)), {**given, "limit": limit + 1})).one()
    sla_hours = config.sla_hours_of(row.sla_hours)
    now = clock.now()
    rows = [_row(r, now, sla_hours) for r in json_list(row.rows)]
    more = len(rows) > limit
    rows = rows[:limit]
    return ReviewPage(
        result=QueuePage(rows=rows, next_after=_cursor(rows[-1]) if more and rows else None),
        customers=staff_list.choices(row.customers),
        staff_members=staff_list.choices(row.staff),
        sla_hours=sla_hours,
    )
