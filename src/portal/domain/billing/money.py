"""The one rounding rule of settlement documents, and how tax is split across an order's invoices.

Every amount on a document is rounded once, half up, to the cent (``pricing.money``). An order's
tax is ``money((subtotal + shipping fee) × rate)``; its invoices split it *cumulatively*: invoice k
carries ``money(net_1..k × rate) − money(net_1..k-1 × rate)``, so the invoices of a fully shipped
order add up to the order's tax, and therefore to its total, to the cent.
"""

from __future__ import annotations

from decimal import Decimal

from portal.domain.orders.pricing import money

ZERO = Decimal("0.00")


def tax_share(rate: Decimal, net_before: Decimal, net_this: Decimal) -> Decimal:
    """The tax of a document whose net amount ``net_this`` follows ``net_before`` already invoiced.

    ``rate`` is a fraction (``Decimal("0.13")``); amounts in the order's currency. Never negative
    for a non-negative ``net_this``.
    """
    return money((net_before + net_this) * rate) - money(net_before * rate)


__all__ = ["ZERO", "money", "tax_share"]
