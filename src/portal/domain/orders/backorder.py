"""The customer's answer to a backorder: wait, take a partial shipment, or take a substitute product."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.catalog import Product
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.domain.errors import InvalidTransition, ValidationFailed
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from portal.i18n import N_

CHOICES = ("wait", "partial", "substitute")
OPEN_STATES = ("confirmed", "in_production", "ready_to_ship")


@dataclass(frozen=True)
class Substitute:
    line_id: int
    for_sku: str
    sku: str
    name_zh: str
    name_en: str
    stock: int


async def backordered_lines(db: AsyncSession, order_id: int) -> list[OrderLine]:
    return list(
        (
            await db.scalars(
                select(OrderLine)
                .where(OrderLine.order_id == order_id, OrderLine.allocation == "backordered")
                .order_by(OrderLine.id)
            )
        ).all()
    )


async def substitutes(db: AsyncSession, order_id: int, *, limit: int = 5) -> list[Substitute]:
    """In-stock products of the same category that could replace a backordered line."""
    out: list[Substitute] = []
    for line in await backordered_lines(db, order_id):
        original = await db.get(Product, line.product_id) if line.product_id else None
        if original is None:
            continue
        rows = (
            await db.scalars(
                select(Product)
                .where(
                    Product.category == original.category,
                    Product.id != original.id,
                    Product.is_active.is_(True),
                    Product.made_to_order.is_(False),
                    Product.stock_on_hand >= line.quantity,
                )
                .order_by(Product.sku)
                .limit(limit)
            )
        ).all()
        out += [Substitute(line.id, line.sku, p.sku, p.name_zh, p.name_en, p.stock_on_hand) for p in rows]
    return out


async def choose(
    db: AsyncSession, actor: Actor, order: Order, *, choice: str, substitute_sku: str = ""
) -> None:
    if order.status not in OPEN_STATES or not await backordered_lines(db, order.id):
        raise InvalidTransition()
    if choice not in CHOICES:
        raise ValidationFailed({"choice": N_("Choose one of the options.")})
    note = ""
    if choice == "substitute":
        note = await _swap(db, order, substitute_sku.strip())
    order.backorder_choice, order.backorder_choice_at = choice, clock.now()
    order.backorder_substitute_sku = substitute_sku.strip() if choice == "substitute" else ""
    db.add(
        OrderEvent(
            order_id=order.id,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_name=actor.name,
            role="customer",
            action="backorder_choice",
            from_state=order.status,
            to_state=order.status,
            ip=actor.ip,
            public=True,
            note=note,
            data={"choice": choice, "substitute_sku": substitute_sku},
        )
    )
    await service.flush(db)  # an order changed meanwhile: 409, not a crash


async def _swap(db: AsyncSession, order: Order, sku: str) -> str:
    """Replace the matching backordered line by the substitute, reserved from its stock, at the agreed price."""
    options = {s.sku: s for s in await substitutes(db, order.id)}
    chosen = options.get(sku)
    if chosen is None:
        raise ValidationFailed({"substitute_sku": N_("Choose one of the offered substitute products.")})
    product = await db.scalar(
        select(Product).where(Product.sku == sku).with_for_update().execution_options(populate_existing=True)
    )
    line = await db.get(OrderLine, chosen.line_id, with_for_update=True)
    if product.stock_on_hand < line.quantity:  # the substitute replaces the whole line
        raise ValidationFailed({"substitute_sku": N_("Choose one of the offered substitute products.")})
    await db.execute(
        update(Product)
        .where(Product.id == product.id)
        .values(stock_on_hand=Product.stock_on_hand - line.quantity)
    )
    if line.reserved_qty and line.product_id:  # what was already reserved of the original goes back
        await db.execute(
            update(Product)
            .where(Product.id == line.product_id)
            .values(stock_on_hand=Product.stock_on_hand + line.reserved_qty)
        )
    note = f"{line.sku} → {product.sku}"
    line.product_id, line.sku, line.name_zh, line.name_en = (
        product.id,
        product.sku,
        product.name_zh,
        product.name_en,
    )
    line.labels = product.labels or {}  # the substitute's words for its unit and options
    line.reserved_qty, line.allocation = line.quantity, "reserved"
    return note
