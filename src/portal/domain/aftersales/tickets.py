"""Complaints and feedback (投诉工单): opening a ticket, its thread, and every move through the state table.

The buyer opens a ticket (subject, category, optionally one of the account's orders, a message,
photos); staff and buyer then write in one thread both sides read, each message mailed to the other
side. Every state change goes through ``ticket_states.TRANSITIONS`` in ``move``: the case row, its
event row and the e-mail are written in the caller's transaction. A customer reads only tickets of
their own account (NotFound otherwise), staff read them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.aftersales import AftersalesCase, AftersalesMessage, AftersalesPhoto
from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.orders import Order
from portal.domain import images
from portal.domain.aftersales import cases
from portal.domain.aftersales.kinds import COMPLAINT
from portal.domain.aftersales.ticket_states import CaseState, Move, find
from portal.domain.aftersales.views import PhotoView
from portal.domain.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from portal.domain.notifications.outbox import queue_email
from portal.domain.notifications.recipients import CUSTOMER_MAIL_LOCALE, staff_recipients
from portal.domain.orders import events
from portal.domain.orders.actors import Actor
from portal.domain.orders.queries import readable_orders
from portal.domain.paging import PAGE_SIZE, Page, newest_first, newest_page
from portal.domain.settings import config
from portal.i18n import N_

CATEGORIES = {
    "quality": N_("Product quality"),
    "delivery": N_("Delivery or logistics"),
    "service": N_("Service"),
    "billing": N_("Invoices and payment"),
    "other": N_("Other"),
}
SUBJECT_LIMIT, MESSAGE_LIMIT, MAX_PHOTOS = 200, 8000, 5
SUBJECT_REQUIRED = N_("Please give the ticket a subject.")
CATEGORY_REQUIRED = N_("Please choose a category.")
MESSAGE_REQUIRED = N_("Please write a message.")
UNKNOWN_ORDER = N_("Choose one of your company's orders, or none.")
REOPEN_TOO_LATE = N_("This ticket was resolved more than %(days)s days ago; please open a new one.")
NOT_NOW = N_("This ticket cannot take that step in its current state.")


@dataclass(frozen=True)
class TicketInput:
    subject: str
    category: str
    order_number: str
    message: str
    photos: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class MessageView:
    id: int
    author_kind: str
    author_name: str
    body: str
    created_at: datetime
    photos: list[PhotoView]


@dataclass(frozen=True)
class TicketView:
    case: AftersalesCase
    order_number: str | None
    account_name: str
    messages: list[MessageView]


def _check(subject: str, category: str, message: str) -> None:
    errors = {}
    if not subject:
        errors["subject"] = SUBJECT_REQUIRED
    if category not in CATEGORIES:
        errors["category"] = CATEGORY_REQUIRED
    if not message:
        errors["message"] = MESSAGE_REQUIRED
    if errors:
        raise ValidationFailed(errors)


async def open_ticket(
    db: AsyncSession, actor: Actor, data: TicketInput, *, photo_root: Path
) -> AftersalesCase:
    """The buyer's new ticket with its first message; staff are mailed. Returns the case."""
    if actor.kind != "customer" or actor.account_id is None:
        raise Forbidden()
    subject, message = data.subject.strip()[:SUBJECT_LIMIT], data.message.strip()[:MESSAGE_LIMIT]
    _check(subject, data.category, message)
    order = None
    if data.order_number.strip():
        order = await db.scalar(readable_orders(actor).where(Order.number == data.order_number.strip()))
        if order is None:
            raise ValidationFailed({"order_number": UNKNOWN_ORDER})
    cleaned = images.clean_all(list(data.photos), max_files=MAX_PHOTOS)
    case = await cases.open_case(
        db,
        actor,
        kind=COMPLAINT,
        order=order,
        account_id=actor.account_id,
        subject=subject,
        category=data.category,
    )
    await _post(db, actor, case, message, cleaned, photo_root)
    if order is not None:
        events.record(
            db,
            order,
            actor,
            events.EventKind.AFTERSALES_CASE_OPENED,
            data={"number": case.number, "case_kind": COMPLAINT},
            public=True,
        )
    await _mail(db, case, actor, message, first=True)
    await db.flush()
    return case


async def _post(
    db: AsyncSession,
    actor: Actor,
    case: AftersalesCase,
    body: str,
    cleaned: list[images.CleanImage],
    root: Path,
) -> list[Path]:
    message = AftersalesMessage(
        case_id=case.id, author_kind=actor.kind, author_id=actor.id, author_name=actor.name, body=body
    )
    db.add(message)
    await db.flush()
    written = cases.add_photos(db, actor, case, cleaned, root)
    for row in db.new:
        if isinstance(row, AftersalesPhoto) and row.case_id == case.id and row.message_id is None:
            row.message_id = message.id
    return written


async def move(db: AsyncSession, actor: Actor, case: AftersalesCase, what: Move) -> None:
    """One step of the transition table: refused (409) when the table has no row, 403 without the role."""
    step = find(case.state, what)
    if step is None:
        raise InvalidTransition(NOT_NOW)
    if actor.acting_role(step.roles) is None:
        raise Forbidden()
    now = clock.now()
    if what is Move.REOPEN:
        days = (await config.load(db)).complaint_reopen_days
        if case.resolved_at is None or now - case.resolved_at > timedelta(days=days):
            raise InvalidTransition(REOPEN_TOO_LATE, days=days)
    before = case.state
    case.state = step.to_state.value
    case.version += 1
    if step.to_state is CaseState.RESOLVED:
        case.resolved_at = now
    elif step.to_state is CaseState.CLOSED:
        case.closed_at = now
    elif step.to_state is CaseState.OPEN:
        case.resolved_at = None  # reopened: the order cannot close again until it is resolved
    if actor.kind == "staff" and case.first_responded_at is None:
        case.first_responded_at = now
        case.assignee_staff_id = case.assignee_staff_id or actor.id
    cases.case_event(db, case.id, actor, what.value, before, case.state)
    if what is Move.RESOLVE:
        if case.order_id is not None:
            order = await db.get(Order, case.order_id)
            data = {"number": case.number, "case_kind": case.kind}
            events.record(db, order, actor, events.EventKind.AFTERSALES_CASE_RESOLVED, data=data)
        await _mail(db, case, actor, "", template="complaint_resolved")


async def reply(
    db: AsyncSession,
    actor: Actor,
    case: AftersalesCase,
    body: str,
    photos: tuple[bytes, ...],
    *,
    photo_root: Path,
) -> None:
    """A message in the thread: the buyer's (reopens a resolved ticket within the window) or staff's."""
    text = body.strip()[:MESSAGE_LIMIT]
    if not text:
        raise ValidationFailed({"message": MESSAGE_REQUIRED})
    if actor.kind == "customer":
        what = Move.REOPEN if case.state == CaseState.RESOLVED else Move.CUSTOMER_MESSAGE
    else:
        what = Move.STAFF_MESSAGE
    cleaned = images.clean_all(list(photos), max_files=MAX_PHOTOS)
    await move(db, actor, case, what)
    await _post(db, actor, case, text, cleaned, photo_root)
    await _mail(db, case, actor, text)
    await db.flush()


async def _mail(
    db: AsyncSession,
    case: AftersalesCase,
    author: Actor,
    body: str,
    *,
    template: str = "complaint_message",
    first: bool = False,
) -> None:
    """The other side hears of each message: staff write to the ticket's buyer; a buyer to the assignee
    (else every active after-sales user)."""
    context = {
        "case_number": case.number,
        "subject": case.subject,
        "body": body,
        "author": author.name,
        "reopen_days": (await config.load(db)).complaint_reopen_days,
        "first": first,  # the ticket's opening message: "new ticket"
    }
    if author.kind == "customer":
        rows = await staff_recipients(db, "aftersales", case.assignee_staff_id)
        context |= {"audience": "staff", "path": f"/staff/aftersales/{case.number}"}
    else:
        rows = (
            await db.execute(
                select(CustomerUser.email, CUSTOMER_MAIL_LOCALE)
                .join(CustomerAccount, CustomerAccount.id == CustomerUser.account_id)
                .where(
                    CustomerUser.id == case.opened_by_id,
                    CustomerUser.account_id == case.account_id,
                    CustomerUser.is_active.is_(True),
                )
            )
        ).all()
        context |= {"audience": "customer", "path": f"/complaints/{case.number}"}
    for email, locale in rows:
        queue_email(
            db,
            template=template,
            recipient=email,
            locale=locale,
            context=context,
            order_id=case.order_id,
        )


async def close_expired(db: AsyncSession, *, limit: int = 200) -> int:
    """Cron: close the resolved tickets whose reopen window (``complaint_reopen_days`` since resolving)
    has passed, as the portal, through the table's ``close`` move; how many were closed. Rows another
    run holds are skipped (``SKIP LOCKED``), so two runs never close one ticket twice."""
    days = (await config.load(db)).complaint_reopen_days
    expired = await db.scalars(
        select(AftersalesCase)
        .where(
            AftersalesCase.kind == COMPLAINT,
            AftersalesCase.state == CaseState.RESOLVED.value,
            AftersalesCase.resolved_at < clock.now() - timedelta(days=days),
        )
        .order_by(AftersalesCase.resolved_at, AftersalesCase.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    portal = Actor.system("system")
    closed = 0
    for case in expired.all():
        await move(db, portal, case, Move.CLOSE)
        closed += 1
    await db.flush()
    return closed


def _scoped(actor: Actor, number: str):  # noqa: ANN202 - the ticket select this actor may read
    stmt = select(AftersalesCase).where(AftersalesCase.number == number, AftersalesCase.kind == COMPLAINT)
    if actor.kind == "customer":
        if actor.account_id is None:
            raise NotFound()
        stmt = stmt.where(AftersalesCase.account_id == actor.account_id)
    elif actor.kind != "staff":
        raise NotFound()
    return stmt


async def load(db: AsyncSession, actor: Actor, number: str, *, for_update: bool = False) -> AftersalesCase:
    """The ticket ``number`` if this actor may read it (a customer: their account's), else NotFound."""
    stmt = _scoped(actor, number)
    case = await db.scalar(stmt.with_for_update() if for_update else stmt)
    if case is None:
        raise NotFound()
    return case


async def read(db: AsyncSession, actor: Actor, number: str) -> TicketView:
    """The ticket with its thread and photos: three statements whatever the thread's length."""
    row = (
        await db.execute(
            _scoped(actor, number)
            .add_columns(Order.number, CustomerAccount.name)
            .join(CustomerAccount, CustomerAccount.id == AftersalesCase.account_id)
            .outerjoin(Order, Order.id == AftersalesCase.order_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    case, order_number, account_name = row
    msgs = list(
        await db.scalars(
            select(AftersalesMessage)
            .where(AftersalesMessage.case_id == case.id)
            .order_by(AftersalesMessage.id)
        )
    )
    photos: dict[int | None, list[PhotoView]] = {}
    for p in await db.scalars(
        select(AftersalesPhoto).where(AftersalesPhoto.case_id == case.id).order_by(AftersalesPhoto.id)
    ):
        photos.setdefault(p.message_id, []).append(PhotoView(p.id, p.filename, p.width, p.height))
    views = [
        MessageView(m.id, m.author_kind, m.author_name, m.body, m.created_at, photos.get(m.id, []))
        for m in msgs
    ]
    return TicketView(case, order_number, account_name, views)


async def find_attachment(db: AsyncSession, actor: Actor, *, number: str, photo_id: int) -> AftersalesPhoto:
    """A photo of ticket ``number`` if this actor may read the ticket (else NotFound)."""
    ids = _scoped(actor, number).with_only_columns(AftersalesCase.id)
    found = await db.scalar(
        select(AftersalesPhoto).where(AftersalesPhoto.id == photo_id, AftersalesPhoto.case_id.in_(ids))
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class TicketRow:
    number: str
    subject: str
    category: str
    state: str
    order_number: str | None
    opened_at: datetime


async def account_tickets(
    db: AsyncSession, actor: Actor, *, after: str | None = None, limit: int = PAGE_SIZE
) -> Page[TicketRow]:
    """One page of the buyer's account's tickets, newest first (one statement whatever the page's length).

    ``after`` is the ``next_after`` of the page before; a mangled one reads as the first page.
    NotFound for anyone but a customer of an account.
    """
    if actor.kind != "customer" or actor.account_id is None:
        raise NotFound()
    stmt = (
        select(
            AftersalesCase.number,
            AftersalesCase.subject,
            AftersalesCase.category,
            AftersalesCase.state,
            Order.number,
            AftersalesCase.opened_at,
            AftersalesCase.opened_at,
            AftersalesCase.id,
        )
        .outerjoin(Order, Order.id == AftersalesCase.order_id)
        .where(AftersalesCase.account_id == actor.account_id, AftersalesCase.kind == COMPLAINT)
    )
    stmt = newest_first(stmt, AftersalesCase.opened_at, AftersalesCase.id, after=after, limit=limit)
    paged = newest_page(list(await db.execute(stmt)), limit)
    return Page([TicketRow(*r) for r in paged.rows], paged.next_after)


async def order_choices(db: AsyncSession, actor: Actor, *, limit: int = 50) -> list[str]:
    """The account's latest order numbers, for the ticket form's optional order."""
    stmt = readable_orders(actor).with_only_columns(Order.number).where(Order.submitted_at.is_not(None))
    return list(await db.scalars(stmt.order_by(Order.id.desc()).limit(limit)))


def may_answer(case: AftersalesCase, side: str) -> bool:
    """Whether the thread's answer form shows for ``side`` ("customer" or "staff"); the table decides."""
    if side == "customer":
        return (
            find(case.state, Move.CUSTOMER_MESSAGE) is not None or find(case.state, Move.REOPEN) is not None
        )
    return find(case.state, Move.STAFF_MESSAGE) is not None
