"""The customer's answer to a backorder: wait, take a partial shipment, or take a substitute product."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from portal import clock
from portal.db.catalog import Product
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.domain.catalog.products import offers_by_ids
from portal.domain.errors import InvalidTransition, ValidationFailed
from portal.domain.orders import events, line_rule, service, states
from portal.domain.orders.actors import Actor
from portal.i18n import N_

CHOICES = ("wait", "partial", "substitute")


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


async def wait_date(db: AsyncSession, order_id: int) -> date | None:
    """When the buyer gets the goods by waiting: the day they fell short plus the longest lead time of them."""
    lead = await db.scalar(
        select(func.max(Product.lead_time_days))
        .join(OrderLine, OrderLine.product_id == Product.id)
        .where(OrderLine.order_id == order_id, OrderLine.allocation == "backordered")
    )
    since = await db.scalar(
        select(OrderEvent.at)
        .where(OrderEvent.order_id == order_id, OrderEvent.action == events.EventKind.BACKORDERED)
        .order_by(OrderEvent.id.desc())
        .limit(1)
    )
    if lead is None or since is None:
        return None
    return since.astimezone(clock.BUSINESS_TZ).date() + timedelta(days=lead)


async def substitutes(db: AsyncSession, order_id: int, *, limit: int = 5) -> list[Substitute]:
    """In-stock products sold in the same unit and category that could replace a backordered line.

    Only products the line rule accepts for the line as ordered (its quantity and specification,
    for this account) are offered: a substitute is a line the customer could have ordered.
    """
    account_id = await db.scalar(select(Order.account_id).where(Order.id == order_id))
    candidates = await _candidates(db, order_id, per_line=limit * 4)
    offers = await offers_by_ids(
        db, account_id=account_id, ids=sorted({i for ids in candidates.values() for i in ids})
    )
    out: list[Substitute] = []
    for line in await backordered_lines(db, order_id):
        fitting = [
            o
            for o in sorted(
                (offers[i] for i in candidates.get(line.id, []) if i in offers), key=lambda o: o.sku
            )
            if line_rule.refusal(o, line.quantity, line.specs or {}) is None
        ]
        out += [
            Substitute(line.id, line.sku, o.sku, o.name_zh, o.name_en, o.stock_on_hand)
            for o in fitting[:limit]
        ]
    return out


async def _candidates(db: AsyncSession, order_id: int, *, per_line: int) -> dict[int, list[int]]:
    """Per backordered line, the first in-stock products (by SKU) of its category and unit: one statement."""
    original, other = aliased(Product), aliased(Product)
    ranked = (
        select(
            OrderLine.id.label("line_id"),
            other.id.label("product_id"),
            func.row_number().over(partition_by=OrderLine.id, order_by=other.sku).label("rank"),
        )
        .join(original, original.id == OrderLine.product_id)
        .join(
            other,
            (other.category == original.category)
            & (other.unit == OrderLine.unit)
            & (other.id != original.id)
            & other.is_active.is_(True)
            & other.made_to_order.is_(False)
            & (other.stock_on_hand >= OrderLine.quantity),
        )
        .where(OrderLine.order_id == order_id, OrderLine.allocation == "backordered")
        .subquery()
    )
    out: dict[int, list[int]] = {}
    for line_id, product_id in await db.execute(
        select(ranked.c.line_id, ranked.c.product_id).where(ranked.c.rank <= per_line)
    ):
        out.setdefault(line_id, []).append(product_id)
    return out


@dataclass(frozen=True)
class BackorderOffer:
    lines: list[OrderLine]
    choice: str | None
    substitutes: list[Substitute]
    wait_date: date | None


async def offer(db: AsyncSession, order_id: int) -> BackorderOffer | None:
    """The backordered lines, the buyer's choice so far and what is on offer, when the order has any."""
    lines = await backordered_lines(db, order_id)
    if not lines:
        return None
    choice = await db.scalar(select(Order.backorder_choice).where(Order.id == order_id))
    return BackorderOffer(lines, choice, await substitutes(db, order_id), await wait_date(db, order_id))


async def choose(
    db: AsyncSession, actor: Actor, order: Order, *, choice: str, substitute_sku: str = ""
) -> None:
    if order.status not in states.CONFIRMED_UNSHIPPED or not await backordered_lines(db, order.id):
        raise InvalidTransition()
    if choice not in CHOICES:
        raise ValidationFailed({"choice": N_("Choose one of the options.")})
    note = ""
    if choice == "substitute":
        note = await _swap(db, order, substitute_sku.strip())
    order.backorder_choice, order.backorder_choice_at = choice, clock.now()
    order.backorder_substitute_sku = substitute_sku.strip() if choice == "substitute" else ""
    events.record(
        db,
        order,
        actor,
        events.EventKind.BACKORDER_CHOICE,
        note=note,
        data={"choice": choice, "substitute_sku": substitute_sku},
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
