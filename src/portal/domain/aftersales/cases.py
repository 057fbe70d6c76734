"""After-sales cases (售后工单): opening one, reading an order's cases, their photos, the open ones for staff.

Every kind the after-sales queue works lives in ``aftersales_cases``: a receipt with short or
damaged lines (``receipt``) today; low-score follow-ups and complaints later. A customer reads a
case only through an order of their own account (404 otherwise), staff read them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.aftersales import AftersalesCase, AftersalesCaseEvent, AftersalesCaseLine, AftersalesPhoto
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.db.surveys import SurveyAnswer
from portal.domain import images
from portal.domain.aftersales.kinds import FOLLOW_UP, KIND_LABELS, KINDS, RECEIPT  # noqa: F401 - read from here too
from portal.domain.aftersales.ticket_states import STATE_LABELS, CaseState, Move, find  # noqa: F401
from portal.domain.aftersales.working_hours import WorkingHours
from portal.domain.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from portal.domain.numbering import Series, next_number
from portal.domain.orders import events, notify
from portal.domain.orders.actors import Actor
from portal.domain.orders.queries import readable_orders
from portal.domain.settings import config
from portal.i18n import N_

OPEN, RESOLVED = CaseState.OPEN.value, CaseState.RESOLVED.value
PHOTOS_FOLDER = "photos"  # under the data folder: never served as static files
RESOLUTION_REQUIRED = N_("Please say how the case was resolved.")
RESOLUTION_LIMIT = 4000


def photo_root(data_dir: Path) -> Path:
    """Where case photos are kept: under the data folder, outside static/."""
    return data_dir / PHOTOS_FOLDER


async def open_case(
    db: AsyncSession,
    actor: Actor,
    *,
    kind: str,
    order: Order | None,
    note: str = "",
    account_id: int | None = None,
    state: str = OPEN,
    **fields: str,
) -> AftersalesCase:
    """A new case of ``kind`` about ``order`` (or only ``account_id``) in ``state`` (``open``; a return
    starts ``requested``), numbered ``AS-YYYY-NNNNNN`` in the business year, its first response due
    after the configured working hours."""
    settings = await config.load(db)
    hours = WorkingHours.of(settings.working_hours)
    now = clock.now()
    case = AftersalesCase(
        number=await next_number(db, Series.AFTER_SALES_CASE, now.astimezone(clock.BUSINESS_TZ).year),
        kind=kind,
        state=state,
        account_id=order.account_id if order is not None else account_id,
        order_id=order.id if order is not None else None,
        opened_at=now,
        first_response_due_at=hours.add(now, settings.first_response_hours),
        **fields,
        opened_by_kind=actor.kind,
        opened_by_id=actor.id,
        opened_by_name=actor.name,
        note=note.strip(),
    )
    db.add(case)
    await db.flush()
    case_event(db, case.id, actor, "open", "", case.state)
    return case


def case_event(db: AsyncSession, case_id: int, actor: Actor, action: str, before: str, after: str) -> None:
    """The case's own history: one ``aftersales_case_events`` row per step (opened, claimed, each move)."""
    db.add(
        AftersalesCaseEvent(
            case_id=case_id,
            action=action,
            from_state=before,
            to_state=after,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_name=actor.name,
        )
    )


def add_photos(
    db: AsyncSession, actor: Actor, case: AftersalesCase, cleaned: list[images.CleanImage], root: Path
) -> list[Path]:
    """Store cleaned photos of ``case`` and their rows; the paths written (removed again if the request fails)."""
    written = []
    for n, image in enumerate(cleaned, 1):
        key, path = images.write(root, str(case.id), image)
        written.append(path)
        db.add(
            AftersalesPhoto(
                case_id=case.id,
                filename=f"{case.number}-{n}{image.extension}",  # the upload's own name is not kept
                content_type=image.content_type,
                size=len(image.data),
                width=image.width,
                height=image.height,
                sha256=image.sha256,
                storage_key=key,
                uploaded_by_kind=actor.kind,
                uploaded_by_id=actor.id,
            )
        )
    return written


async def resolve(db: AsyncSession, actor: Actor, order: Order, *, case_number: str, resolution: str) -> None:
    """After-sales resolve an open case of ``order``: timeline event (the buyer reads the resolution) and mail.

    NotFound for a case of another order, InvalidTransition when it is resolved already, Forbidden
    without the after-sales role, ValidationFailed without a resolution.
    """
    case = await db.scalar(
        select(AftersalesCase)
        .where(AftersalesCase.number == case_number, AftersalesCase.order_id == order.id)
        .with_for_update()
    )
    if case is None:
        raise NotFound()
    step = find(case.state, Move.RESOLVE)  # the one transition table of cases
    if step is None or KINDS[case.kind].own_page:  # a ticket or a return moves through its own page
        raise InvalidTransition()
    if actor.acting_role(step.roles) is None:
        raise Forbidden()
    text = resolution.strip()[:RESOLUTION_LIMIT]
    if not text:
        raise ValidationFailed({"resolution": RESOLUTION_REQUIRED})
    data = {"number": case.number, "case_kind": case.kind}
    visible = KINDS[case.kind].customer_visible  # an internal call-back is never the buyer's news
    event = events.record(
        db, order, actor, events.EventKind.AFTERSALES_CASE_RESOLVED, note=text, data=data, public=visible
    )
    before = case.state
    case.state, case.resolved_at, case.resolution = step.to_state.value, clock.now(), text
    case_event(db, case.id, actor, Move.RESOLVE.value, before, case.state)
    case.assignee_staff_id = case.assignee_staff_id or actor.id
    case.first_responded_at = case.first_responded_at or case.resolved_at
    case.version += 1
    await db.flush()
    if case.kind == FOLLOW_UP:  # the survey answer it followed up reads as done
        await db.execute(
            update(SurveyAnswer)
            .where(SurveyAnswer.order_id == order.id, SurveyAnswer.follow_up_state == "open")
            .values(follow_up_state="done")
        )
    if visible:
        extra = {"case_number": case.number, "resolution": text}
        await notify.send(db, order, "aftersales_case_resolved", "customer", event=event, extra=extra)


async def find_photo(db: AsyncSession, actor: Actor, *, number: str, photo_id: int) -> AftersalesPhoto:
    """A photo of a case of order ``number``, if this actor may read that order (else not found)."""
    order_ids = readable_orders(actor).where(Order.number == number).with_only_columns(Order.id)
    stmt = (
        select(AftersalesPhoto)
        .join(AftersalesCase, AftersalesCase.id == AftersalesPhoto.case_id)
        .where(AftersalesPhoto.id == photo_id, AftersalesCase.order_id.in_(order_ids))
    )
    if actor.kind == "customer":  # the case's own account too: a case is the account's, like its order
        stmt = stmt.where(AftersalesCase.account_id == actor.account_id)
    found = await db.scalar(stmt)
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class OpenCaseRow:
    """An open case as the after-sales dashboard lists it."""

    number: str
    kind: str
    order_number: str | None
    account_name: str
    opened_at: datetime
    lines: int


async def open_cases(db: AsyncSession, *, kind: str = RECEIPT, limit: int = 20) -> list[OpenCaseRow]:
    """The oldest open cases of ``kind`` (the dashboard's short list; the queue comes with its filters)."""
    line_count = (
        select(func.count())
        .where(AftersalesCaseLine.case_id == AftersalesCase.id)
        .correlate(AftersalesCase)
        .scalar_subquery()
    )
    rows = await db.execute(
        select(
            AftersalesCase.number,
            AftersalesCase.kind,
            Order.number,
            CustomerAccount.name,
            AftersalesCase.opened_at,
            line_count,
        )
        .join(CustomerAccount, CustomerAccount.id == AftersalesCase.account_id)
        .outerjoin(Order, Order.id == AftersalesCase.order_id)
        .where(AftersalesCase.state == OPEN, AftersalesCase.kind == kind)
        .order_by(AftersalesCase.opened_at, AftersalesCase.id)
        .limit(limit)
    )
    return [OpenCaseRow(*r) for r in rows]


async def page_of_case(db: AsyncSession, actor: Actor, number: str) -> str | None:
    """Where case ``number`` is worked, for this actor: staff its kind's page, a buyer of its account
    its own page or its order's after-sales section (None: no such case this actor may read of).
    A case number from an e-mail or a flash message then always leads somewhere."""
    row = (
        await db.execute(
            select(AftersalesCase.kind, AftersalesCase.account_id, Order.number)
            .outerjoin(Order, Order.id == AftersalesCase.order_id)
            .where(AftersalesCase.number == number.strip()[:40])
        )
    ).first()
    if row is None or row.kind not in KINDS:
        return None
    kind, account_id, order_number = row
    if actor.kind == "staff":
        return KINDS[kind].link(number=number, order=order_number)
    if actor.kind != "customer" or account_id != actor.account_id or not KINDS[kind].customer_visible:
        return None
    if KINDS[kind].own_page:
        return KINDS[kind].customer_link(number)
    return f"/orders/{order_number}#aftersales" if order_number else None
