"""Order totals with Decimal arithmetic, rounded to the cent the way invoices are."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from portal.db.orders import Order, OrderLine

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return money(unit_price * quantity)


def apply_totals(order: Order, lines: Iterable[OrderLine], *, vat_rate: Decimal | None = None) -> None:
    """Subtotal of the lines, VAT on goods and shipping, and the total, written onto the order."""
    if vat_rate is not None:
        order.tax_rate = vat_rate
    subtotal = sum((line.line_total for line in lines), Decimal("0"))
    order.subtotal = money(subtotal)
    order.tax_amount = money((order.subtotal + order.shipping_fee) * order.tax_rate)
    order.total = money(order.subtotal + order.shipping_fee + order.tax_amount)
