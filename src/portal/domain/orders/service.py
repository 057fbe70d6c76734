"""Service verbs: one function per state change of an order.

Each verb checks the transition table (state and role), the order's version, writes one
event (``events.record``) and any notification as outbox rows, and ``flush()``es. It never commits:
the caller's transaction does, so the change, its event and its e-mails land together.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from portal import clock
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.domain.errors import Forbidden, InvalidTransition, NotFound, OrderChanged, ValidationFailed
from portal.domain.orders import (
    allocation,
    approval,
    confirmation_docs,
    events,
    notify,
    numbering,
    pricing,
    queries,
    states,
)
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import Action
from portal.i18n import N_

REASON_REQUIRED = N_("Please give a reason.")
MESSAGE_REQUIRED = N_("Please write a message for the customer.")


async def load_order(
    db: AsyncSession,
    actor: Actor,
    *,
    number: str | None = None,
    order_id: int | None = None,
    with_lines: bool = False,
) -> Order:
    """The order, if this actor may see it: another account's order is simply not found."""
    stmt = queries.readable_orders(actor)
    stmt = stmt.where(Order.number == number) if number is not None else stmt.where(Order.id == order_id)
    if with_lines:
        stmt = stmt.options(selectinload(Order.lines))
    order = await db.scalar(stmt)
    if order is None:
        raise NotFound()
    return order


async def flush(db: AsyncSession) -> None:
    """Write pending changes; the version-checked UPDATE of an order changed meanwhile matches no row."""
    try:
        await db.flush()
    except StaleDataError:
        raise OrderChanged() from None


def ensure_allowed(order: Order, actor: Actor, action: Action) -> states.Transition:
    """The transition ``action`` fires from the order's state; raises when state or role forbid it."""
    transition = states.find(order.status, action)
    if transition is None:
        raise InvalidTransition()
    if actor.acting_role(transition.roles) is None:
        raise Forbidden()
    if actor.kind == "customer" and order.account_id != actor.account_id:
        raise NotFound()
    return transition


async def apply(
    db: AsyncSession,
    order: Order,
    actor: Actor,
    action: Action,
    *,
    expected_version: int | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
    mail: dict[str, Any] | None = None,
) -> OrderEvent:
    """Fire one transition of the table: state, role and version checked; event and notifications written."""
    transition = ensure_allowed(order, actor, action)
    if expected_version is not None and expected_version != order.version:
        raise OrderChanged()
    event = events.record(
        db, order, actor, action, note=note, data=data, public=public, to_state=transition.to_state.value
    )
    order.status = transition.to_state.value
    if transition.to_state == states.OrderState.SUBMITTED:  # a new review round: the SLA starts again
        order.review_started_at = order.submitted_at if action == Action.SUBMIT else clock.now()
        order.sla_alerted_at = None
    await flush(db)
    await notify.notify(db, order, action, event, extra=mail)
    return event


async def _apply_noted(
    db: AsyncSession, actor: Actor, order: Order, action: Action, expected_version: int | None, note: str
) -> OrderEvent:
    """Fire ``action`` with only a note beside it: the body the plain and the reasoned verbs share."""
    return await apply(db, order, actor, action, expected_version=expected_version, note=note)


def _required(value: str, field: str, message: str) -> str:
    """The stripped text of a field the actor must fill (a reason, a message), else a field error."""
    if not value or not value.strip():
        raise ValidationFailed({field: message})
    return value.strip()


async def submit(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    *,
    expected_version: int | None = None,
    vat_rate: Decimal | None = None,
    now: datetime | None = None,
) -> OrderEvent:
    """A draft becomes a received order: number, totals and the receipt notice."""
    await flush(db)  # lines changed in this unit of work count
    lines = (await db.scalars(select(OrderLine).where(OrderLine.order_id == order.id))).all()
    if not lines:
        raise ValidationFailed({"lines": N_("The order has no lines.")})
    if states.find(order.status, Action.SUBMIT) is None:
        raise InvalidTransition()
    now = now or clock.now()
    pricing.apply_totals(order, lines, vat_rate=vat_rate)
    # the business year: an order placed at 01:00 on 1 January in Shanghai belongs to the new year
    order.number = order.number or await numbering.next_order_number(
        db, now.astimezone(clock.BUSINESS_TZ).year
    )
    order.submitted_at = now
    return await apply(db, order, actor, Action.SUBMIT, expected_version=expected_version)


async def request_changes(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None, message: str
) -> OrderEvent:
    note = _required(message, "message", MESSAGE_REQUIRED)
    return await _apply_noted(db, actor, order, Action.REQUEST_CHANGES, expected_version, note)


async def resubmit(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None, message: str = ""
) -> OrderEvent:
    await flush(db)
    lines = (await db.scalars(select(OrderLine).where(OrderLine.order_id == order.id))).all()
    pricing.apply_totals(order, lines)
    return await apply(db, order, actor, Action.RESUBMIT, expected_version=expected_version, note=message)


async def _approved_this_round(db: AsyncSession, order: Order, actor: Actor) -> bool:
    """Has this person already approved since the order last came (back) into review?"""
    round_start = (
        select(OrderEvent.id)
        .where(OrderEvent.order_id == order.id, OrderEvent.to_state == states.OrderState.SUBMITTED.value)
        .order_by(OrderEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return bool(
        await db.scalar(
            select(
                exists().where(
                    OrderEvent.order_id == order.id,
                    OrderEvent.id > func.coalesce(round_start, 0),
                    OrderEvent.actor_kind == "staff",
                    OrderEvent.actor_id == actor.id,
                    OrderEvent.action.in_([Action.APPROVE.value, Action.SEND_CONFIRMATION.value]),
                )
            )
        )
    )


async def approve(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    *,
    expected_version: int | None,
    note: str = "",
    promised_date: date | None = None,
    thresholds: list[Decimal] | None = None,
) -> OrderEvent:
    """Pass review or one approval level; the last one sends the confirmation to the customer.

    ``approval_level`` counts the approver levels passed in this review round; an order at or
    above N thresholds needs N approvals after the review, each by a different person.
    """
    levels = approval.levels_required(order.total, thresholds)
    done = 0 if order.status == states.OrderState.SUBMITTED else order.approval_level + 1
    action = Action.SEND_CONFIRMATION if done >= levels else Action.APPROVE
    ensure_allowed(order, actor, action)
    if actor.kind == "staff" and await _approved_this_round(db, order, actor):
        raise Forbidden(N_("You have already approved this order; another approver must decide."))
    if expected_version is not None and expected_version != order.version:
        raise OrderChanged()
    order.approval_level = done
    if promised_date is not None:
        order.promised_delivery_date = promised_date
    # intermediate approvals are internal; the customer sees the confirmation arrive
    if action == Action.SEND_CONFIRMATION:
        order.updated_at = clock.now()  # a real change: the version-checked UPDATE claims the order first
        await flush(db)
        doc = await confirmation_docs.issue(db, order, actor)  # the snapshot the customer will sign
        data = {
            "level": done,
            "levels_required": levels,
            "confirmation_version": doc.version,
            "hash": doc.content_hash,
        }
    else:
        data = {"level": done, "levels_required": levels}
    return await apply(
        db,
        order,
        actor,
        action,
        expected_version=None,  # checked above; the promised date just set bumped it
        note=note,
        data=data,
        public=action == Action.SEND_CONFIRMATION,
    )


async def reject(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None, reason: str
) -> OrderEvent:
    note = _required(reason, "reason", REASON_REQUIRED)
    return await _apply_noted(db, actor, order, Action.REJECT, expected_version, note)


async def cancel(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None, reason: str
) -> OrderEvent:
    reason = _required(reason, "reason", REASON_REQUIRED)
    action = Action.CANCEL_BY_CUSTOMER if actor.kind == "customer" else Action.CANCEL_BY_STAFF
    event = await apply(db, order, actor, action, expected_version=expected_version, note=reason)
    await allocation.release(db, order)  # reserved stock goes back on the shelf
    return event


async def accept_confirmation(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    *,
    expected_version: int | None,
    signature: dict[str, Any] | None = None,
) -> OrderEvent:
    return await apply(
        db,
        order,
        actor,
        Action.ACCEPT_CONFIRMATION,
        expected_version=expected_version,
        data={"signature": signature or {}},
    )


async def open_replacement(
    db: AsyncSession, actor: Actor, order: Order, *, original: Order, case_number: str
) -> OrderEvent:
    """A draft of free replacement goods for ``original`` becomes a confirmed order: number, zero totals,
    the event naming the original and the return (``case_number``). Stock is allocated by the caller."""
    await flush(db)
    lines = (await db.scalars(select(OrderLine).where(OrderLine.order_id == order.id))).all()
    if not lines:
        raise ValidationFailed({"lines": N_("The order has no lines.")})
    if states.find(order.status, Action.OPEN_REPLACEMENT) is None:
        raise InvalidTransition()
    now = clock.now()
    pricing.apply_totals(order, lines, vat_rate=original.tax_rate)
    order.number = order.number or await numbering.next_order_number(
        db, now.astimezone(clock.BUSINESS_TZ).year
    )
    order.submitted_at = now
    order.replaces_order_id = original.id
    data = {"original": original.number, "number": case_number}
    return await apply(db, order, actor, Action.OPEN_REPLACEMENT, data=data)


async def decline_confirmation(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None, reason: str
) -> OrderEvent:
    note = _required(reason, "reason", REASON_REQUIRED)
    return await _apply_noted(db, actor, order, Action.DECLINE_CONFIRMATION, expected_version, note)


async def start_production(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None = None, note: str = ""
) -> OrderEvent:
    return await _apply_noted(db, actor, order, Action.START_PRODUCTION, expected_version, note)


async def mark_ready_to_ship(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None = None, note: str = ""
) -> OrderEvent:
    return await _apply_noted(db, actor, order, Action.READY_TO_SHIP, expected_version, note)


async def deliver(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None = None, note: str = ""
) -> OrderEvent:
    return await _apply_noted(db, actor, order, Action.DELIVER, expected_version, note)


async def confirm_receipt(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    *,
    expected_version: int | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Receipt confirmed; ``data`` names the lines reported short or damaged (``aftersales.receipt``)."""
    return await apply(
        db, order, actor, Action.CONFIRM_RECEIPT, expected_version=expected_version, note=note, data=data
    )


async def complete(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None = None
) -> OrderEvent:
    return await _apply_noted(db, actor, order, Action.COMPLETE, expected_version, "")


async def close(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None = None
) -> OrderEvent:
    return await _apply_noted(db, actor, order, Action.CLOSE, expected_version, "")


async def ship(
    db: AsyncSession, actor: Actor, order: Order, *, complete: bool, mail: dict[str, Any]
) -> OrderEvent:
    """The shipped transition (fired by ``fulfilment.shipping.ship``), its e-mail carrying carrier and tracking."""
    action = Action.SHIP_FULL if complete else Action.SHIP_PARTIAL
    return await apply(db, order, actor, action, mail=mail, data={"shipment": mail})


async def claim(db: AsyncSession, actor: Actor, order: Order) -> OrderEvent:
    """Assign the order to the acting staff member ("assign to me"); recorded on the timeline."""
    previous = order.assignee_staff_id
    order.assignee_staff_id, order.claimed_at = actor.id, clock.now()
    event = events.record(
        db, order, actor, events.EventKind.CLAIMED, public=False, data={"previous": previous}
    )
    await flush(db)
    return event
