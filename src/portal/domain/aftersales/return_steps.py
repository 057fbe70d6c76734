"""The steps of a return after the request: approve or reject, cancel, ship back, receive, inspect, resolve.

Every step is a row of ``return_states.TRANSITIONS``, applied by ``move``: the case's state and
version, an ``aftersales_case_events`` row, the order's ``return_step`` event and the e-mail are
written in the caller's transaction. Reaching ``rejected``, ``cancelled`` or ``resolved`` settles the
case (``resolved_at``): the order may close again as far as this return goes.

Resolving with a credit note credits the accepted units at the invoiced unit price with their tax
(``billing.credit_notes.issue_credit_note``, source ``return``, reference the RMA number), spread over
the order's invoices that still hold uncredited units of each line, oldest first; units never
invoiced cannot be credited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.aftersales import AftersalesCase
from portal.db.billing import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from portal.db.fulfilment import Carrier
from portal.db.orders import Order, OrderLine
from portal.db.returns import ReturnLine, ReturnRequest
from portal.domain.aftersales import cases
from portal.domain.aftersales.kinds import RETURN
from portal.domain.aftersales.return_states import SETTLING, RmaMove, RmaState, find
from portal.domain.aftersales.returns import record_step
from portal.domain.billing.credit_notes import issue_credit_note
from portal.domain.billing.money import ZERO
from portal.domain.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from portal.domain.numbering import Series, next_number
from portal.domain.orders import notify, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.confirmation import allocate_confirmed
from portal.i18n import N_

NOTE_LIMIT = 4000
REPLACEMENT_CHANNEL = "replacement"  # the channel of a replacement order (orders.channel)
NOT_NOW = N_("This return cannot take that step in its current state.")
REJECT_REASON = N_("Please say why the return is rejected.")
CARRIER_REQUIRED = N_("Please name the carrier.")
TRACKING_REQUIRED = N_("Please enter the tracking number.")
INSPECTED_TOO_MANY = N_("Accepted and rejected together cannot exceed the %(n)s returned.")
NOTHING_INSPECTED = N_("Record what was accepted and rejected for each line.")
NOTHING_TO_REPLACE = N_("No unit was accepted in the inspection: there is nothing to replace.")
NOT_INVOICED = N_("%(n)s accepted units of %(sku)s were never invoiced: they cannot be credited.")


@dataclass(frozen=True)
class Inspected:
    """What the inspection found on one return line."""

    line_id: int
    accepted: int
    rejected: int
    note: str = ""


async def load(
    db: AsyncSession, case_id: int, *, lock: bool = True
) -> tuple[AftersalesCase, ReturnRequest, Order]:
    """The return's case, its ``returns`` row and its order (locked for the step unless ``lock=False``)."""
    stmt = select(AftersalesCase).where(AftersalesCase.id == case_id, AftersalesCase.kind == RETURN)
    case = await db.scalar(stmt.with_for_update() if lock else stmt)
    if case is None:
        raise NotFound()
    request = await db.scalar(select(ReturnRequest).where(ReturnRequest.case_id == case.id))
    order = await db.get(Order, case.order_id)
    if request is None or order is None:
        raise NotFound()
    return case, request, order


async def move(
    db: AsyncSession,
    actor: Actor,
    case: AftersalesCase,
    order: Order,
    what: RmaMove,
    *,
    rma: str = "",
    note: str = "",
):  # noqa: ANN201 - the order's event written
    """One row of the table: 409 without one, 403 without the role; the case, its event and the order's."""
    step = find(case.state, what)
    if step is None:
        raise InvalidTransition(NOT_NOW)
    if actor.acting_role(step.roles) is None:
        raise Forbidden()
    if actor.kind == "customer" and case.account_id != actor.account_id:
        raise NotFound()
    now = clock.now()
    before = case.state
    case.state, case.version = step.to_state.value, case.version + 1
    if step.to_state in SETTLING:
        case.resolved_at = now
    elif step.to_state is RmaState.CLOSED:
        case.closed_at = now
    if actor.kind == "staff" and case.first_responded_at is None:
        case.first_responded_at = now
        case.assignee_staff_id = case.assignee_staff_id or actor.id
    cases.case_event(db, case.id, actor, what.value, before, case.state)
    return record_step(db, order, actor, case, what, rma=rma, note=note)


def _context(case: AftersalesCase, request: ReturnRequest, **extra: object) -> dict[str, object]:
    return {
        "case_number": case.number,
        "rma_number": request.rma_number or "",
        "return_path": f"/returns/{case.number}",
        **extra,
    }


async def approve(db: AsyncSession, actor: Actor, case_id: int, *, instructions: str = "") -> str:
    """Approve a requested return: an ``RMA-`` number, the instructions, the buyer told. Returns the number."""
    case, request, order = await load(db, case_id)
    if find(case.state, RmaMove.APPROVE) is None:
        raise InvalidTransition(NOT_NOW)  # before a number is drawn
    rma = await next_number(db, Series.RETURN, clock.today().year)
    request.rma_number, request.decided_at, request.decided_by_name = rma, clock.now(), actor.name
    request.decision_note = instructions.strip()[:NOTE_LIMIT]
    event = await move(db, actor, case, order, RmaMove.APPROVE, rma=rma, note=request.decision_note)
    await db.flush()
    extra = _context(case, request, instructions=request.decision_note)
    await notify.send(db, order, "return_approved", "customer", event=event, extra=extra)
    return rma


async def reject(db: AsyncSession, actor: Actor, case_id: int, *, reason: str) -> None:
    """Reject a requested return with a reason the buyer reads (by e-mail and on the return's page)."""
    text = reason.strip()[:NOTE_LIMIT]
    if not text:
        raise ValidationFailed({"reason": REJECT_REASON})
    case, request, order = await load(db, case_id)
    request.decision_note, request.decided_at, request.decided_by_name = text, clock.now(), actor.name
    event = await move(db, actor, case, order, RmaMove.REJECT, note=text)
    await db.flush()
    await notify.send(
        db, order, "return_rejected", "customer", event=event, extra=_context(case, request, reason=text)
    )


async def cancel(db: AsyncSession, actor: Actor, case_id: int) -> None:
    """The buyer withdraws the return before the goods are on their way; its units may be asked again."""
    case, request, order = await load(db, case_id)
    await move(db, actor, case, order, RmaMove.CANCEL, rma=request.rma_number or "")
    await db.flush()


async def ship(
    db: AsyncSession,
    actor: Actor,
    case_id: int,
    *,
    carrier_code: str = "",
    carrier: str = "",
    tracking_number: str,
) -> None:
    """The return shipment (by the buyer, or staff for them): one of our carriers (``carrier_code``: its
    webhook then reports the parcel) or another carrier by name, and the tracking number."""
    known = await db.get(Carrier, carrier_code[:40]) if carrier_code else None
    name = known.name if known is not None else carrier.strip()[:60]
    tracking_number = tracking_number.strip()[:60]
    errors = {}
    if not name:
        errors["carrier"] = CARRIER_REQUIRED
    if not tracking_number:
        errors["tracking_number"] = TRACKING_REQUIRED
    if errors:
        raise ValidationFailed(errors)
    case, request, order = await load(db, case_id)
    request.carrier, request.tracking_number, request.shipped_at = name, tracking_number, clock.now()
    request.carrier_code = known.code if known is not None else None
    await move(db, actor, case, order, RmaMove.SHIP, rma=request.rma_number or "")
    await db.flush()


async def receive(db: AsyncSession, actor: Actor, case_id: int, *, note: str = "") -> None:
    """The goods are back at the warehouse."""
    case, request, order = await load(db, case_id)
    request.received_at = clock.now()
    await move(
        db, actor, case, order, RmaMove.RECEIVE, rma=request.rma_number or "", note=note.strip()[:NOTE_LIMIT]
    )
    await db.flush()


async def inspect(
    db: AsyncSession, actor: Actor, case_id: int, found: list[Inspected], *, note: str = ""
) -> None:
    """Per line, how many units were accepted and rejected (together at most the units returned)."""
    case, request, order = await load(db, case_id)
    if find(case.state, RmaMove.INSPECT) is None:
        raise InvalidTransition(NOT_NOW)
    lines = {
        ln.id: ln for ln in await db.scalars(select(ReturnLine).where(ReturnLine.return_id == request.id))
    }
    said = {f.line_id: f for f in found if f.line_id in lines}
    errors: dict[str, str] = {}
    per_field: dict[str, dict[str, object]] = {}
    for line_id, line in lines.items():
        f = said.get(line_id)
        if f is None:
            errors[f"accepted_{line_id}"] = NOTHING_INSPECTED
        elif f.accepted < 0 or f.rejected < 0 or f.accepted + f.rejected > line.quantity:
            errors[f"accepted_{line_id}"] = INSPECTED_TOO_MANY
            per_field[f"accepted_{line_id}"] = {"n": line.quantity}
    if errors:
        raise ValidationFailed(errors, per_field=per_field)
    for line_id, line in lines.items():
        f = said[line_id]
        line.accepted_qty, line.rejected_qty, line.inspection_note = (
            f.accepted,
            f.rejected,
            f.note.strip()[:NOTE_LIMIT],
        )
    request.inspected_at = clock.now()
    await move(
        db, actor, case, order, RmaMove.INSPECT, rma=request.rma_number or "", note=note.strip()[:NOTE_LIMIT]
    )
    await db.flush()


async def _resolvable(
    db: AsyncSession, actor: Actor, case_id: int
) -> tuple[AftersalesCase, ReturnRequest, Order, list[ReturnLine]]:
    """An inspected return the actor may resolve, with its lines (409 / 403 otherwise)."""
    case, request, order = await load(db, case_id)
    step = find(case.state, RmaMove.RESOLVE)
    if step is None:
        raise InvalidTransition(NOT_NOW)
    if actor.acting_role(step.roles) is None:
        raise Forbidden()
    lines = list(await db.scalars(select(ReturnLine).where(ReturnLine.return_id == request.id)))
    return case, request, order, lines


async def _resolved(
    db: AsyncSession, actor: Actor, case: AftersalesCase, request: ReturnRequest, order: Order, **told: object
) -> None:
    """The resolve move, and the buyer told what it brings (``told``: credit notes, a replacement order)."""
    event = await move(db, actor, case, order, RmaMove.RESOLVE, rma=request.rma_number or "")
    await db.flush()
    await notify.send(
        db, order, "return_resolved", "customer", event=event, extra=_context(case, request, **told)
    )


async def resolve_with_credit_note(db: AsyncSession, actor: Actor, case_id: int) -> list[CreditNote]:
    """Resolve an inspected return with credit notes for its accepted units (none accepted: none issued)."""
    case, request, order, lines = await _resolvable(db, actor, case_id)
    accepted = {ln.order_line_id: (ln.sku, ln.accepted_qty or 0) for ln in lines}
    per_invoice = await _spread(db, order.id, accepted)
    notes = []
    reason = f"{request.rma_number} ({case.number})"
    for invoice_id, units in per_invoice.items():
        invoice = await db.get(Invoice, invoice_id)
        notes.append(
            await issue_credit_note(
                db,
                invoice,
                lines=units,
                reason=reason,
                actor=actor,
                source="return",
                source_ref=request.rma_number or case.number,
            )
        )
    request.outcome = "credit_note"
    request.credit_note_id = notes[0].id if notes else None
    await _resolved(db, actor, case, request, order, credit_notes=[n.number for n in notes])
    return notes


async def resolve_with_replacement(db: AsyncSession, actor: Actor, case_id: int) -> Order:
    """Resolve an inspected return with a replacement order (补发订单): the accepted units again, free of
    charge, to the same address, confirmed at once and allocated like any confirmed order, so that
    production and shipping take it from there. The two orders name each other. Returns the new order."""
    case, request, order, lines = await _resolvable(db, actor, case_id)
    accepted = {ln.order_line_id: ln.accepted_qty or 0 for ln in lines if ln.accepted_qty}
    if not accepted:
        raise ValidationFailed({"lines": NOTHING_TO_REPLACE})
    originals = await db.scalars(
        select(OrderLine).where(OrderLine.id.in_(list(accepted))).order_by(OrderLine.position, OrderLine.id)
    )
    replacement = Order(
        account_id=order.account_id,
        contact_user_id=order.contact_user_id,
        channel=REPLACEMENT_CHANNEL,
        entered_by_staff_id=actor.id,
        status="draft",
        priority=order.priority,
        currency=order.currency,
        payment_terms=order.payment_terms,
        payment_days=order.payment_days,
        shipping_address=order.shipping_address,
        invoice_title=order.invoice_title,
        tax_id=order.tax_id,
        special_requirements=f"{request.rma_number} ({case.number})",
    )
    db.add(replacement)
    await db.flush()
    for position, line in enumerate(originals):
        db.add(
            OrderLine(
                order_id=replacement.id,
                product_id=line.product_id,
                position=position,
                sku=line.sku,
                name_zh=line.name_zh,
                name_en=line.name_en,
                specs=line.specs,
                labels=line.labels,
                unit=line.unit,
                quantity=accepted[line.id],
                unit_price=ZERO,
                line_total=ZERO,
            )
        )
    event = await service.open_replacement(db, actor, replacement, original=order, case_number=case.number)
    await allocate_confirmed(db, replacement, event)
    request.outcome, request.replacement_order_id = "replacement", replacement.id
    await _resolved(db, actor, case, request, order, replacement=replacement.number)
    return replacement


async def _spread(
    db: AsyncSession, order_id: int, accepted: dict[int, tuple[str, int]]
) -> dict[int, dict[int, int]]:
    """{invoice id: {invoice line id: units}}: the accepted units of each order line over the invoice
    lines that still hold uncredited units of it, oldest invoice first."""
    credited = (
        select(CreditNoteLine.invoice_line_id, func.sum(CreditNoteLine.quantity).label("units"))
        .group_by(CreditNoteLine.invoice_line_id)
        .subquery()
    )
    rows = await db.execute(
        select(
            InvoiceLine.id,
            InvoiceLine.invoice_id,
            InvoiceLine.order_line_id,
            InvoiceLine.quantity - func.coalesce(credited.c.units, 0),
        )
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .outerjoin(credited, credited.c.invoice_line_id == InvoiceLine.id)
        .where(Invoice.order_id == order_id, InvoiceLine.order_line_id.in_(list(accepted)))
        .order_by(Invoice.id, InvoiceLine.id)
    )
    wanted = {line_id: qty for line_id, (_sku, qty) in accepted.items() if qty > 0}
    out: dict[int, dict[int, int]] = {}
    for invoice_line_id, invoice_id, order_line_id, left in rows:
        take = min(wanted.get(order_line_id, 0), int(left))
        if take > 0:
            out.setdefault(invoice_id, {})[invoice_line_id] = take
            wanted[order_line_id] -= take
    short = {k: v for k, v in wanted.items() if v > 0}
    if short:
        line_id, n = next(iter(short.items()))
        raise ValidationFailed({"lines": NOT_INVOICED}, params={"n": n, "sku": accepted[line_id][0]})
    return out
