"""Read models of shipments, carrier events and cases for the order pages and the tracking page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.catalog import Product
from portal.db.fulfilment import Carrier, CarrierEvent, LogisticsCase, Shipment, ShipmentLine
from portal.db.orders import Order, OrderLine
from portal.domain.errors import NotFound
from portal.domain.fulfilment import production


@dataclass(frozen=True)
class EventView:
    status: str
    exception_kind: str
    occurred_at: datetime
    location: str
    note: str


@dataclass(frozen=True)
class ShipmentView:
    id: int
    carrier_code: str
    carrier_name: str
    tracking_number: str
    tracking_url: str
    status: str
    shipped_at: datetime
    eta: date | None
    delivered_at: datetime | None
    lines: list[tuple[str, int]] = field(default_factory=list)  # (sku, quantity)
    events: list[EventView] = field(default_factory=list)


@dataclass(frozen=True)
class CaseView:
    id: int
    shipment_id: int
    kind: str
    note: str
    opened_at: datetime
    resolved_at: datetime | None
    resolution: str


def tracking_url(template: str | None, tracking_number: str) -> str:
    """The carrier's tracking page for this number ("{tracking_number}" in its URL replaced); "" without one."""
    return template.replace("{tracking_number}", tracking_number) if template else ""


async def shipments_for(db: AsyncSession, order_id: int) -> list[ShipmentView]:
    """All shipments of an order with their lines and events: three statements, whatever the count."""
    rows = (
        await db.execute(
            select(Shipment, Carrier.name, Carrier.tracking_url)
            .join(Carrier, Carrier.code == Shipment.carrier_code)
            .where(Shipment.order_id == order_id)
            .order_by(Shipment.shipped_at, Shipment.id)
        )
    ).all()
    ids = [s.id for s, _, _ in rows]
    lines: dict[int, list[tuple[str, int]]] = {i: [] for i in ids}
    events: dict[int, list[EventView]] = {i: [] for i in ids}
    if ids:
        for sid, sku, qty in (
            await db.execute(
                select(ShipmentLine.shipment_id, OrderLine.sku, ShipmentLine.quantity)
                .join(OrderLine, OrderLine.id == ShipmentLine.order_line_id)
                .where(ShipmentLine.shipment_id.in_(ids))
                .order_by(ShipmentLine.id)
            )
        ).all():
            lines[sid].append((sku, qty))
        for e in (
            await db.scalars(
                select(CarrierEvent)
                .where(CarrierEvent.shipment_id.in_(ids))
                .order_by(CarrierEvent.occurred_at, CarrierEvent.id)
            )
        ).all():
            events[e.shipment_id].append(
                EventView(e.status, e.exception_kind, e.occurred_at, e.location, e.note)
            )
    return [
        ShipmentView(
            s.id,
            s.carrier_code,
            name,
            s.tracking_number,
            tracking_url(url, s.tracking_number),
            s.status,
            s.shipped_at,
            s.eta,
            s.delivered_at,
            lines[s.id],
            events[s.id],
        )
        for s, name, url in rows
    ]


async def cases_for(db: AsyncSession, order_id: int, *, open_only: bool = False) -> list[CaseView]:
    stmt = select(LogisticsCase).where(LogisticsCase.order_id == order_id).order_by(LogisticsCase.id)
    if open_only:
        stmt = stmt.where(LogisticsCase.resolved_at.is_(None))
    return [
        CaseView(c.id, c.shipment_id, c.kind, c.note, c.opened_at, c.resolved_at, c.resolution)
        for c in (await db.scalars(stmt)).all()
    ]


async def open_cases(db: AsyncSession, *, limit: int = 20) -> list[tuple[int, str, str, datetime]]:
    """For the staff dashboard: (case id, order number, kind, opened at) of unresolved exceptions."""
    rows = await db.execute(
        select(LogisticsCase.id, Order.number, LogisticsCase.kind, LogisticsCase.opened_at)
        .join(Order, Order.id == LogisticsCase.order_id)
        .where(LogisticsCase.resolved_at.is_(None))
        .order_by(LogisticsCase.opened_at)
        .limit(limit)
    )
    return [tuple(r) for r in rows]


async def carriers(db: AsyncSession) -> list[tuple[str, str]]:
    return [
        tuple(r) for r in (await db.execute(select(Carrier.code, Carrier.name).order_by(Carrier.name))).all()
    ]


@dataclass(frozen=True)
class ShipLine:
    """One order line on the ship form: ordered, still to ship, and what the form offers now."""

    line_id: int
    sku: str
    ordered: int
    left: int
    offered: int  # everything left once packed; before that the stock, when the buyer took a part


@dataclass(frozen=True)
class ShippingPanel:
    shipments: list[ShipmentView]
    cases: list[CaseView]
    carriers: list[tuple[str, str]]
    to_ship: list[ShipLine]
    backordered: list[str]  # SKUs still waiting for stock
    backorder_choice: str  # the customer's answer: wait | partial | substitute, or "" when none yet
    early: bool  # the rest is not packed yet: only stock may ship, and not the last of it


def _offered(line: Any, *, early: bool, partial: bool) -> int:
    """What the ship form fills in: all once packed; before, the stock if the buyer took a partial shipment."""
    left = line.quantity - line.shipped_qty
    if not early:
        return left
    if not partial or line.allocation == "made_to_order":
        return 0
    return min(left, max(line.reserved_qty - line.shipped_qty, 0) + (line.stock_on_hand or 0))


async def shipping_panel(db: AsyncSession, order_id: int) -> ShippingPanel:
    lines = (
        await db.execute(
            select(
                OrderLine.id,
                OrderLine.sku,
                OrderLine.quantity,
                OrderLine.shipped_qty,
                OrderLine.reserved_qty,
                OrderLine.allocation,
                Product.stock_on_hand,
            )
            .outerjoin(Product, Product.id == OrderLine.product_id)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.position, OrderLine.id)
        )
    ).all()
    status, choice = (
        await db.execute(select(Order.status, Order.backorder_choice).where(Order.id == order_id))
    ).one()
    return shipping_panel_of(
        lines,
        status=status,
        choice=choice,
        milestones=await production.load_rows(db, order_id),
        shipments=await shipments_for(db, order_id),
        cases=await cases_for(db, order_id),
        carriers=await carriers(db),
    )


def shipping_panel_of(
    lines: Sequence[Any],
    *,
    status: str,
    choice: str | None,
    milestones: Mapping[str, Any],
    shipments: list[ShipmentView],
    cases: list[CaseView],
    carriers: list[tuple[str, str]],
) -> ShippingPanel:
    """The panel from what was read: ``lines`` with id, sku, quantity, shipped_qty, reserved_qty,
    allocation and stock_on_hand (in the order's order), the recorded ``milestones`` by name."""
    early = production.producing(status, milestones)
    partial = choice == "partial"  # what the buyer accepted; otherwise an early shipment is typed in
    return ShippingPanel(
        shipments=shipments,
        cases=cases,
        carriers=carriers,
        to_ship=[
            ShipLine(
                ln.id,
                ln.sku,
                ln.quantity,
                ln.quantity - ln.shipped_qty,
                _offered(ln, early=early, partial=partial),
            )
            for ln in lines
        ],
        backordered=[ln.sku for ln in lines if ln.allocation == "backordered"],
        backorder_choice=choice or "",
        early=early,
    )


async def shipment_of_order(db: AsyncSession, shipment_id: int) -> tuple[Shipment, str]:
    """A shipment and its order's number, for recording a carrier event by hand."""
    row = (
        await db.execute(
            select(Shipment, Order.number)
            .join(Order, Order.id == Shipment.order_id)
            .where(Shipment.id == shipment_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    return row[0], row[1] or ""


async def case_order_number(db: AsyncSession, case_id: int) -> str | None:
    """The number of the order a logistics case belongs to, if the case exists."""
    return await db.scalar(
        select(Order.number)
        .join(LogisticsCase, LogisticsCase.order_id == Order.id)
        .where(LogisticsCase.id == case_id)
    )
