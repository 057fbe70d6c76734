"""Order totals with Decimal arithmetic, rounded to the cent the way invoices are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from portal.db.orders import Order, OrderLine

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return money(unit_price * quantity)


@dataclass(frozen=True)
class PricePolicy:
    """VAT and shipping as configured (VAT_RATE, SHIPPING_FEE, FREE_SHIPPING_OVER)."""

    vat_rate: Decimal = Decimal("0.13")
    shipping_fee: Decimal = Decimal("0")
    free_shipping_over: Decimal = Decimal("0")

    def shipping_for(self, subtotal: Decimal) -> Decimal:
        if subtotal <= 0 or (self.free_shipping_over and subtotal >= self.free_shipping_over):
            return Decimal("0.00")
        return money(self.shipping_fee)


def apply_totals(
    order: Order,
    lines: Iterable[OrderLine],
    *,
    vat_rate: Decimal | None = None,
    policy: PricePolicy | None = None,
) -> None:
    """Subtotal of the lines, VAT on goods and shipping, and the total, written onto the order."""
    if policy is not None:
        vat_rate = policy.vat_rate
    if vat_rate is not None:
        order.tax_rate = vat_rate
    subtotal = sum((line.line_total for line in lines), Decimal("0"))
    order.subtotal = money(subtotal)
    if policy is not None:
        order.shipping_fee = policy.shipping_for(order.subtotal)
    order.tax_amount = money((order.subtotal + order.shipping_fee) * order.tax_rate)
    order.total = money(order.subtotal + order.shipping_fee + order.tax_amount)


def policy_from(settings: object) -> PricePolicy:
    """The pricing policy of a Settings object (VAT_RATE, SHIPPING_FEE, FREE_SHIPPING_OVER)."""
    return PricePolicy(
        vat_rate=settings.vat_rate,  # type: ignore[attr-defined]
        shipping_fee=settings.shipping_fee,  # type: ignore[attr-defined]
        free_shipping_over=settings.free_shipping_over,  # type: ignore[attr-defined]
    )
