"""Staff revise an order in review (prices, quantities, shipping) — e.g. after a declined confirmation.

The next approval issues a new confirmation version; the customer sees what changed.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import numbers
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.domain.errors import InvalidTransition, OrderChanged, ValidationFailed
from portal.domain.orders import pricing, service
from portal.domain.orders.actors import Actor
from portal.i18n import N_

REVISABLE = ("submitted",)  # later, approvals already given were for the old amount


def _money(raw: str, field: str, errors: dict[str, str]) -> Decimal | None:
    """An amount typed in the reviewer's locale: "1,5" is refused, not read as 15."""
    try:
        value = numbers.decimal(raw, maximum=Decimal("1e11"))
    except numbers.NotANumber:
        value = None
    if value is None or value < 0:
        errors[field] = N_("Enter an amount of at least 0, e.g. 1234.50.")
        return None
    return pricing.money(value)


def _quantity(raw: str) -> int | None:
    try:
        quantity = numbers.whole(raw)
    except numbers.NotANumber:
        return None
    return quantity or None


async def revise(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    *,
    prices: dict[int, str],
    quantities: dict[int, str],
    shipping_fee: str,
    note: str,
    expected_version: int | None,
) -> OrderEvent:
    if order.status not in REVISABLE:
        raise InvalidTransition()
    if expected_version is not None and expected_version != order.version:
        raise OrderChanged()
    lines = list(
        (
            await db.scalars(
                select(OrderLine)
                .where(OrderLine.order_id == order.id)
                .order_by(OrderLine.position, OrderLine.id)
            )
        ).all()
    )
    errors: dict[str, str] = {}
    before = [(ln.sku, ln.quantity, str(ln.unit_price)) for ln in lines]
    for line in lines:
        price = _money(prices.get(line.id, str(line.unit_price)), f"price_{line.id}", errors)
        raw_qty = str(quantities.get(line.id, line.quantity)).strip()
        quantity = _quantity(raw_qty)
        if quantity is None:
            errors[f"rqty_{line.id}"] = N_("Enter a whole number of at least 1.")
        elif price is not None:
            line.unit_price, line.quantity = price, quantity
            line.line_total = pricing.line_total(price, line.quantity)
    fee = _money(shipping_fee or str(order.shipping_fee), "shipping_fee", errors)
    if errors:
        raise ValidationFailed(errors)
    order.shipping_fee = fee
    pricing.apply_totals(order, lines)
    event = OrderEvent(
        order_id=order.id,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name,
        role=next((r for r in actor.roles if r in ("reviewer", "approver", "sales")), "admin"),
        action="revised",
        from_state=order.status,
        to_state=order.status,
        note=note.strip()[:4000],
        ip=actor.ip,
        public=False,
        data={
            "before": before,
            "after": [(ln.sku, ln.quantity, str(ln.unit_price)) for ln in lines],
            "total": str(order.total),
        },
    )
    db.add(event)
    await service.flush(db)  # the version-checked write of the order
    return event
