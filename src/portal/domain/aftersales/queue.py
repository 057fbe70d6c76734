"""The after-sales queue (售后工作台): every kind of ``kinds.KINDS`` in one keyset-paged list.

One statement per page whatever its length (rows, assignee choices and working hours as JSON): the sources of the kinds (``aftersales_cases``, the
delivery exceptions of ``logistics_cases``) are one UNION ALL, joined once to customer, order and
assignee; the SLA age is working time computed from the row. Filters: kind, state ("open": still to
act on), customer name, assignee ("me", "none" or a staff id) and overdue (first response late).
``claim`` assigns a case to the caller if nobody changed it since the page was drawn (its version).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, case, cast, func, literal, null, select, text, tuple_, union_all, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.aftersales import AftersalesCase
from portal.db.customers import CustomerAccount
from portal.db.fulfilment import LogisticsCase
from portal.db.orders import Order
from portal.db.staff import StaffUser
from portal.domain.aftersales import cases
from portal.domain.aftersales.kinds import CASE_KINDS, CASES, DELIVERY_EXCEPTION, KINDS, LOGISTICS
from portal.domain.aftersales.ticket_states import UNSETTLED, CaseState
from portal.domain.aftersales.working_hours import WorkingHours
from portal.domain.errors import NotFound, OrderChanged
from portal.domain.orders.actors import Actor
from portal.domain.paging import LIKE_ESCAPE, decode_cursor, encode_cursor, like, page_of
from portal.domain.settings import config
from portal.i18n import N_

PAGE_SIZE = 25
OPEN_STATES = "open"  # the state filter's default: everything still to act on
CASE_CHANGED = N_("This case was changed by someone else meanwhile. Please reload the page and try again.")


@dataclass(frozen=True)
class QueueFilter:
    kind: str = ""
    state: str = OPEN_STATES
    customer: str = ""
    assignee: str = ""  # "", "me", "none" or a staff id
    overdue: bool = False
    after: str = ""


@dataclass(frozen=True)
class QueueRow:
    source: str
    id: int
    number: str
    kind: str
    state: str
    subject: str
    account_name: str
    order_number: str | None
    assignee_id: int | None
    assignee_name: str | None
    opened_at: datetime
    due_at: datetime | None
    responded_at: datetime | None
    version: int
    sla_age: timedelta
    overdue: bool
    link: str
    claimable: bool  # still to act on, not the caller's yet


def _sources():  # noqa: ANN202 - one SELECT per source of the kinds, with the same named columns (either may stand alone)
    cases_part = select(
        literal(CASES).label("source"),
        AftersalesCase.id.label("id"),
        AftersalesCase.number.label("number"),
        AftersalesCase.kind.label("kind"),
        AftersalesCase.state.label("state"),
        AftersalesCase.subject.label("subject"),
        AftersalesCase.account_id.label("account_id"),
        AftersalesCase.order_id.label("order_id"),
        AftersalesCase.assignee_staff_id.label("assignee_id"),
        AftersalesCase.opened_at.label("opened_at"),
        AftersalesCase.first_response_due_at.label("due_at"),
        AftersalesCase.first_responded_at.label("responded_at"),
        AftersalesCase.version.label("version"),
    ).where(AftersalesCase.kind.in_(CASE_KINDS))
    logistics_part = (
        select(
            literal(LOGISTICS).label("source"),
            LogisticsCase.id.label("id"),
            cast(LogisticsCase.id, String).label("number"),
            literal(DELIVERY_EXCEPTION).label("kind"),
            case(
                (LogisticsCase.resolved_at.is_(None), CaseState.OPEN.value), else_=CaseState.RESOLVED.value
            ).label("state"),
            LogisticsCase.kind.label("subject"),
            Order.account_id.label("account_id"),
            LogisticsCase.order_id.label("order_id"),
            LogisticsCase.assignee_staff_id.label("assignee_id"),
            LogisticsCase.opened_at.label("opened_at"),
            cast(null(), AftersalesCase.first_response_due_at.type).label("due_at"),
            LogisticsCase.resolved_at.label("responded_at"),
            LogisticsCase.version.label("version"),
        )
        .select_from(LogisticsCase)
        .join(Order, Order.id == LogisticsCase.order_id)
    )
    return {CASES: cases_part, LOGISTICS: logistics_part}


def _statement(actor: Actor, f: QueueFilter, now: datetime, limit: int):  # noqa: ANN202
    wanted = KINDS.get(f.kind)
    parts = _sources()
    chosen = [parts[wanted.source]] if wanted else list(parts.values())
    u = union_all(*chosen).subquery("work")
    stmt = (
        select(
            u,
            CustomerAccount.name.label("account_name"),
            Order.number.label("order_number"),
            StaffUser.name.label("assignee_name"),
        )
        .join(CustomerAccount, CustomerAccount.id == u.c.account_id)
        .outerjoin(Order, Order.id == u.c.order_id)
        .outerjoin(StaffUser, StaffUser.id == u.c.assignee_id)
    )
    if wanted:
        stmt = stmt.where(u.c.kind == wanted.code)
    if f.state == OPEN_STATES:
        stmt = stmt.where(u.c.state.in_(UNSETTLED))
    elif f.state in {s.value for s in CaseState}:
        stmt = stmt.where(u.c.state == f.state)
    if f.customer.strip():
        stmt = stmt.where(func.lower(CustomerAccount.name).like(like(f.customer), escape=LIKE_ESCAPE))
    if f.assignee == "me":
        stmt = stmt.where(u.c.assignee_id == actor.id)
    elif f.assignee == "none":
        stmt = stmt.where(u.c.assignee_id.is_(None))
    elif f.assignee.isdigit():
        stmt = stmt.where(u.c.assignee_id == int(f.assignee))
    if f.overdue:
        stmt = stmt.where(u.c.responded_at.is_(None), u.c.state.in_(UNSETTLED), u.c.due_at < now)
    if cursor := decode_cursor(f.after):
        key, ident = cursor
        at, _, source = key.partition("|")
        try:
            since = datetime.fromisoformat(at)
        except ValueError:
            since = None
        if since is not None and since.tzinfo is not None:
            stmt = stmt.where(tuple_(u.c.opened_at, u.c.source, u.c.id) > tuple_(since, source, ident))
    return stmt.order_by(u.c.opened_at, u.c.source, u.c.id).limit(limit + 1)


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_after: str | None
    assignees: list[tuple[int, str]]  # active after-sales staff, for the assignee filter


def _json(sq, order_by: tuple):  # noqa: ANN001, ANN202 - the rows of subquery ``sq`` as one JSON array
    fields = [arg for c in sq.c for arg in (literal(c.key), c)]
    agg = func.json_agg(aggregate_order_by(func.json_build_object(*fields), *order_by))
    return select(func.coalesce(agg, text("'[]'::json"))).select_from(sq).scalar_subquery()


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def page(db: AsyncSession, actor: Actor, f: QueueFilter, *, limit: int = PAGE_SIZE) -> QueuePage:
    """One page of the queue, oldest first, with the assignee choices and the working hours: one statement."""
    now = clock.now()
    rows_sq = _statement(actor, f, now, limit).subquery("r")
    staff_sq = (
        select(StaffUser.id, StaffUser.name)
        .where(StaffUser.is_active.is_(True), StaffUser.roles.contains(["aftersales"]))
        .subquery("s")
    )
    found = (
        await db.execute(
            select(
                _json(rows_sq, (rows_sq.c.opened_at, rows_sq.c.source, rows_sq.c.id)),
                _json(staff_sq, (staff_sq.c.name, staff_sq.c.id)),
                config.stored("working_hours"),
            )
        )
    ).one()
    rows, staff, stored_hours = found
    hours = WorkingHours.of(stored_hours)
    shown = []
    for r in rows:
        opened, due, responded = _at(r["opened_at"]), _at(r["due_at"]), _at(r["responded_at"])
        unsettled = r["state"] in UNSETTLED
        late = responded is None and unsettled and due is not None and due < now
        until = responded or (now if unsettled else opened)
        shown.append(
            QueueRow(
                r["source"],
                r["id"],
                r["number"] if r["source"] == CASES else (r["order_number"] or ""),
                r["kind"],
                r["state"],
                r["subject"],
                r["account_name"],
                r["order_number"],
                r["assignee_id"],
                r["assignee_name"],
                opened,
                due,
                responded,
                r["version"],
                hours.between(opened, until),
                late,
                KINDS[r["kind"]].link(number=r["number"], order=r["order_number"]),
                unsettled and r["assignee_id"] != actor.id,
            )
        )
    cursor = lambda row: encode_cursor(f"{row.opened_at.isoformat()}|{row.source}", row.id)  # noqa: E731
    paged = page_of(shown, limit, cursor)
    return QueuePage(paged.rows, paged.next_after, [(s["id"], s["name"]) for s in staff])


async def claim_exception(
    db: AsyncSession, actor: Actor, *, case_id: int, expected_version: int | None
) -> str:
    """Assign the open delivery exception ``case_id`` to the caller if its version is still
    ``expected_version`` (else 409; NotFound when there is none); returns its order's number."""
    done = await db.scalar(
        update(LogisticsCase)
        .where(
            LogisticsCase.id == case_id,
            LogisticsCase.version == (expected_version if expected_version is not None else -1),
            LogisticsCase.resolved_at.is_(None),
        )
        .values(assignee_staff_id=actor.id, version=LogisticsCase.version + 1)
        .returning(LogisticsCase.order_id)
        .execution_options(synchronize_session=False)
    )
    if done is None:
        if await db.scalar(select(LogisticsCase.id).where(LogisticsCase.id == case_id)) is None:
            raise NotFound()
        raise OrderChanged(CASE_CHANGED)
    return await db.scalar(select(Order.number).where(Order.id == done)) or ""


async def claim(db: AsyncSession, actor: Actor, *, number: str, expected_version: int | None) -> None:
    """Assign case ``number`` to the caller if its version is still ``expected_version`` (else 409)."""
    done = await db.scalar(
        update(AftersalesCase)
        .where(
            AftersalesCase.number == number,
            AftersalesCase.kind.in_(CASE_KINDS),
            AftersalesCase.version == (expected_version if expected_version is not None else -1),
            AftersalesCase.state.in_(UNSETTLED),
        )
        .values(assignee_staff_id=actor.id, version=AftersalesCase.version + 1)
        .returning(AftersalesCase.id, AftersalesCase.state)
        .execution_options(synchronize_session=False)
    )
    if done is None:
        exists_ = await db.scalar(select(AftersalesCase.id).where(AftersalesCase.number == number))
        if exists_ is None:
            raise NotFound()
        raise OrderChanged(CASE_CHANGED)
    cases.case_event(db, done, actor, "claim", "", "")
    await db.flush()
