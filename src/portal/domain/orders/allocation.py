"""Stock allocation at confirmation: each line reserved from stock, backordered, or made to order.

Each product row is locked (SELECT ... FOR UPDATE, in product id order so two orders never
deadlock) before its stock is taken, so concurrent confirmations can never oversell; the
check constraint ``stock_on_hand >= 0`` is the last line of defence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.catalog import Product
from portal.db.orders import Order, OrderLine


@dataclass(frozen=True)
class Allocation:
    backordered: list[str]  # SKUs waiting for stock
    new_date: date | None  # when the backordered lines can be delivered: the short products' lead time


async def allocate(db: AsyncSession, order: Order, *, today: date) -> Allocation:
    lines = list(
        (
            await db.scalars(
                select(OrderLine)
                .where(OrderLine.order_id == order.id)
                .order_by(OrderLine.product_id, OrderLine.id)
            )
        ).all()
    )
    backordered, lead = [], 0
    for line in lines:
        if line.product_id is None:
            continue
        product = await db.scalar(select(Product).where(Product.id == line.product_id).with_for_update())
        if product.made_to_order:
            line.allocation, line.reserved_qty = "made_to_order", 0
            continue  # produced for the order: its lead time is in the promise, not in a shortage
        taken = min(product.stock_on_hand, line.quantity - line.reserved_qty)
        if taken:
            await db.execute(
                update(Product)
                .where(Product.id == product.id)
                .values(stock_on_hand=Product.stock_on_hand - taken)
            )
        line.reserved_qty += taken
        line.allocation = "reserved" if line.reserved_qty >= line.quantity else "backordered"
        if line.allocation == "backordered":
            backordered.append(line.sku)
            lead = max(lead, product.lead_time_days)
    await db.flush()
    return Allocation(backordered=backordered, new_date=today + timedelta(days=lead) if backordered else None)


async def release(db: AsyncSession, order: Order) -> int:
    """Give reserved, unshipped stock back (a cancelled order); returns the units released."""
    lines = (
        await db.scalars(
            select(OrderLine)
            .where(OrderLine.order_id == order.id, OrderLine.reserved_qty > 0)
            .order_by(OrderLine.product_id)
        )
    ).all()
    released = 0
    for line in lines:
        back = line.reserved_qty - min(line.shipped_qty, line.reserved_qty)
        if back > 0 and line.product_id:
            await db.execute(
                update(Product)
                .where(Product.id == line.product_id)
                .values(stock_on_hand=Product.stock_on_hand + back)
            )
            released += back
        line.reserved_qty -= back
    await db.flush()
    return released
