"""Packing an order after its quality inspection: packages with their contents, then ready to ship.

One call adds at most one package; marking packing complete needs every line fully packed, reaches
the ``packed`` milestone and moves the order to ``ready_to_ship``. Goods shipped early from stock,
before packing completes, left unpacked: what is left to pack of a line is its quantity less shipped
and packed. The label and the delivery note (送货单) are printed from ``print_documents``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.fulfilment import Package, ProductionMilestone
from portal.db.orders import Order, OrderLine
from portal.domain.errors import Field, InvalidTransition, Place, ValidationFailed
from portal.domain.fulfilment import production
from portal.domain.fulfilment.milestones import PACKED, QC
from portal.domain.orders import events, service, views
from portal.domain.orders.actors import Actor
from portal.i18n import N_

TOO_MANY = N_("At most the quantity still to pack.")
WEIGHT = N_("Enter the weight in kg, e.g. 12.5.")
MAX_WEIGHT = Decimal(100000)


@dataclass(frozen=True)
class PackedItem:
    """Some of one order line: its items in a package, or (as ``LinePacking``) the line itself."""

    line_id: int
    sku: str
    name_zh: str
    name_en: str
    quantity: int
    unit: str
    labels: dict  # the line's zh and en words for its unit (catalog/labels.py)


@dataclass(frozen=True)
class PackageView:
    position: int
    weight_kg: str
    dimensions: str
    packed_at: datetime
    items: list[PackedItem]


@dataclass(frozen=True)
class LinePacking(PackedItem):
    """One order line on the packing form (``quantity`` ordered): how much is packed and how much is left."""

    packed: int = 0
    shipped: int = 0  # shipped early, unpacked, before packing completed

    @property
    def remaining(self) -> int:
        return max(self.quantity - self.shipped - self.packed, 0)


@dataclass(frozen=True)
class PrintDocuments:
    """What the label and the delivery note print: the order, its packages and production date."""

    order: views.OrderView
    packages: list[PackageView]
    production_date: date | None
    printed_on: date


def _packed_per_line(packages: list[Package]) -> dict[int, int]:
    packed: dict[int, int] = defaultdict(int)
    for package in packages:
        for item in package.contents:
            packed[int(item["line_id"])] += int(item["quantity"])
    return packed


async def _packages(db: AsyncSession, order_id: int) -> list[Package]:
    return list(
        (
            await db.scalars(select(Package).where(Package.order_id == order_id).order_by(Package.position))
        ).all()
    )


def _weight(weight: Decimal | None) -> str:
    """The package weight as stored: none, or more than 0 and under 100 000 kg."""
    if weight is None:
        return ""
    if weight <= 0 or weight >= MAX_WEIGHT:
        raise ValidationFailed({"weight_kg": WEIGHT})
    return str(weight)


def _check(
    lines: dict[int, OrderLine], packed: dict[int, int], quantities: dict[int, int], *, done: bool
) -> dict[Field, str]:
    """Refuse more than is left to pack of a line (packing happens before any shipment of packed goods)."""
    errors: dict[Field, str] = {}
    for line_id, qty in quantities.items():
        line = lines.get(line_id)
        if line is None or qty < 0 or qty > line.quantity - line.shipped_qty - packed[line_id]:
            errors[Place("line", "quantity", line_id)] = TOO_MANY
    if not errors and not done and not any(quantities.values()):
        errors["pack"] = N_("Enter a quantity for at least one line.")
    after = {i: line.shipped_qty + packed[i] + quantities.get(i, 0) for i, line in lines.items()}
    if not errors and done and any(after[i] < line.quantity for i, line in lines.items()):
        errors["done"] = N_("Not everything is packed yet: pack the rest before completing.")
    return errors


async def pack(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    *,
    quantities: dict[int, int],
    weight_kg: Decimal | None = None,
    dimensions: str = "",
    done: bool = False,
    unreadable: dict[str, str] | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Package | None:
    """Add one package (if any quantity is given) and, with ``done``, complete packing: ready to ship."""
    rows = await production.load_rows(db, order.id, lock=True)
    if not production.producing(order.status, rows):
        raise InvalidTransition()
    if not production.is_done(rows, QC):
        raise ValidationFailed({"pack": N_("Packing starts once the quality inspection has passed.")})
    # the lines are locked: two people packing the same line at once cannot pack it twice
    lines = {
        ln.id: ln
        for ln in (
            await db.scalars(select(OrderLine).where(OrderLine.order_id == order.id).with_for_update())
        ).all()
    }
    existing = await _packages(db, order.id)
    errors = _check(lines, _packed_per_line(existing), quantities, done=done)
    errors.update(unreadable or {})  # what the form could not read (the weight), refused with the rest
    try:
        weight = _weight(weight_kg)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    await production.bump_version(db, order, expected_version)
    package = None
    if any(quantities.values()):
        contents = [{"line_id": i, "sku": lines[i].sku, "quantity": q} for i, q in quantities.items() if q]
        package = Package(
            order_id=order.id,
            position=len(existing) + 1,
            weight_kg=weight,
            dimensions=dimensions.strip()[:60],
            contents=contents,
        )
        db.add(package)
        events.record(
            db,
            order,
            actor,
            events.EventKind.PACKED,
            public=False,
            data={"position": package.position, "contents": contents},
        )
        await db.flush()
    if done:
        await _complete(db, actor, order, rows, today or production.clock.today())
    return package


async def _complete(
    db: AsyncSession, actor: Actor, order: Order, rows: dict[str, ProductionMilestone], today: date
) -> None:
    milestone = production.ensure_row(db, order, rows, PACKED)
    milestone.actual_date, milestone.progress, milestone.updated_by = today, 100, actor.name
    await production.refresh_estimate(db, order, rows)
    event = await service.mark_ready_to_ship(db, actor, order)
    await production.mail_milestone(db, order, event, PACKED, today)


async def packing_lines(db: AsyncSession, order_id: int) -> list[LinePacking]:
    lines = (
        await db.scalars(
            select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.position, OrderLine.id)
        )
    ).all()
    packed = _packed_per_line(await _packages(db, order_id))
    return [
        LinePacking(
            ln.id,
            ln.sku,
            ln.name_zh,
            ln.name_en,
            ln.quantity,
            ln.unit,
            ln.labels or {},
            packed=packed[ln.id],
            shipped=ln.shipped_qty,
        )
        for ln in lines
    ]


async def packages_for(db: AsyncSession, order_id: int) -> list[PackageView]:
    packages = await _packages(db, order_id)
    lines = {ln.id: ln for ln in (await db.scalars(select(OrderLine).where(OrderLine.order_id == order_id)))}
    out = []
    for p in packages:
        items = [
            PackedItem(ln.id, ln.sku, ln.name_zh, ln.name_en, int(i["quantity"]), ln.unit, ln.labels or {})
            for i in p.contents
            if (ln := lines.get(int(i["line_id"]))) is not None
        ]
        out.append(PackageView(p.position, p.weight_kg, p.dimensions, p.packed_at, items))
    return out


async def print_documents(db: AsyncSession, actor: Actor, number: str) -> PrintDocuments:
    order, _events = await views.order_detail(db, actor, number=number)
    rows = await production.load_rows(db, order.id)
    return PrintDocuments(
        order, await packages_for(db, order.id), production.production_date(rows), production.clock.today()
    )
