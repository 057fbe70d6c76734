"""Automatic review checks: stock and lead time, credit limit, price deviations, missing data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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


PREPAID = "prepaid"  # an account's payment terms that need no credit (no credit check)


def _worst(statuses: list[str]) -> str:
    return "fail" if "fail" in statuses else ("warn" if "warn" in statuses else "pass")


class Offer(Protocol):
    """What the checks read of a line's product as the account sees it (a ``ProductOffer`` fits):
    ``price`` is the account's agreed price, else the list price."""

    id: int
    sku: str
    is_active: bool
    min_order_qty: int
    max_order_qty: int
    spec_options: dict[str, list[str]]
    stock_on_hand: int
    made_to_order: bool
    lead_time_days: int
    price: Decimal


class CheckedLine(Protocol):
    """What the checks read of a line (an ``OrderLine`` fits)."""

    product_id: int | None
    sku: str
    quantity: int
    specs: dict[str, Any]
    unit_price: Decimal


@dataclass(frozen=True)
class ReviewFacts:
    """Everything the checks weigh, however it was read: the order's fields, its lines in their
    order, the offers of their products by id, and the account's exposure (None: prepaid)."""

    total: Decimal
    requested_delivery_date: date | None
    shipping_address: dict | None
    invoice_title: str
    tax_id: str
    contact_user_id: int | None
    credit_limit: Decimal
    lines: Sequence[CheckedLine]
    offers: Mapping[int, Offer]
    exposure: receivables.Exposure | None


def _stock(facts: ReviewFacts, today: date) -> Check:
    products = {
        ln.product_id: facts.offers[ln.product_id] for ln in facts.lines if ln.product_id in facts.offers
    }
    short = [
        ln.sku
        for ln in facts.lines
        if (p := products.get(ln.product_id)) and not p.made_to_order and p.stock_on_hand < ln.quantity
    ]
    lead = max((p.lead_time_days for p in products.values()), default=0)
    earliest = today + timedelta(days=lead)
    requested = facts.requested_delivery_date
    if requested and requested < earliest:
        return Check(
            "stock",
            "fail",
            N_("Requested %(requested)s, but the earliest feasible date is %(earliest)s."),
            {"requested": requested, "earliest": earliest},
        )
    if short:
        return Check(
            "stock",
            "warn",
            N_("Not enough stock for %(skus)s: they will be backordered or produced."),
            {"skus": short},
        )
    return Check("stock", "pass", N_("In stock or within lead time for the requested date."))


def _credit(facts: ReviewFacts) -> Check:
    """The account's true exposure (``billing.receivables.exposure``: open invoice balances, confirmed
    orders not yet invoiced, minus unapplied credit) plus this order, against the credit limit."""
    owed = facts.exposure
    if owed is None:
        return Check("credit", "pass", N_("Prepaid: no credit needed."))
    total = owed.total + facts.total
    limit = facts.credit_limit
    params = {
        "used": total,
        "limit": limit,
        "invoiced": owed.invoiced,
        "uninvoiced": owed.uninvoiced,
        "unapplied": owed.unapplied,
    }
    if total > limit:
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
    if total > limit * Decimal("0.9"):
        return Check("credit", "warn", N_("%(used)s of the credit limit of %(limit)s would be used."), params)
    return Check("credit", "pass", N_("Within the credit limit: %(used)s of %(limit)s."), params)


def _prices(facts: ReviewFacts) -> Check:
    off = []
    for ln in facts.lines:
        offer = facts.offers.get(ln.product_id) if ln.product_id else None
        reference = offer.price if offer else None  # the agreed price, else the list price
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


def _lines(facts: ReviewFacts) -> list[Check]:
    """Each line that no longer passes the line rule checkout applies (e.g. a product sold meanwhile)."""
    refused = [found for ln in facts.lines if (found := line_rule.line_refusal(ln, facts.offers))]
    if not refused:
        return [Check("lines", "pass", N_("Every line can be ordered as it stands."))]
    return [Check("lines", "fail", found.message, dict(found.params)) for found in refused]


def _missing(facts: ReviewFacts) -> Check:
    missing = [
        label
        for value, label in (
            (facts.shipping_address, N_("delivery address")),
            (facts.requested_delivery_date, N_("requested date")),
            (facts.invoice_title, N_("invoice title")),
            (facts.tax_id, N_("tax ID")),
            (facts.contact_user_id, N_("contact")),
        )
        if not value
    ]
    if missing:
        return Check(
            "data", "fail" if len(missing) > 1 else "warn", N_("Missing: %(fields)s."), {"fields": missing}
        )
    return Check("data", "pass", N_("All order data is present."))


def checks_of(facts: ReviewFacts, *, today: date) -> list[Check]:
    """The checks, in the order the page lists them."""
    return [*_lines(facts), _stock(facts, today), _credit(facts), _prices(facts), _missing(facts)]


async def run_checks(db: AsyncSession, order: Order, *, today: date) -> list[Check]:
    """The checks of a loaded order: its lines, account, offers and exposure read in four statements
    (the staff order page reads the same facts within its own statement, ``staff_read``)."""
    lines = list(
        await db.scalars(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position, OrderLine.id)
        )
    )
    account = await db.get(CustomerAccount, order.account_id)
    offers = await line_rule.offers_for(db, order.account_id, lines)
    prepaid = account.payment_terms == PREPAID
    facts = ReviewFacts(
        total=order.total,
        requested_delivery_date=order.requested_delivery_date,
        shipping_address=order.shipping_address,
        invoice_title=order.invoice_title,
        tax_id=order.tax_id,
        contact_user_id=order.contact_user_id,
        credit_limit=account.credit_limit,
        lines=lines,
        offers=offers,
        exposure=None if prepaid else await receivables.exposure(db, account.id, excluding_order_id=order.id),
    )
    return checks_of(facts, today=today)


def overall(checks: list[Check]) -> str:
    return _worst([c.status for c in checks])
