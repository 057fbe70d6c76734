"""Shipments and carrier events: partial or full shipping, signed webhooks, exceptions, delivery."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.catalog import Product
from portal.db.fulfilment import Carrier, CarrierEvent, LogisticsCase, Shipment, ShipmentLine
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.domain.billing import invoices
from portal.domain.errors import Field, InvalidTransition, NotFound, Place, ValidationFailed
from portal.domain.fulfilment import production
from portal.domain.orders import events, notify, service, states
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import OrderState
from portal.domain.orders.wording import EXCEPTION_LABELS
from portal.i18n import N_
from portal.text import clean_text

STATUSES = ("in_transit", "out_for_delivery", "delivered", "exception")
EXCEPTION_KINDS = ("delayed", "lost", "damaged")


# what a carrier may tell us, by the webhook or through the staff form, is kept to these lengths
TEXT_LIMITS = {"status": 20, "event_id": 120, "location": 200, "note": 2000, "exception_kind": 20}


@dataclass(frozen=True)
class EventInput:
    """One carrier event, its text cleaned and cut to TEXT_LIMITS whichever way it arrived."""

    status: str
    occurred_at: datetime
    event_id: str = ""
    location: str = ""
    note: str = ""
    exception_kind: str = ""

    def __post_init__(self) -> None:
        for name, limit in TEXT_LIMITS.items():
            object.__setattr__(self, name, clean_text(getattr(self, name), limit))


async def ship(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    *,
    carrier_code: str,
    tracking_number: str,
    quantities: dict[int, int],
) -> Shipment:
    """Hand goods to a carrier: never more per line than ordered minus already shipped; invoice them.

    Before the order is packed only stock ships (early, in part); the last shipment waits for
    production, QC and packing of the rest, whether or not part of the order left early.
    """
    if order.status not in states.SHIPPABLE:
        raise InvalidTransition()
    early = production.producing(order.status, await production.load_rows(db, order.id))
    errors: dict[Field, str] = {}
    carrier = await db.get(Carrier, carrier_code) if carrier_code else None
    if carrier is None:
        errors["carrier"] = N_("Choose a carrier.")
    if not tracking_number.strip():
        errors["tracking_number"] = N_("Enter the tracking number.")
    # the lines are locked: two people shipping the same line at once cannot ship it twice
    lines = {
        ln.id: ln
        for ln in (
            await db.scalars(select(OrderLine).where(OrderLine.order_id == order.id).with_for_update())
        ).all()
    }
    errors |= _check_lines(order, lines, quantities, early=early)
    params: dict[str, object] = {}
    if not errors:
        await _take_unreserved_stock(db, lines, quantities, errors, params)
    complete = not errors and all(
        ln.shipped_qty + quantities.get(ln.id, 0) >= ln.quantity for ln in lines.values()
    )
    if complete and early:
        errors["lines"] = N_("Finish production, QC and packing before the last shipment.")
    if errors:
        raise ValidationFailed(errors, params=params)
    shipment = Shipment(
        order_id=order.id,
        carrier_code=carrier.code,
        tracking_number=tracking_number.strip()[:80],
        shipped_by=actor.name,
    )
    db.add(shipment)
    try:
        await db.flush()
    except IntegrityError:
        raise ValidationFailed({"tracking_number": N_("This tracking number is already used.")}) from None
    for line_id, qty in quantities.items():
        if qty:
            db.add(ShipmentLine(shipment_id=shipment.id, order_line_id=line_id, quantity=qty))
            lines[line_id].shipped_qty += qty
    await service.ship(db, actor, order, complete=complete, mail=_mail(carrier, shipment, lines))
    await invoices.issue_for_shipment(db, order, shipment.id)  # the goods that left are invoiced now
    return shipment


def _check_lines(
    order: Order, lines: dict[int, OrderLine], quantities: dict[int, int], *, early: bool
) -> dict[Field, str]:
    """Per line at most what is left; early, only stock, and a backorder only once the buyer took a part."""
    errors: dict[Field, str] = {}
    for line_id, qty in quantities.items():
        line = lines.get(line_id)
        if line is None or qty < 0 or qty > line.quantity - line.shipped_qty:
            errors[Place("line", "quantity", line_id)] = N_("At most the quantity still to ship.")
        elif early and qty and line.allocation == "made_to_order":
            errors[Place("line", "quantity", line_id)] = N_(
                "Made-to-order goods ship after their inspection and packing."
            )
    if not errors and not any(quantities.values()):
        errors["lines"] = N_("Enter a quantity for at least one line.")
    backordered = any(ln.allocation == "backordered" for ln in lines.values())
    if not errors and early and backordered and order.backorder_choice != "partial":
        errors["lines"] = N_("The customer has not accepted a partial shipment: the order ships complete.")
    return errors


def _mail(carrier: Carrier, shipment: Shipment, lines: dict[int, OrderLine]) -> dict[str, object]:
    """What the shipped e-mail says: carrier, tracking number and what is still to come."""
    left = sorted(lines.values(), key=lambda ln: (ln.position, ln.id))
    return {
        "carrier": carrier.name,
        "tracking_number": shipment.tracking_number,
        "shipment_id": shipment.id,
        "remaining": ", ".join(
            f"{ln.sku} × {ln.quantity - ln.shipped_qty}" for ln in left if ln.quantity > ln.shipped_qty
        ),
    }


async def _take_unreserved_stock(
    db: AsyncSession,
    lines: dict[int, OrderLine],
    quantities: dict[int, int],
    errors: dict[Field, str],
    params: dict[str, object],
) -> None:
    """Goods leaving the warehouse beyond what was reserved (a backorder now in stock) come off stock now."""
    for line_id in sorted(quantities, key=lambda i: lines[i].product_id or 0):
        line, qty = lines[line_id], quantities[line_id]
        needed = line.shipped_qty + qty - line.reserved_qty
        if not qty or needed <= 0 or line.allocation == "made_to_order" or line.product_id is None:
            continue
        product = await db.scalar(
            select(Product)
            .where(Product.id == line.product_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if product.stock_on_hand < needed:
            params["available"] = line.reserved_qty - line.shipped_qty + product.stock_on_hand
            errors[Place("line", "quantity", line_id)] = N_(
                "Only %(available)s of this line are in stock to ship."
            )
            continue
        product.stock_on_hand -= needed
        line.reserved_qty += needed
        if line.reserved_qty >= line.quantity:
            line.allocation = "reserved"


async def _shipment_for(db: AsyncSession, carrier_code: str, tracking_number: str) -> Shipment:
    shipment = await find_shipment(db, carrier_code, tracking_number)
    if shipment is None:
        raise NotFound()
    return shipment


async def new_event_row(
    db: AsyncSession, carrier_code: str, event: EventInput, *, source: str, **parcel: int
) -> CarrierEvent | None:
    """The ``carrier_events`` row of ``event`` about ``parcel`` (``shipment_id=`` or ``return_id=``), not
    yet added; None when the carrier's event id is recorded already. Call it holding the parcel's lock."""
    event_id = event.event_id or f"{source}-{uuid.uuid4().hex}"
    known = await db.scalar(
        select(CarrierEvent.id).where(
            CarrierEvent.carrier_code == carrier_code, CarrierEvent.event_id == event_id
        )
    )
    if known is not None:
        return None
    return CarrierEvent(
        carrier_code=carrier_code,
        event_id=event_id,
        status=event.status,
        exception_kind=event.exception_kind,
        occurred_at=event.occurred_at,
        location=event.location,
        note=event.note,
        source=source,
        **parcel,
    )


async def record_event(
    db: AsyncSession, shipment: Shipment, event: EventInput, *, source: str, actor: Actor | None = None
) -> bool:
    """Store a carrier event and act on it; False when this event id was already recorded (a no-op)."""
    check_status(event)
    # the shipment row is the lock: one event of a shipment at a time, so the dedupe below holds
    await db.refresh(shipment, with_for_update=True)
    row = await new_event_row(db, shipment.carrier_code, event, source=source, shipment_id=shipment.id)
    if row is None:
        return False
    check_event_time(shipment, event, source=source)
    latest = await db.scalar(
        select(func.max(CarrierEvent.occurred_at)).where(CarrierEvent.shipment_id == shipment.id)
    )
    db.add(row)
    # a late, older event is kept in the history but does not move the shipment back
    if shipment.status != "delivered" and (latest is None or event.occurred_at >= latest):
        shipment.status = event.status
    order = await db.get(Order, shipment.order_id, with_for_update=True)
    if event.status == "delivered" and shipment.delivered_at is None:
        shipment.status, shipment.delivered_at = "delivered", event.occurred_at
        await _maybe_delivered(db, order, actor)
    elif event.status == "exception":
        await _open_case(db, order, shipment, event)
    await db.flush()
    return True


def check_event_time(shipment: Shipment, event: EventInput, *, source: str) -> None:
    """Refuse a carrier event that cannot be true: in the future, or delivered before it left.

    A carrier may scan a parcel before staff register the shipment here, so only a delivery (or a
    staff entry, made after the fact) before the shipment left is impossible.
    """
    if clock.in_the_future(event.occurred_at):
        raise ValidationFailed({"occurred_at": N_("This time is in the future.")})
    left = shipment.shipped_at.replace(second=0, microsecond=0)  # people enter times to the minute
    if event.occurred_at < left and (event.status == "delivered" or source == "staff"):
        raise ValidationFailed(
            {"occurred_at": N_("This time is before the shipment left (%(shipped_at)s).")},
            params={
                "shipped_at": shipment.shipped_at.astimezone(clock.BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")
            },
        )


async def _maybe_delivered(db: AsyncSession, order: Order, actor: Actor | None) -> None:
    """All shipments delivered and everything shipped: the order is delivered."""
    if order.status != OrderState.SHIPPED:
        return
    await db.flush()  # this shipment's delivery counts
    open_shipments = await db.scalar(
        select(Shipment.id).where(Shipment.order_id == order.id, Shipment.delivered_at.is_(None)).limit(1)
    )
    if open_shipments is None:
        order.delivered_at = clock.now()
        await service.deliver(db, actor or Actor.system("carrier"), order)


async def _open_case(db: AsyncSession, order: Order, shipment: Shipment, event: EventInput) -> None:
    db.add(
        LogisticsCase(order_id=order.id, shipment_id=shipment.id, kind=event.exception_kind, note=event.note)
    )
    events.record(
        db,
        order,
        Actor.system("carrier"),
        events.EventKind.DELIVERY_EXCEPTION,
        note=event.note,
        data={"kind": event.exception_kind, "tracking_number": shipment.tracking_number},
    )
    await notify.send(
        db,
        order,
        "delivery_exception",
        "customer",
        extra={
            "tracking_number": shipment.tracking_number,
            "problem": EXCEPTION_LABELS[event.exception_kind],
        },
    )


def parse_webhook(payload: dict) -> tuple[str, EventInput]:
    """A carrier's webhook payload as (tracking number, event); ValidationFailed when malformed."""
    required = ("event_id", "tracking_number", "status", "occurred_at")
    if not isinstance(payload, dict) or any(
        not isinstance(payload.get(k), str) or not payload[k] for k in required
    ):
        raise ValidationFailed(
            {"payload": N_("event_id, tracking_number, status and occurred_at are required.")}
        )
    raw_time = payload["occurred_at"]
    try:
        if datetime.fromisoformat(raw_time.strip()).tzinfo is None:  # a machine must say its offset
            raise ValueError(raw_time)
        occurred = clock.parse_instant(raw_time)
    except ValueError:
        raise ValidationFailed(
            {"occurred_at": N_("occurred_at must be an ISO 8601 time with an offset, in 2000-2100.")}
        ) from None
    status, kind = payload["status"], str(payload.get("exception") or payload.get("exception_kind") or "")
    if status in EXCEPTION_KINDS:  # some carriers send the kind as the status
        status, kind = "exception", status
    event = EventInput(
        status=status,
        exception_kind=kind,
        occurred_at=occurred,
        event_id=payload["event_id"],
        location=payload.get("location"),
        note=payload.get("note"),
    )
    check_status(event)
    return payload["tracking_number"], event


def check_status(event: EventInput) -> None:
    """A known status, and an exception that says its kind (ValidationFailed otherwise)."""
    if event.status not in STATUSES:
        raise ValidationFailed({"status": N_("Unknown status.")})
    if event.status == "exception" and event.exception_kind not in EXCEPTION_KINDS:
        raise ValidationFailed({"exception_kind": N_("Say whether the goods are delayed, lost or damaged.")})


async def find_shipment(db: AsyncSession, carrier_code: str, tracking_number: str) -> Shipment | None:
    """Our shipment with this carrier and tracking number, if there is one."""
    return await db.scalar(
        select(Shipment).where(
            Shipment.carrier_code == carrier_code, Shipment.tracking_number == tracking_number
        )
    )


async def resolve_case(db: AsyncSession, actor: Actor, case_id: int, *, resolution: str) -> LogisticsCase:
    """Record how a delivery exception was resolved, on the timeline and in an e-mail to the buyer."""
    case = await db.get(LogisticsCase, case_id, with_for_update=True)
    if case is None:
        raise NotFound()
    if not resolution.strip():
        raise ValidationFailed({"resolution": N_("Describe how the case was resolved.")})
    if case.resolved_at is None:
        case.resolved_at, case.resolution, case.resolved_by = (
            clock.now(),
            resolution.strip()[:4000],
            actor.name,
        )
        order = await db.get(Order, case.order_id)
        tracking_number = await db.scalar(
            select(Shipment.tracking_number).where(Shipment.id == case.shipment_id)
        )
        events.record(
            db,
            order,
            actor,
            events.EventKind.CASE_RESOLVED,
            note=case.resolution,
            data={"case_id": case.id, "kind": case.kind, "tracking_number": tracking_number},
        )
        extra = {
            "tracking_number": tracking_number,
            "problem": EXCEPTION_LABELS.get(case.kind, ""),
            "resolution": case.resolution,
        }
        await notify.send(db, order, "case_resolved", "customer", extra=extra)
        await db.flush()
    return case


async def revoke_tracking_links(db: AsyncSession, actor: Actor, order: Order) -> OrderEvent:
    """Every tracking link sent so far stops working; the order's version is checked and bumped."""
    order.tracking_link_version += 1
    event = events.record(db, order, actor, events.EventKind.TRACKING_LINKS_REVOKED, public=False)
    await service.flush(db)  # an order changed meanwhile: OrderChanged
    return event
