"""The benchmark dataset: the demo data, N products, M orders of the demo buyer, a cart.

Products and orders are made set-based by ``bench.dataset_sql`` (``INSERT … SELECT
generate_series``): 10,000 orders take seconds, 1,000,000 a few minutes. One order is instead
walked through the real domain services — submit, review, e-signed confirmation, production
milestones, QC, packing, two shipments and carrier events — so the tracking and order pages the
benchmark reads have the shape the application itself writes; the demo buyer's cart is filled
through the domain's cart too. A second account gets three orders, so list pages can be compared
at two sizes (``small_account_id``).

    python -m bench.dataset --products 2000 --orders 10k   # into DATABASE_URL (migrated, no orders yet)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench import dataset_sql
from bench.dataset_sql import CARRIER, HUBS, Buyer
from portal import clock
from portal.db.catalog import Product
from portal.db.customers import Address, CustomerUser
from portal.db.demo import seed_demo
from portal.db.engine import make_engine, make_sessionmaker
from portal.db.orders import Order, OrderLine
from portal.db.staff import StaffUser
from portal.domain.fulfilment import packing, production, qc, shipping
from portal.domain.fulfilment.milestones import IN_PRODUCTION, MATERIALS_READY, MILESTONES, PLANNED
from portal.domain.orders import cart, confirmation, confirmation_docs, pricing, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.checkout import ADDRESS_FIELDS

PRESETS = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
CART_SKUS = ("PMP-100", "VLV-DN50", "BRG-6205", "PMP-B00000", "HYD-B00006")  # demo products, then bulk ones


def order_count(value: str) -> int:
    """``--orders``: a number (``5000``) or a preset (``10k``, ``100k``, ``1m``); argparse type."""
    key = value.strip().lower()
    if key in PRESETS:
        return PRESETS[key]
    try:
        count = int(key.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: a number or one of {', '.join(PRESETS)}") from None
    if count < 1:
        raise argparse.ArgumentTypeError("at least one order (the tracked one)")
    return count


@dataclass(frozen=True)
class Dataset:
    products: int  # all products, demo ones included
    orders: int  # placed orders of the demo account
    tracking_order_id: int  # the demo buyer's order made through the domain: 3 lines, 2 shipments
    tracking_link_version: int
    tracking_order_number: str
    demo_account_id: int
    small_account_id: int  # the second demo account: three orders
    cart_lines: int  # lines in the demo buyer's cart
    seconds: float


@dataclass(frozen=True)
class _People:
    demo: Buyer
    small: Buyer
    staff: dict[str, tuple[int, str, list[str]]]  # by role: (id, name, roles)


# --- entry point -------------------------------------------------------------------------------------


async def generate(
    database_url: str,
    *,
    products: int = 2000,
    orders: int = 10_000,
    progress: Callable[[str], None] = lambda _m: None,
) -> Dataset:
    """Fill a migrated database without orders; returns what the benchmark needs to find its pages."""
    started = time.perf_counter()
    await seed_demo(database_url, orders=False)  # people and catalog; the benchmark makes its own orders
    engine = make_engine(database_url, pool_size=2)
    try:
        async with engine.begin() as conn:
            await dataset_sql.bulk_products(conn, products)
        progress(f"{products:,} products")
        async with make_sessionmaker(engine)() as db:
            people = await _people(db)
            tracked = await _tracked_order(db, people)
            await db.commit()
            lines = await _fill_cart(db, people)
            await db.commit()
        staff = {role: (person[0], person[1]) for role, person in people.staff.items()}
        await dataset_sql.bulk_orders(
            engine.connect,
            now=clock.now(),
            demo=people.demo,
            demo_orders=orders - 1,  # the domain-made order above is one of the demo account's
            small=people.small,
            staff=staff,
            progress=progress,
        )
        async with engine.begin() as conn:  # committed: a rolled-back ANALYZE leaves no statistics
            await conn.execute(text("ANALYZE"))
            total_products = (await conn.execute(text("SELECT count(*) FROM products"))).scalar_one()
            demo_orders = (
                await conn.execute(
                    text("SELECT count(*) FROM orders WHERE account_id = :a AND number IS NOT NULL"),
                    {"a": people.demo.account_id},
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    return Dataset(
        products=int(total_products),
        orders=int(demo_orders),
        tracking_order_id=tracked.id,
        tracking_link_version=tracked.tracking_link_version,
        tracking_order_number=tracked.number or "",
        demo_account_id=people.demo.account_id,
        small_account_id=people.small.account_id,
        cart_lines=lines,
        seconds=time.perf_counter() - started,
    )


async def _people(db: AsyncSession) -> _People:
    async def buyer(email: str) -> Buyer:
        user = await db.scalar(select(CustomerUser).where(CustomerUser.email == email))
        address = await db.scalar(
            select(Address).where(Address.account_id == user.account_id).order_by(Address.id).limit(1)
        )
        snapshot = {"country": address.country, **{f: getattr(address, f) for f in ADDRESS_FIELDS}}
        return Buyer(user.account_id, user.id, user.name, snapshot)

    staff = {}
    for user in (await db.scalars(select(StaffUser).order_by(StaffUser.id))).all():
        if len(user.roles) == 1:  # the demo's one-role people: sales@, reviewer@, production@ ...
            staff[user.roles[0]] = (user.id, user.name, list(user.roles))
    return _People(await buyer("buyer@example.com"), await buyer("buyer2@example.com"), staff)


def _buyer(people: _People) -> Actor:
    return Actor.customer(
        user_id=people.demo.user_id, name=people.demo.user_name, account_id=people.demo.account_id
    )


async def _fill_cart(db: AsyncSession, people: _People) -> int:
    """The demo buyer's cart, filled through the domain's cart: one line per SKU that exists."""
    order = None
    for sku in CART_SKUS:
        product = await db.scalar(select(Product).where(Product.sku == sku, Product.is_active))
        if product is None:
            continue
        specs = {name: choices[0] for name, choices in product.spec_options.items() if choices}
        order = await cart.add_line(
            db,
            _buyer(people),
            line=cart.LineInput(0, sku, 2, specs),
            policy=pricing.PricePolicy(
                shipping_fee=Decimal("200.00"), free_shipping_over=Decimal("10000.00")
            ),
        )
    return len(order.lines) if order else 0


# --- one order through the domain: what the tracking and order pages show ---------------------------


def _staff(people: _People, role: str) -> Actor:
    user_id, name, roles = people.staff[role]
    return Actor.staff(user_id=user_id, name=name, roles=roles)


async def _tracked_order(db: AsyncSession, people: _People) -> Order:
    """Submitted, confirmed, produced, inspected, packed, shipped in two parcels: one delivered."""
    buyer_id, buyer_name = people.demo.user_id, people.demo.user_name
    buyer = _buyer(people)
    picks = (
        await db.scalars(
            select(Product).where(Product.sku.in_(["PMP-100", "VLV-DN50", "BRG-6205"])).order_by(Product.sku)
        )
    ).all()
    order = Order(
        account_id=people.demo.account_id,
        contact_user_id=buyer_id,
        channel="web",
        status="draft",
        shipping_address=people.demo.address,
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


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the benchmark dataset into DATABASE_URL.")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--orders", type=order_count, default=10_000, help="a number or 10k, 100k, 1m")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("bench.dataset: set DATABASE_URL to a migrated database without orders")
    data = asyncio.run(generate(url, products=args.products, orders=args.orders, progress=print))
    print(data)


if __name__ == "__main__":
    main()
