"""Orders that carry invoices, made through the real verbs: odd prices, partial shipments, prepaid terms."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.db.billing import Invoice
from portal.db.customers import CustomerAccount
from portal.db.fulfilment import Carrier
from portal.db.orders import Order
from portal.domain.fulfilment import shipping
from portal.domain.orders import pricing, service
from tests.fulfilment_helpers import pack_rest, produce, sign_confirmation
from tests.helpers import (
    approve_as,
    customer_actor,
    lines_of,
    make_customer,
    make_order,
    make_product,
    make_staff,
    product_line,
    staff_actor,
)

# three lines at odd prices, and how three shipments split them: rounding each invoice's tax on
# its own would give 91.28 of tax where the order has 91.27
PRICES = (Decimal("33.33"), Decimal("19.99"), Decimal("7.77"))
QUANTITIES = (7, 13, 11)
SPLITS = ((3, 5, 0), (2, 0, 11), (2, 8, 0))
SHIPPING_FEE = Decimal("123.45")


async def odd_order(db, *, buyer=None, terms: str = "net", days: int = 30):  # noqa: ANN001, ANN201
    """A confirmed order of three lines at odd prices with a shipping fee (committed); (buyer, order)."""
    buyer = buyer or await make_customer(db)
    account = await db.get(CustomerAccount, buyer.account_id)
    account.payment_terms, account.payment_days = terms, days
    order = await make_order(db, customer=buyer, quantity=QUANTITIES[0], unit_price=PRICES[0])
    for position, (price, quantity) in enumerate(zip(PRICES[1:], QUANTITIES[1:], strict=True), start=1):
        product = await make_product(db, list_price=price, stock_on_hand=100)
        db.add(product_line(order, product, quantity, position=position))
    await db.flush()
    order.payment_terms, order.payment_days = terms, days
    order.shipping_fee = SHIPPING_FEE
    order.invoice_title, order.tax_id = "Odd Prices Ltd", "91310000MA1FL8XQ37"
    pricing.apply_totals(order, await lines_of(db, order))
    await db.commit()
    await service.submit(db, customer_actor(buyer), order)
    reviewer = await make_staff(db, "reviewer")
    promised = clock.today() + timedelta(days=20)
    await approve_as(db, reviewer, order, thresholds=[Decimal("1e12")], promised_date=promised)
    await sign_confirmation(db, buyer, order)
    await db.commit()
    return buyer, order


async def packed(db, order) -> Order:  # noqa: ANN001
    """Produced, inspected and packed in full: ready to ship (committed); the order as stored."""
    await produce(db, order)
    await pack_rest(db, order)
    return await db.get(Order, order.id, populate_existing=True)


async def ship(db, order, quantities: tuple[int, ...], tracking: str):  # noqa: ANN001, ANN201
    """Ship ``quantities`` of the order's lines (in line order) as one shipment; committed."""
    if await db.get(Carrier, "acme") is None:
        db.add(Carrier(code="acme", name="Acme Express", webhook_secret="s" * 32))
        await db.commit()
    order = await db.get(Order, order.id, populate_existing=True)
    lines = await lines_of(db, order)
    actor = staff_actor(await make_staff(db, "logistics"))
    shipment = await shipping.ship(
        db,
        actor,
        order,
        carrier_code="acme",
        tracking_number=tracking,
        quantities={ln.id: q for ln, q in zip(lines, quantities, strict=True)},
    )
    await db.commit()
    return shipment


async def shipped_in_three(db, **kw):  # noqa: ANN001, ANN201
    """The odd order shipped in three parts; (buyer, order, invoices oldest first)."""
    buyer, order = await odd_order(db, **kw)
    order = await packed(db, order)
    for n, split in enumerate(SPLITS, start=1):
        await ship(db, order, split, f"ODD-{order.id}-{n}")
    return buyer, order, await invoices_of(db, order)


async def invoices_of(db, order) -> list[Invoice]:  # noqa: ANN001
    stmt = (
        select(Invoice)
        .where(Invoice.order_id == order.id)
        .order_by(Invoice.id)
        .execution_options(populate_existing=True)
    )
    return list(await db.scalars(stmt))
