"""Stock is reserved at confirmation, atomically: concurrent confirmations never oversell."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from portal.db.engine import make_sessionmaker
from portal.db.orders import Order, OrderLine
from portal.db.outbox import OutboxMessage
from portal.domain.orders import confirmation, confirmation_docs, service
from tests.fulfilment_helpers import awaiting_confirmation, confirmed, customer_actor, stock_of
from tests.helpers import make_product


async def test_confirmation_reserves_stock(db):
    _, order = await confirmed(db, quantity=3, product_kw={"stock_on_hand": 10})
    line = await db.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    assert (line.allocation, line.reserved_qty) == ("reserved", 3)
    assert await stock_of(db, line.product_id) == 7


async def test_short_stock_is_backordered_and_the_customer_is_told(db):
    _, order = await confirmed(db, quantity=5, product_kw={"stock_on_hand": 2, "lead_time_days": 12})
    line = await db.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    assert (line.allocation, line.reserved_qty) == ("backordered", 2)
    mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "backorder"))
    assert mail is not None and line.sku in mail.context["skus"]
    assert (await db.scalar(select(Order.delivery_estimate).where(Order.id == order.id))) is not None


async def test_cancelling_releases_reserved_stock(db):
    buyer, order = await confirmed(db, quantity=4, product_kw={"stock_on_hand": 4})
    from tests.fulfilment_helpers import staff_actor
    from tests.helpers import make_staff

    sales = await make_staff(db, "sales")
    await service.cancel(db, staff_actor(sales), order, expected_version=None, reason="customer called")
    await db.commit()
    line = await db.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    assert await stock_of(db, line.product_id) == 4


async def test_20_concurrent_confirmations_never_oversell(db, wide_engine):
    product = await make_product(db, stock_on_hand=5)
    contenders = []
    for _ in range(20):
        buyer, order = await awaiting_confirmation(db, quantity=1)
        line = await db.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
        line.product_id, line.sku = product.id, product.sku
        await db.commit()
        doc = (await confirmation_docs.versions(db, order.id))[0]
        contenders.append((buyer, order.id, doc.content_hash))
    start = asyncio.Event()
    sessions = make_sessionmaker(wide_engine)

    async def accept(buyer, order_id, doc_hash):  # noqa: ANN001, ANN202
        async with sessions() as s, s.begin():
            mine = await s.get(Order, order_id)
            await start.wait()
            await confirmation.accept(
                s,
                customer_actor(buyer),
                mine,
                confirmation.Signature(
                    signer_name="x", agree=True, document_hash=doc_hash, user_agent="race"
                ),
            )

    tasks = [asyncio.create_task(accept(*c)) for c in contenders]
    await asyncio.sleep(0.2)
    start.set()
    await asyncio.gather(*tasks)
    assert await stock_of(db, product.id) == 0
    reserved = (
        await db.scalars(
            select(OrderLine.allocation)
            .where(OrderLine.product_id == product.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    assert reserved.count("reserved") == 5 and reserved.count("backordered") == 15
