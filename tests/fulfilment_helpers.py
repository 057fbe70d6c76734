"""Orders brought to a given point of the lifecycle through the real service verbs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from portal import clock
from portal.domain.orders import confirmation, confirmation_docs, service
from tests.helpers import (
    approve_as,
    customer_actor,
    lines_of,
    make_customer,
    make_order,
    make_staff,
    staff_actor,
)


async def awaiting_confirmation(db, *, quantity: int = 2, product_kw: dict | None = None, buyer=None):  # noqa: ANN001, ANN201
    """A submitted and approved order whose confirmation v1 waits for the buyer (not yet committed)."""
    from tests.helpers import make_product

    buyer = buyer or await make_customer(db)
    reviewer = await make_staff(db, "reviewer")
    order = await make_order(db, customer=buyer, quantity=quantity)
    if product_kw:
        product = await make_product(db, **product_kw)
        line = (await lines_of(db, order))[0]
        line.product_id, line.sku = product.id, product.sku
    await service.submit(db, customer_actor(buyer), order)
    await approve_as(
        db, reviewer, order, thresholds=[Decimal("1e12")], promised_date=clock.today() + timedelta(days=20)
    )
    return buyer, order


async def confirmed(db, **kw):  # noqa: ANN001, ANN201
    buyer, order = await awaiting_confirmation(db, **kw)
    await sign_confirmation(db, buyer, order)
    await db.commit()
    return buyer, order


async def sign_confirmation(db, buyer, order, *, user_agent: str = "test") -> None:  # noqa: ANN001
    """The buyer signs the order's first confirmation, as the confirmation page would (not committed)."""
    doc = (await confirmation_docs.versions(db, order.id))[0]
    signature = confirmation.Signature(
        signer_name=buyer.name, agree=True, document_hash=doc.content_hash, user_agent=user_agent
    )
    await confirmation.accept(db, customer_actor(buyer), order, signature)


async def ready_to_ship(db, **kw):  # noqa: ANN001, ANN201
    """Confirmed, produced, inspected and packed in full: ready to ship."""
    buyer, order = await confirmed(db, **kw)
    await produce(db, order)
    await pack_rest(db, order)
    return buyer, order


async def produce(db, order, *, inspected: bool = True):  # noqa: ANN001, ANN201
    """Production planned and finished (from where it stands), then a passed inspection; committed."""
    from portal.domain.fulfilment import production, qc
    from portal.domain.fulfilment.milestones import IN_PRODUCTION, MILESTONES

    actor = staff_actor(await make_staff(db, "production"))
    order = await _fresh(db, order)
    rows = await production.load_rows(db, order.id)
    for m in MILESTONES[: MILESTONES.index(IN_PRODUCTION) + 1]:
        if not production.is_done(rows, m):
            await production.record_milestone(db, actor, order, production.MilestoneReport(m, done=True))
    if inspected:
        await qc.inspect(db, actor, order, result="pass")
    await db.commit()


async def pack_rest(db, order):  # noqa: ANN001, ANN201
    """One package with everything still to pack, and packing completed; committed."""
    from portal.domain.fulfilment import packing

    actor = staff_actor(await make_staff(db, "logistics"))
    order = await _fresh(db, order)
    left = {ln.line_id: ln.remaining for ln in await packing.packing_lines(db, order.id)}
    await packing.pack(db, actor, order, quantities=left, weight_kg=Decimal(10), done=True)
    await db.commit()


async def stock_of(db, product_id: int) -> int:  # noqa: ANN001
    """The product's stock on hand as stored now (not as this session last loaded it)."""
    from sqlalchemy import select

    from portal.db.catalog import Product

    stmt = select(Product.stock_on_hand).where(Product.id == product_id)
    return await db.scalar(stmt.execution_options(populate_existing=True))


async def _fresh(db, order):  # noqa: ANN001, ANN202
    """The order as stored now: pages may have changed it since the caller loaded it."""
    from portal.db.orders import Order

    return await db.get(Order, order.id, populate_existing=True)
