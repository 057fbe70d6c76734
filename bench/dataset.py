"""The benchmark dataset: the demo data, N products and M orders of the demo buyer's account.

Products and orders are written with bulk Core inserts (one ``INSERT`` of many rows per table),
so 2,000 products and 500 orders take a few seconds. One order is instead walked through the
real domain services — submit, review, e-signed confirmation, production milestones, QC,
packing, two shipments and carrier events — so the tracking page the benchmark reads has the
shape the application itself writes.

The bulk orders carry the events, lines, milestones, shipments and carrier events their state
implies (no confirmations, attachments or outbox rows: the list pages do not read them). A second
account gets three orders, so list pages can be compared at two sizes (``small_account_id``).

    python -m bench.dataset --products 2000 --orders 500   # into DATABASE_URL (must be migrated)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from portal import clock
from portal.db.catalog import Product
from portal.db.customers import Address, CustomerUser
from portal.db.demo import seed_demo
from portal.db.engine import make_engine, make_sessionmaker
from portal.db.fulfilment import CarrierEvent, ProductionMilestone, Shipment, ShipmentLine
from portal.db.orders import Order, OrderEvent, OrderLine, OrderNumberCounter
from portal.db.staff import StaffUser
from portal.domain.fulfilment import packing, production, qc, shipping
from portal.domain.fulfilment.milestones import IN_PRODUCTION, MATERIALS_READY, MILESTONES, PLANNED
from portal.domain.orders import confirmation, confirmation_docs, numbering, pricing, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.checkout import ADDRESS_FIELDS

CARRIER = "democarrier"  # created by seed_demo
VAT = Decimal("0.13")
SHIPPING_FEE = Decimal("200.00")
FREE_SHIPPING_OVER = Decimal("10000.00")
# (sku prefix, zh, en, category): "pump" matches two families of eight, i.e. a quarter of the products
FAMILIES = [
    ("PMP", "离心泵", "Centrifugal pump", "pumps"),
    ("VLV", "闸阀", "Gate valve", "valves"),
    ("MTR", "三相电机", "Three-phase motor", "motors"),
    ("GBX", "减速机", "Gearbox", "gearboxes"),
    ("BRG", "轴承", "Bearing", "bearings"),
    ("SEN", "传感器", "Sensor", "sensors"),
    ("HYD", "液压泵", "Hydraulic pump", "hydraulics"),
    ("PIP", "法兰", "Flange", "piping"),
]
HUBS = ["上海转运中心", "苏州分拨中心", "无锡集散点", "南京转运中心", "杭州分拨中心"]


@dataclass(frozen=True)
class Dataset:
    products: int  # all active products, demo ones included
    orders: int  # placed orders of the demo account
    tracking_order_id: int
    tracking_link_version: int
    tracking_order_number: str
    demo_account_id: int
    small_account_id: int  # the second demo account: three orders
    seconds: float


@dataclass(frozen=True)
class _People:
    demo_account: int
    demo_user: tuple[int, str]
    demo_address: dict[str, str]
    small_account: int
    small_user: tuple[int, str]
    small_address: dict[str, str]
    staff: dict[str, tuple[int, str, list[str]]]  # by role: (id, name, roles)


# --- entry point -------------------------------------------------------------------------------------


async def generate(database_url: str, *, products: int = 2000, orders: int = 500, seed: int = 7) -> Dataset:
    """Fill a migrated, empty database; returns what the benchmark needs to find its pages."""
    started = time.perf_counter()
    await seed_demo(database_url, orders=False)  # people and catalog; the benchmark makes its own orders
    rng = random.Random(seed)
    engine = make_engine(database_url, pool_size=2)
    try:
        async with make_sessionmaker(engine)() as db:
            people = await _people(db)
            await _bulk_products(db, rng, products)
            await db.commit()
            tracked = await _tracked_order(db, people)
            await db.commit()
        async with engine.begin() as conn:
            catalog = await _catalog(conn)
            # the domain-made order above is one of the demo account's M orders
            placed = _plan_orders(
                rng, max(orders - 1, 0), people.demo_account, people.demo_user, people.demo_address
            )
            placed += _plan_orders(rng, 3, people.small_account, people.small_user, people.small_address)
            await _bulk_orders(conn, rng, placed, catalog, people)
            await conn.execute(text("ANALYZE"))
            total_products = (await conn.execute(text("SELECT count(*) FROM products"))).scalar_one()
            demo_orders = (
                await conn.execute(
                    select(Order.id).where(Order.account_id == people.demo_account, Order.number.is_not(None))
                )
            ).all()
    finally:
        await engine.dispose()
    return Dataset(
        products=int(total_products),
        orders=len(demo_orders),
        tracking_order_id=tracked.id,
        tracking_link_version=tracked.tracking_link_version,
        tracking_order_number=tracked.number or "",
        demo_account_id=people.demo_account,
        small_account_id=people.small_account,
        seconds=time.perf_counter() - started,
    )


async def _people(db: AsyncSession) -> _People:
    async def buyer(email: str) -> tuple[int, tuple[int, str], dict[str, str]]:
        user = await db.scalar(select(CustomerUser).where(CustomerUser.email == email))
        address = await db.scalar(
            select(Address).where(Address.account_id == user.account_id).order_by(Address.id).limit(1)
        )
        snapshot = {"country": address.country, **{f: getattr(address, f) for f in ADDRESS_FIELDS}}
        return user.account_id, (user.id, user.name), snapshot

    demo_account, demo_user, demo_address = await buyer("buyer@example.com")
    small_account, small_user, small_address = await buyer("buyer2@example.com")
    staff = {}
    for user in (await db.scalars(select(StaffUser).order_by(StaffUser.id))).all():
        if len(user.roles) == 1:  # the demo's one-role people: sales@, reviewer@, production@ ...
            staff[user.roles[0]] = (user.id, user.name, list(user.roles))
    return _People(demo_account, demo_user, demo_address, small_account, small_user, small_address, staff)


# --- products ----------------------------------------------------------------------------------------


async def _bulk_products(db: AsyncSession, rng: random.Random, count: int) -> None:
    rows = []
    for i in range(count):
        prefix, zh, en, category = FAMILIES[i % len(FAMILIES)]
        model = f"{rng.choice('ABCDEFGHJK')}{rng.randint(10, 999)}"
        price = Decimal(rng.randint(1500, 3_000_000)) / 100
        made_to_order = rng.random() < 0.1
        rows.append(
            {
                "sku": f"{prefix}-B{i:05d}",
                "name_zh": f"{zh} {model}型",
                "name_en": f"{en} {model}",
                "description_zh": f"{zh} {model}型，工业级品质，符合国家标准。",
                "description_en": f"{en} {model}, industrial grade, to national standards.",
                "category": category,
                "unit": "pcs",
                "list_price": price,
                "stock_on_hand": 0 if made_to_order else rng.randint(0, 500),
                "lead_time_days": rng.randint(3, 45),
                "made_to_order": made_to_order,
                "min_order_qty": 1,
                "max_order_qty": 100000,
                "spec_options": {"voltage": ["220V", "380V"]} if i % 3 == 0 else {},
                "is_active": rng.random() > 0.03,
            }
        )
    await db.execute(insert(Product), rows)


async def _catalog(conn: AsyncConnection) -> list[Any]:
    return list(
        (
            await conn.execute(
                select(
                    Product.id,
                    Product.sku,
                    Product.name_zh,
                    Product.name_en,
                    Product.unit,
                    Product.list_price,
                )
            )
        ).all()
    )


# --- one order through the domain: what the tracking page shows -------------------------------------


def _staff(people: _People, role: str) -> Actor:
    user_id, name, roles = people.staff[role]
    return Actor.staff(user_id=user_id, name=name, roles=roles)


async def _tracked_order(db: AsyncSession, people: _People) -> Order:
    """Submitted, confirmed, produced, inspected, packed, shipped in two parcels: one delivered."""
    buyer_id, buyer_name = people.demo_user
    buyer = Actor.customer(user_id=buyer_id, name=buyer_name, account_id=people.demo_account)
    picks = (
        await db.scalars(
            select(Product).where(Product.sku.in_(["PMP-100", "VLV-DN50", "BRG-6205"])).order_by(Product.sku)
        )
    ).all()
    order = Order(
        account_id=people.demo_account,
        contact_user_id=buyer_id,
        channel="web",
        status="draft",
        shipping_address=people.demo_address,
        invoice_title="演示制造有限公司",
        tax_id="91310000MA1FL8XQ3K",
        requested_delivery_date=clock.today() + timedelta(days=21),
    )
    db.add(order)
    await db.flush()
    lines = []
    for position, (product, quantity) in enumerate(zip(picks, (2, 10, 40), strict=True)):
        line = OrderLine(
            order_id=order.id,
            product_id=product.id,
            position=position,
            sku=product.sku,
            name_zh=product.name_zh,
            name_en=product.name_en,
            quantity=quantity,
            unit=product.unit,
            unit_price=product.list_price,
            line_total=pricing.line_total(product.list_price, quantity),
        )
        db.add(line)
        lines.append(line)
    await service.submit(db, buyer, order)
    await service.approve(
        db,
        _staff(people, "reviewer"),
        order,
        expected_version=None,
        thresholds=[Decimal("1e12")],
        promised_date=clock.today() + timedelta(days=20),
    )
    doc = (await confirmation_docs.versions(db, order.id))[0]
    signature = confirmation.Signature(
        signer_name=buyer_name, agree=True, document_hash=doc.content_hash, user_agent="bench"
    )
    await confirmation.accept(db, buyer, order, signature)
    maker = _staff(people, "production")
    today = clock.today()
    plan = {m: today + timedelta(days=2 * i) for i, m in enumerate(MILESTONES)}
    await production.record_milestone(
        db, maker, order, production.MilestoneReport(milestone=PLANNED, planned=plan)
    )
    await production.record_milestone(
        db, maker, order, production.MilestoneReport(milestone=MATERIALS_READY, done=True)
    )
    await production.record_milestone(
        db, maker, order, production.MilestoneReport(milestone=IN_PRODUCTION, progress=60)
    )
    await production.record_milestone(
        db, maker, order, production.MilestoneReport(milestone=IN_PRODUCTION, done=True)
    )
    await qc.inspect(db, maker, order, result="pass")
    logistics = _staff(people, "logistics")
    await packing.pack(
        db,
        logistics,
        order,
        quantities={ln.id: ln.quantity for ln in lines},
        weight_kg=Decimal("180"),
        dimensions="120x80x90 cm",
        done=True,
    )
    now = clock.now()
    first = await shipping.ship(
        db,
        logistics,
        order,
        carrier_code=CARRIER,
        tracking_number="DX-BENCH-0001",
        quantities={lines[0].id: 2, lines[1].id: 10},
    )
    first.shipped_at = now - timedelta(hours=36)  # it left a day and a half ago: its events follow
    await db.flush()
    for hours, status, hub in ((30, "in_transit", 0), (20, "in_transit", 1), (6, "out_for_delivery", 2)):
        event = shipping.EventInput(
            status=status,
            occurred_at=now - timedelta(hours=hours),
            location=HUBS[hub],
            event_id=f"b1-{hours}",
        )
        await shipping.record_event(db, first, event, source="webhook")
    delivered = shipping.EventInput(status="delivered", occurred_at=now - timedelta(hours=1), event_id="b1-d")
    await shipping.record_event(db, first, delivered, source="webhook")
    second = await shipping.ship(
        db,
        logistics,
        order,
        carrier_code=CARRIER,
        tracking_number="DX-BENCH-0002",
        quantities={lines[2].id: 40},
    )
    second.shipped_at = now - timedelta(hours=3)
    await db.flush()
    event = shipping.EventInput(
        status="in_transit", occurred_at=now - timedelta(hours=2), location=HUBS[0], event_id="b2-1"
    )
    await shipping.record_event(db, second, event, source="webhook")
    await db.flush()
    return order


# --- bulk orders ---------------------------------------------------------------------------------------

# (age range in days, weight, {status: weight}); recent orders are still in review, old ones completed
AGE_BANDS = [
    (
        (0.0, 2.0),
        0.10,
        {"submitted": 70, "changes_requested": 8, "awaiting_approval": 10, "confirmation_sent": 12},
    ),
    (
        (2.0, 10.0),
        0.15,
        {
            "confirmation_sent": 10,
            "confirmed": 20,
            "in_production": 50,
            "ready_to_ship": 10,
            "cancelled": 5,
            "rejected": 5,
        },
    ),
    ((10.0, 25.0), 0.15, {"in_production": 15, "partially_shipped": 15, "shipped": 35, "delivered": 35}),
    ((25.0, 365.0), 0.60, {"delivered": 5, "completed": 85, "cancelled": 7, "rejected": 3}),
]
# the actions that bring an order to each state: (action, role, to_state)
PATHS: dict[str, list[tuple[str, str, str]]] = {}
_MAIN = [
    ("submit", "customer", "submitted"),
    ("send_confirmation", "reviewer", "confirmation_sent"),
    ("accept_confirmation", "customer", "confirmed"),
    ("start_production", "production", "in_production"),
    ("ready_to_ship", "logistics", "ready_to_ship"),
    ("ship_full", "logistics", "shipped"),
    ("deliver", "system", "delivered"),
    ("confirm_receipt", "customer", "completed"),
]
for _i, (_, _, _state) in enumerate(_MAIN):
    PATHS[_state] = _MAIN[: _i + 1]
PATHS["changes_requested"] = [_MAIN[0], ("request_changes", "reviewer", "changes_requested")]
PATHS["awaiting_approval"] = [_MAIN[0], ("approve", "reviewer", "awaiting_approval")]
PATHS["partially_shipped"] = [*_MAIN[:5], ("ship_partial", "logistics", "partially_shipped")]
PATHS["cancelled"] = [_MAIN[0], ("cancel_by_customer", "customer", "cancelled")]
PATHS["rejected"] = [_MAIN[0], ("reject", "reviewer", "rejected")]
SHIPPED_STATES = {"partially_shipped", "shipped", "delivered", "completed"}
PRODUCTION_STATES = {"in_production", "ready_to_ship", *SHIPPED_STATES}
CONFIRMED_STATES = {"confirmed", *PRODUCTION_STATES}


@dataclass
class _Planned:
    account_id: int
    user: tuple[int, str]
    address: dict[str, str]
    status: str
    submitted_at: datetime
    urgent: bool


def _plan_orders(
    rng: random.Random, count: int, account_id: int, user: tuple[int, str], address: dict[str, str]
) -> list[_Planned]:
    now = clock.now()
    out = []
    for _ in range(count):
        (low, high), _w, statuses = rng.choices(AGE_BANDS, weights=[b[1] for b in AGE_BANDS])[0]
        status = rng.choices(list(statuses), weights=list(statuses.values()))[0]
        age = timedelta(days=rng.uniform(low, high))
        out.append(_Planned(account_id, user, address, status, now - age, rng.random() < 0.05))
    if count and count <= 3:  # the small account: two in review, one completed
        for planned, status in zip(out, ("submitted", "submitted", "completed"), strict=False):
            planned.status = status
    return out


async def _numbers(conn: AsyncConnection, planned: list[_Planned]) -> list[str]:
    """SO-YYYY-NNNNNN in submission order, continuing each year's counter (which is then advanced)."""
    counters = dict(
        (await conn.execute(select(OrderNumberCounter.year, OrderNumberCounter.last_value))).all()
    )
    numbers = []
    for p in planned:
        year = p.submitted_at.year
        counters[year] = counters.get(year, 0) + 1
        numbers.append(numbering.format_number(year, counters[year]))
    if counters:
        stmt = pg_insert(OrderNumberCounter).values(
            [{"year": y, "last_value": v} for y, v in counters.items()]
        )
        await conn.execute(
            stmt.on_conflict_do_update(index_elements=["year"], set_={"last_value": stmt.excluded.last_value})
        )
    return numbers


def _money(value: Decimal) -> Decimal:
    return pricing.money(value)


async def _bulk_orders(
    conn: AsyncConnection, rng: random.Random, planned: list[_Planned], catalog: list[Any], people: _People
) -> None:
    planned.sort(key=lambda p: p.submitted_at)
    numbers = await _numbers(conn, planned)
    reviewer = people.staff["reviewer"]
    sales = people.staff["sales"]
    order_rows, line_plans = [], []
    for p, number in zip(planned, numbers, strict=True):
        picks = rng.sample(catalog, rng.randint(1, 6))
        lines = []
        for position, product in enumerate(picks):
            quantity = rng.choice((1, 2, 2, 3, 5, 10, 20, 50))
            unit_price = _money(product.list_price * Decimal(rng.choice(("1", "1", "0.95", "0.9"))))
            lines.append((position, product, quantity, unit_price, pricing.line_total(unit_price, quantity)))
        subtotal = sum((ln[4] for ln in lines), Decimal("0"))
        fee = Decimal("0.00") if subtotal >= FREE_SHIPPING_OVER else SHIPPING_FEE
        tax = _money((subtotal + fee) * VAT)
        phone = rng.random() < 0.15
        claimed = p.status == "submitted" and rng.random() < 0.3
        confirmed = p.status in CONFIRMED_STATES
        delivered_at = p.submitted_at + timedelta(days=12) if p.status in ("delivered", "completed") else None
        order_rows.append(
            {
                "number": number,
                "account_id": p.account_id,
                "contact_user_id": p.user[0],
                "channel": "phone" if phone else "web",
                "entered_by_staff_id": sales[0] if phone else None,
                "status": p.status,
                "priority": "urgent" if p.urgent else "normal",
                "currency": "CNY",
                "subtotal": _money(subtotal),
                "tax_rate": VAT,
                "tax_amount": tax,
                "shipping_fee": fee,
                "total": _money(subtotal + fee + tax),
                "payment_terms": "net",
                "payment_days": 30,
                "requested_delivery_date": (p.submitted_at + timedelta(days=21)).date(),
                "promised_delivery_date": (p.submitted_at + timedelta(days=20)).date() if confirmed else None,
                "shipping_address": p.address,
                "invoice_title": "演示制造有限公司",
                "tax_id": "91310000MA1FL8XQ3K",
                "special_requirements": "",
                "assignee_staff_id": reviewer[0] if claimed else None,
                "approval_level": 0,
                "version": len(PATHS[p.status]) + 1,
                "submitted_at": p.submitted_at,
                "claimed_at": p.submitted_at + timedelta(minutes=30) if claimed else None,
                "tracking_link_version": 1,
                "delivery_estimate": (p.submitted_at + timedelta(days=18)).date() if confirmed else None,
                "delivered_at": delivered_at,
                "created_at": p.submitted_at - timedelta(minutes=rng.randint(5, 600)),
                "updated_at": p.submitted_at + timedelta(days=1),
            }
        )
        line_plans.append(lines)
    order_ids = (
        (await conn.execute(insert(Order).returning(Order.id, sort_by_parameter_order=True), order_rows))
        .scalars()
        .all()
    )

    line_rows, event_rows, milestone_rows, shipment_rows = [], [], [], []
    for order_id, p, lines in zip(order_ids, planned, line_plans, strict=True):
        shipped = p.status in SHIPPED_STATES
        for position, product, quantity, unit_price, total in lines:
            shipped_qty = quantity if shipped else 0
            if p.status == "partially_shipped" and position % 2:
                shipped_qty = 0
            line_rows.append(
                {
                    "order_id": order_id,
                    "product_id": product.id,
                    "position": position,
                    "sku": product.sku,
                    "name_zh": product.name_zh,
                    "name_en": product.name_en,
                    "specs": {},
                    "quantity": quantity,
                    "unit": product.unit,
                    "unit_price": unit_price,
                    "line_total": total,
                    "allocation": "reserved" if p.status in CONFIRMED_STATES else "",
                    "reserved_qty": quantity - shipped_qty if p.status in CONFIRMED_STATES else 0,
                    "shipped_qty": shipped_qty,
                }
            )
        event_rows += _events(order_id, p, people)
        if p.status in PRODUCTION_STATES:
            milestone_rows += _milestones(order_id, p)
        if shipped:
            shipment_rows.append(
                {
                    "order_id": order_id,
                    "carrier_code": CARRIER,
                    "tracking_number": f"DX{order_id:010d}",
                    "status": "delivered" if p.status in ("delivered", "completed") else "in_transit",
                    "shipped_at": p.submitted_at + timedelta(days=9),
                    "eta": (p.submitted_at + timedelta(days=12)).date(),
                    "delivered_at": p.submitted_at + timedelta(days=12)
                    if p.status in ("delivered", "completed")
                    else None,
                    "shipped_by": people.staff["logistics"][1],
                }
            )
    line_ids = (
        (
            await conn.execute(
                insert(OrderLine).returning(OrderLine.id, sort_by_parameter_order=True), line_rows
            )
        )
        .scalars()
        .all()
    )
    await conn.execute(insert(OrderEvent), event_rows)
    if milestone_rows:
        await conn.execute(insert(ProductionMilestone), milestone_rows)
    if not shipment_rows:
        return
    shipment_ids = (
        (
            await conn.execute(
                insert(Shipment).returning(Shipment.id, sort_by_parameter_order=True), shipment_rows
            )
        )
        .scalars()
        .all()
    )
    by_order = {s["order_id"]: (sid, s) for sid, s in zip(shipment_ids, shipment_rows, strict=True)}
    shipment_lines, carrier_events = [], []
    for line_id, line in zip(line_ids, line_rows, strict=True):
        if line["shipped_qty"] and line["order_id"] in by_order:
            shipment_lines.append(
                {
                    "shipment_id": by_order[line["order_id"]][0],
                    "order_line_id": line_id,
                    "quantity": line["shipped_qty"],
                }
            )
    for shipment_id, s in by_order.values():
        steps = [("in_transit", 6), ("in_transit", 30), ("out_for_delivery", 60)]
        if s["delivered_at"]:
            steps.append(("delivered", 70))
        for k, (status, hours) in enumerate(steps):
            carrier_events.append(
                {
                    "shipment_id": shipment_id,
                    "carrier_code": CARRIER,
                    "event_id": f"bulk-{shipment_id}-{k}",
                    "status": status,
                    "exception_kind": "",
                    "occurred_at": s["shipped_at"] + timedelta(hours=hours),
                    "location": HUBS[k % len(HUBS)],
                    "note": "",
                    "source": "webhook",
                    "recorded_at": s["shipped_at"] + timedelta(hours=hours, minutes=1),
                }
            )
    await conn.execute(insert(ShipmentLine), shipment_lines)
    await conn.execute(insert(CarrierEvent), carrier_events)


def _events(order_id: int, p: _Planned, people: _People) -> list[dict[str, Any]]:
    rows = []
    state = "draft"
    for step, (action, role, to_state) in enumerate(PATHS[p.status]):
        if role == "customer":
            kind, actor_id, name = "customer", p.user[0], p.user[1]
        elif role == "system":
            kind, actor_id, name = "system", None, "carrier"
        else:
            kind, (actor_id, name, _roles) = "staff", people.staff[role]
        rows.append(
            {
                "order_id": order_id,
                "at": p.submitted_at + timedelta(days=1.5 * step),
                "actor_kind": kind,
                "actor_id": actor_id,
                "actor_name": name,
                "role": role,
                "action": action,
                "from_state": state,
                "to_state": to_state,
                "note": "请补充图纸" if action == "request_changes" else "",
                "ip": None,
                "public": action != "approve",
                "data": {},
            }
        )
        state = to_state
    return rows


def _milestones(order_id: int, p: _Planned) -> list[dict[str, Any]]:
    start = p.submitted_at.date() + timedelta(days=4)
    finished = p.status != "in_production"
    rows = []
    for i, m in enumerate(MILESTONES):
        planned = start + timedelta(days=i)
        done = finished or i < 2
        rows.append(
            {
                "order_id": order_id,
                "milestone": m,
                "planned_date": planned,
                "actual_date": planned if done else None,
                "progress": 100 if done else (40 if m == IN_PRODUCTION else 0),
                "note": "",
                "updated_at": p.submitted_at + timedelta(days=4 + i),
                "updated_by": "Production Demo 生产",
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the benchmark dataset into DATABASE_URL.")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=500)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("bench.dataset: set DATABASE_URL to a migrated, empty database")
    data = asyncio.run(generate(url, products=args.products, orders=args.orders))
    print(data)


if __name__ == "__main__":
    main()
