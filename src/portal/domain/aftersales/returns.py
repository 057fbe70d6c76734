"""Returns and exchanges (退换货, RMA): the buyer's request, and what can still be returned.

A return is an after-sales case of kind ``return`` (its ``AS-`` number, state, assignee, SLA, events
and photos) with a ``returns`` row and its ``return_lines``. The buyer asks from a delivered,
completed (or since closed) order of their own account, within ``window_days`` after delivery
(counted in Shanghai business days: the last day is the delivery's business date plus the window),
for some units of some lines — never more than delivered minus what other requests already hold
(a rejected or cancelled request gives its units back). Requests for one order are serialised by a
lock on the order's row, so two requests racing for the last units cannot both win.

The steps after the request (approve, reject, ship, receive, inspect, resolve) are in
``return_steps``; the state table in ``return_states``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.aftersales import AftersalesCase
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.db.returns import ReturnLine, ReturnRequest
from portal.domain import images
from portal.domain.aftersales import cases
from portal.domain.aftersales.kinds import RETURN
from portal.domain.aftersales.receipt import delivered_qty
from portal.domain.aftersales.return_states import HOLDS_UNITS, RmaMove, RmaState
from portal.domain.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from portal.domain.orders import events, notify, states
from portal.domain.orders.actors import Actor
from portal.domain.orders.queries import readable_orders
from portal.domain.settings import config
from portal.i18n import N_

REASONS = {
    "quality_defect": N_("Quality defect"),
    "transit_damage": N_("Damaged in transit"),
    "wrong_item": N_("Wrong item"),
    "not_as_described": N_("Not as described"),
    "other": N_("Other"),
}
RESOLUTIONS = {
    "credit_note": N_("Refund as a credit note"),
    "replacement": N_("Replacement"),
    "repair": N_("Repair"),
}
MAX_PHOTOS = 5
DESCRIPTION_LIMIT = 4000
QTY_FIELD = "qty_"  # the form field of a line's units: qty_<order line id> (ROUTES.md)

NOT_RETURNABLE = N_("Goods can be returned once the order has been delivered.")
WINDOW_CLOSED = N_("The return period of this order ended on %(day)s.")
NOTHING_CHOSEN = N_("Choose at least one unit to return.")
TOO_MANY = N_("At most %(left)s units of this line can still be returned.")
REASON_REQUIRED = N_("Please choose a reason.")
RESOLUTION_REQUIRED = N_("Please choose what you would like us to do.")
DESCRIPTION_REQUIRED = N_("Please describe the problem.")


@dataclass(frozen=True)
class ReturnInput:
    """The buyer's request as typed: units per order line id, the reason, the desired resolution."""

    quantities: dict[int, int]
    reason: str
    desired: str
    description: str
    photos: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class ReturnableLine:
    """An order line on the request form: delivered, already asked back by other requests, still returnable."""

    id: int
    sku: str
    name_zh: str
    name_en: str
    unit: str
    delivered: int
    asked: int

    @property
    def left(self) -> int:
        return max(self.delivered - self.asked, 0)


@dataclass(frozen=True)
class ReturnForm:
    order: Order
    lines: list[ReturnableLine]
    last_day: date | None  # the last business day a request is taken; None: not delivered yet

    @property
    def open(self) -> bool:
        """Whether a request is taken today (Shanghai business day)."""
        return self.last_day is not None and clock.today() <= self.last_day


async def delivered_on(db: AsyncSession, order: Order) -> date | None:
    """The business date the goods arrived: the delivery, else the buyer's receipt confirmation."""
    if order.delivered_at is not None:
        return clock.business_date(order.delivered_at)
    received = await db.scalar(
        select(func.min(OrderEvent.created_at)).where(
            OrderEvent.order_id == order.id, OrderEvent.action == events.EventKind.CONFIRM_RECEIPT.value
        )
    )
    return clock.business_date(received) if received is not None else None


def last_day(delivered: date | None, window_days: int) -> date | None:
    """The last business day of the return period (the delivery's day plus ``window_days``)."""
    return delivered + timedelta(days=window_days) if delivered is not None else None


async def _asked(db: AsyncSession, order_id: int) -> dict[int, int]:
    """Units per order line held by this order's return requests that still count."""
    rows = await db.execute(
        select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
        .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .join(AftersalesCase, AftersalesCase.id == ReturnRequest.case_id)
        .where(AftersalesCase.order_id == order_id, AftersalesCase.state.in_(HOLDS_UNITS))
        .group_by(ReturnLine.order_line_id)
    )
    return {line_id: int(total) for line_id, total in rows}


async def returnable_lines(db: AsyncSession, order_id: int) -> list[ReturnableLine]:
    asked = await _asked(db, order_id)
    lines = await db.scalars(
        select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.position, OrderLine.id)
    )
    return [
        ReturnableLine(ln.id, ln.sku, ln.name_zh, ln.name_en, ln.unit, delivered_qty(ln), asked.get(ln.id, 0))
        for ln in lines
    ]


async def _returnable_order(db: AsyncSession, actor: Actor, number: str, *, lock: bool = False) -> Order:
    """The buyer's order ``number`` (404 across accounts), if its goods have arrived (409 otherwise)."""
    if actor.kind != "customer" or actor.account_id is None:
        raise Forbidden()
    stmt = readable_orders(actor).where(Order.number == number)
    order = await db.scalar(stmt.with_for_update() if lock else stmt)
    if order is None:
        raise NotFound()
    if order.status not in states.AFTER_DELIVERY:
        raise InvalidTransition(NOT_RETURNABLE)
    return order


async def request_form(db: AsyncSession, actor: Actor, number: str, *, window_days: int) -> ReturnForm:
    """What the request form of order ``number`` shows (404 across accounts, 409 before delivery)."""
    order = await _returnable_order(db, actor, number)
    return ReturnForm(
        order, await returnable_lines(db, order.id), last_day(await delivered_on(db, order), window_days)
    )


def _check(data: ReturnInput, lines: list[ReturnableLine]) -> dict[int, int]:
    """The units asked per line, every rule checked; ValidationFailed names each field at fault."""
    errors: dict[str, str] = {}
    per_field: dict[str, dict[str, object]] = {}
    by_id = {ln.id: ln for ln in lines}
    chosen = {i: q for i, q in data.quantities.items() if q and i in by_id}
    for line_id, qty in chosen.items():
        left = by_id[line_id].left
        if qty < 0 or qty > left:
            errors[f"{QTY_FIELD}{line_id}"] = TOO_MANY
            per_field[f"{QTY_FIELD}{line_id}"] = {"left": left}
    if not chosen:
        errors["lines"] = NOTHING_CHOSEN
    if data.reason not in REASONS:
        errors["reason"] = REASON_REQUIRED
    if data.desired not in RESOLUTIONS:
        errors["resolution"] = RESOLUTION_REQUIRED
    if not data.description.strip():
        errors["description"] = DESCRIPTION_REQUIRED
    if errors:
        raise ValidationFailed(errors, per_field=per_field)
    return chosen


async def request_return(
    db: AsyncSession, actor: Actor, number: str, data: ReturnInput, *, window_days: int, photo_root: Path
) -> AftersalesCase:
    """The buyer's return request on order ``number``: a case in ``requested`` with its lines and photos,
    the order's timeline, and after-sales told by e-mail. Returns the case (its ``AS-`` number).

    Errors: NotFound across accounts; InvalidTransition before delivery or after the return period;
    ValidationFailed for the form (units above what is left, no reason, ...), photos included."""
    order = await _returnable_order(db, actor, number, lock=True)  # one request at a time per order
    end = last_day(await delivered_on(db, order), window_days)
    if end is None or clock.today() > end:
        raise InvalidTransition(WINDOW_CLOSED, day=end.isoformat() if end else "")
    lines = await returnable_lines(db, order.id)
    chosen = _check(data, lines)
    cleaned = images.clean_all(list(data.photos), max_files=MAX_PHOTOS)
    description = data.description.strip()[:DESCRIPTION_LIMIT]
    case = await cases.open_case(
        db, actor, kind=RETURN, order=order, note=description, state=RmaState.REQUESTED.value
    )
    request = ReturnRequest(
        case_id=case.id, reason=data.reason, desired=data.desired, description=description
    )
    db.add(request)
    await db.flush()
    skus = {ln.id: ln.sku for ln in lines}
    for line_id, qty in sorted(chosen.items()):
        db.add(ReturnLine(return_id=request.id, order_line_id=line_id, sku=skus[line_id], quantity=qty))
    written = cases.add_photos(db, actor, case, cleaned, photo_root)
    try:
        event = record_step(db, order, actor, case, RmaMove.REQUEST)
        await db.flush()
        extra = {
            "case_number": case.number,
            "staff_case_path": staff_path(case.number),
            "reason": data.reason,
            "desired": data.desired,
            "case_note": description,
            "units": sum(chosen.values()),
            "photo_count": len(cleaned),
        }
        await notify.send(db, order, "return_requested", "aftersales", event=event, extra=extra)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return case


def staff_path(case_number: str) -> str:
    return f"/staff/aftersales/returns/{case_number}"


def record_step(
    db: AsyncSession,
    order: Order,
    actor: Actor,
    case: AftersalesCase,
    move: str,
    *,
    rma: str = "",
    note: str = "",
):  # noqa: ANN201 - the OrderEvent written
    """The order's timeline hears of each step of a return (public: the buyer reads it)."""
    data = {"number": case.number, "case_kind": RETURN, "move": str(move), "rma": rma}
    return events.record(db, order, actor, events.EventKind.RETURN_STEP, note=note, data=data, public=True)


async def window_days(db: AsyncSession) -> int:
    """The return period in days after delivery (the admin's ``return_window_days`` setting, else 30)."""
    return (await config.load(db)).return_window_days
