"""Returns as their pages show them: one return with its lines, photos, steps and credit notes; the
buyer's list of their account's returns. A customer reads only their own account's returns (NotFound
otherwise), staff read them all. A return is found by its case number (``AS-…``) or its RMA number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.aftersales import AftersalesCase, AftersalesCaseEvent, AftersalesPhoto
from portal.db.billing import CreditNote
from portal.db.customers import CustomerAccount
from portal.db.fulfilment import Carrier, CarrierEvent
from portal.db.orders import Order, OrderLine
from portal.db.returns import ReturnLine, ReturnRequest
from portal.domain.aftersales.kinds import RETURN
from portal.domain.aftersales.return_states import RmaMove, allowed
from portal.domain.aftersales.views import PhotoView
from portal.domain.errors import NotFound
from portal.domain.orders.actors import Actor
from portal.domain.paging import PAGE_SIZE, Page, newest_first, newest_page


@dataclass(frozen=True)
class ReturnLineView:
    id: int
    sku: str
    name_zh: str
    name_en: str
    unit: str
    quantity: int
    accepted: int | None
    rejected: int | None
    note: str


@dataclass(frozen=True)
class StepView:
    action: str
    from_state: str
    to_state: str
    actor_kind: str
    actor_name: str
    at: datetime


@dataclass(frozen=True)
class CreditNoteRef:
    number: str
    total: Decimal
    currency: str


@dataclass(frozen=True)
class ParcelEvent:
    """What the carrier reported of the parcel coming back."""

    status: str
    exception_kind: str
    occurred_at: datetime
    location: str


@dataclass(frozen=True)
class ReturnView:
    case: AftersalesCase
    request: ReturnRequest
    order_number: str
    account_name: str
    lines: list[ReturnLineView]
    photos: list[PhotoView]
    steps: list[StepView]
    credit_notes: list[CreditNoteRef]
    ship_from: dict | None = None  # the order's delivery address: where the goods come back from
    parcel: list[ParcelEvent] = field(default_factory=list)  # the carrier's events, oldest first
    carriers: list[tuple[str, str]] = field(default_factory=list)  # (code, name) for the shipment form
    replacement_number: str | None = None  # the replacement order this return was resolved with

    @property
    def moves(self) -> frozenset[str]:
        """The moves the table allows from this state (the roles are checked when one is made)."""
        return frozenset(m.value for m in RmaMove if allowed(self.case.state, m))


def scoped(actor: Actor) -> Select:
    """The returns (case, request) ``actor`` may read: a customer their account's, staff all."""
    stmt = (
        select(AftersalesCase, ReturnRequest)
        .join(ReturnRequest, ReturnRequest.case_id == AftersalesCase.id)
        .where(AftersalesCase.kind == RETURN)
    )
    if actor.kind == "customer" and actor.account_id is not None:
        return stmt.where(AftersalesCase.account_id == actor.account_id)
    if actor.kind == "staff":
        return stmt
    raise NotFound()


async def find(db: AsyncSession, actor: Actor, number: str) -> tuple[AftersalesCase, ReturnRequest]:
    """The return ``number`` (case or RMA number) this actor may read, else NotFound."""
    number = number.strip()[:40]
    found = (
        await db.execute(
            scoped(actor).where(or_(AftersalesCase.number == number, ReturnRequest.rma_number == number))
        )
    ).first()
    if found is None:
        raise NotFound()
    return found[0], found[1]


async def read(db: AsyncSession, actor: Actor, number: str) -> ReturnView:
    """The return's page: a fixed number of statements whatever its lines, photos and steps."""
    case, request = await find(db, actor, number)
    replacement = select(Order.number).where(Order.id == request.replacement_order_id).scalar_subquery()
    order_number, account_name, ship_from, replacement_number = (
        await db.execute(
            select(Order.number, CustomerAccount.name, Order.shipping_address, replacement)
            .join(CustomerAccount, CustomerAccount.id == Order.account_id)
            .where(Order.id == case.order_id)
        )
    ).one()
    lines = [
        ReturnLineView(
            ln.id,
            ln.sku,
            ol.name_zh,
            ol.name_en,
            ol.unit,
            ln.quantity,
            ln.accepted_qty,
            ln.rejected_qty,
            ln.inspection_note,
        )
        for ln, ol in await db.execute(
            select(ReturnLine, OrderLine)
            .join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
            .where(ReturnLine.return_id == request.id)
            .order_by(OrderLine.position, ReturnLine.id)
        )
    ]
    photos = [
        PhotoView(p.id, p.filename, p.width, p.height)
        for p in await db.scalars(
            select(AftersalesPhoto).where(AftersalesPhoto.case_id == case.id).order_by(AftersalesPhoto.id)
        )
    ]
    steps = [
        StepView(e.action, e.from_state, e.to_state, e.actor_kind, e.actor_name, e.created_at)
        for e in await db.scalars(
            select(AftersalesCaseEvent)
            .where(AftersalesCaseEvent.case_id == case.id)
            .order_by(AftersalesCaseEvent.id)
        )
    ]
    notes = [
        CreditNoteRef(*r)
        for r in await db.execute(
            select(CreditNote.number, CreditNote.total, CreditNote.currency)
            .where(
                CreditNote.order_id == case.order_id,
                CreditNote.source == "return",
                CreditNote.source_ref.in_([request.rma_number or "", case.number]),
            )
            .order_by(CreditNote.id)
        )
    ]
    parcel = [
        ParcelEvent(e.status, e.exception_kind, e.occurred_at, e.location)
        for e in await db.scalars(
            select(CarrierEvent)
            .where(CarrierEvent.return_id == request.id)
            .order_by(CarrierEvent.occurred_at, CarrierEvent.id)
        )
    ]
    carriers = [
        (code, name)
        for code, name in await db.execute(select(Carrier.code, Carrier.name).order_by(Carrier.name))
    ]
    return ReturnView(
        case,
        request,
        order_number,
        account_name,
        lines,
        photos,
        steps,
        notes,
        ship_from,
        parcel,
        carriers,
        replacement_number,
    )


async def find_photo(db: AsyncSession, actor: Actor, *, number: str, photo_id: int) -> AftersalesPhoto:
    """A photo of return ``number`` if this actor may read the return, else NotFound."""
    case, _request = await find(db, actor, number)
    photo = await db.scalar(
        select(AftersalesPhoto).where(AftersalesPhoto.id == photo_id, AftersalesPhoto.case_id == case.id)
    )
    if photo is None:
        raise NotFound()
    return photo


@dataclass(frozen=True)
class ReturnRow:
    number: str
    rma_number: str | None
    state: str
    order_number: str
    reason: str
    desired: str
    opened_at: datetime


async def account_returns(
    db: AsyncSession, actor: Actor, *, after: str | None = None, limit: int = PAGE_SIZE
) -> Page[ReturnRow]:
    """One page of the buyer's account's returns, newest first, in one statement; NotFound for staff."""
    if actor.kind != "customer":
        raise NotFound()
    stmt = (
        scoped(actor)
        .with_only_columns(
            AftersalesCase.number,
            ReturnRequest.rma_number,
            AftersalesCase.state,
            Order.number,
            ReturnRequest.reason,
            ReturnRequest.desired,
            AftersalesCase.opened_at,
        )
        .join(Order, Order.id == AftersalesCase.order_id)
    )
    stmt = stmt.add_columns(AftersalesCase.opened_at, AftersalesCase.id)
    stmt = newest_first(stmt, AftersalesCase.opened_at, AftersalesCase.id, after=after, limit=limit)
    paged = newest_page(list(await db.execute(stmt)), limit)
    return Page([ReturnRow(*r) for r in paged.rows], paged.next_after)
