"""Automatic review checks: stock and lead time, credit limit, price deviations, missing data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.catalog import AccountPrice, Product
from portal.db.customers import CustomerAccount
from portal.db.orders import Order, OrderLine
from portal.domain.billing import receivables
from portal.domain.orders import line_rule
from portal.i18n import N_


@dataclass(frozen=True)
class Check:
    key: str
    status: str  # pass | warn | fail
    message: str  # msgid, translated where shown with ``params``
    # raw values (Decimal amounts in the order's currency, dates, msgid lists), formatted where shown
    params: dict[str, object] = field(default_factory=dict)


def _worst(statuses: list[str]) -> str:
    return "fail" if "fail" in statuses else ("warn" if "warn" in statuses else "pass")


async def _stock(db: AsyncSession, order: Order, lines: list[OrderLine], today: date) -> Check:
    products = {
        p.id: p
        for p in (
            await db.scalars(
                select(Product).where(Product.id.in_([ln.product_id for ln in lines if ln.product_id]))
            )
        ).all()
    }
    short = [
        ln.sku
        for ln in lines
        if (p := products.get(ln.product_id)) and not p.made_to_order and p.stock_on_hand < ln.quantity
    ]
    lead = max((p.lead_time_days for p in products.values()), default=0)
    earliest = today + timedelta(days=lead)
    if order.requested_delivery_date and order.requested_delivery_date < earliest:
        return Check(
            "stock",
            "fail",
            N_("Requested %(requested)s, but the earliest feasible date is %(earliest)s."),
            {"requested": order.requested_delivery_date, "earliest": earliest},
        )
    if short:
        return Check(
            "stock",
            "warn",
            N_("Not enough stock for %(skus)s: they will be backordered or produced."),
            {"skus": short},
        )
    return Check("stock", "pass", N_("In stock or within lead time for the requested date."))


async def _credit(db: AsyncSession, order: Order, account: CustomerAccount) -> Check:
    """The account's true exposure (``billing.receivables.exposure``: open invoice balances, confirmed
    orders not yet invoiced, minus unapplied credit) plus this order, against the credit limit."""
    if account.payment_terms == "prepaid":
        return Check("credit", "pass", N_("Prepaid: no credit needed."))
    owed = await receivables.exposure(db, account.id, excluding_order_id=order.id)
    total = owed.total + order.total
    params = {
        "used": total,
        "limit": account.credit_limit,
        "invoiced": owed.invoiced,
        "uninvoiced": owed.uninvoiced,
        "unapplied": owed.unapplied,
    }
    if total > account.credit_limit:
        return Check(
            "credit",
            "fail",
            N_(
                "Open invoices %(invoiced)s, confirmed orders not yet invoiced %(uninvoiced)s, less "
                "unapplied credit %(unapplied)s, plus this order come to %(used)s, over the credit limit "
                "of %(limit)s."
            ),
            params,
        )
    if total > account.credit_limit * Decimal("0.9"):
        return Check("credit", "warn", N_("%(used)s of the credit limit of %(limit)s would be used."), params)
    return Check("credit", "pass", N_("Within the credit limit: %(used)s of %(limit)s."), params)


async def _prices(db: AsyncSession, order: Order, lines: list[OrderLine]) -> Check:
    ids = [ln.product_id for ln in lines if ln.product_id]
    listed = dict((await db.execute(select(Product.id, Product.list_price).where(Product.id.in_(ids)))).all())
    agreed = dict(
        (
            await db.execute(
                select(AccountPrice.product_id, AccountPrice.price).where(
                    AccountPrice.account_id == order.account_id, AccountPrice.product_id.in_(ids)
                )
            )
        ).all()
    )
    off = []
    for ln in lines:
        reference = agreed.get(ln.product_id, listed.get(ln.product_id))
        if reference and ln.unit_price != reference:
            off.append(f"{ln.sku} ({(ln.unit_price - reference) / reference * 100:+.1f}%)")
    if off:
        return Check(
            "prices",
            "warn",
            N_("Prices differ from the list or agreed price: %(lines)s."),
            {"lines": off},
        )
    return Check("prices", "pass", N_("All prices match the list or agreed prices."))


async def _lines(db: AsyncSession, order: Order, lines: list[OrderLine]) -> list[Check]:
    """Each line that no longer passes the line rule checkout applies (e.g. a product sold meanwhile)."""
    refused = await line_rule.refusals(db, order.account_id, lines)
    if not refused:
        return [Check("lines", "pass", N_("Every line can be ordered as it stands."))]
    return [Check("lines", "fail", found.message, dict(found.params)) for _, found in refused]


def _missing(order: Order) -> Check:
    missing = [
        label
        for value, label in (
            (order.shipping_address, N_("delivery address")),
            (order.requested_delivery_date, N_("requested date")),
            (order.invoice_title, N_("invoice title")),
            (order.tax_id, N_("tax ID")),
            (order.contact_user_id, N_("contact")),
        )
        if not value
    ]
    if missing:
        return Check(
            "data", "fail" if len(missing) > 1 else "warn", N_("Missing: %(fields)s."), {"fields": missing}
        )
    return Check("data", "pass", N_("All order data is present."))


async def run_checks(db: AsyncSession, order: Order, *, today: date) -> list[Check]:
    lines = list(
        await db.scalars(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position, OrderLine.id)
        )
    )
    account = await db.get(CustomerAccount, order.account_id)
    return [
        *await _lines(db, order, lines),
        await _stock(db, order, lines, today),
        await _credit(db, order, account),
        await _prices(db, order, lines),
        _missing(order),
    ]


def overall(checks: list[Check]) -> str:
    return _worst([c.status for c in checks])
