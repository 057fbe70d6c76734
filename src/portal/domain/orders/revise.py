"""Staff revise an order in review (prices, quantities, address, promised date) — e.g. after a decline.

The next approval issues a new confirmation version; the customer sees what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.domain.errors import Field, InvalidTransition, OrderChanged, Place, ValidationFailed
from portal.domain.orders import events, line_rule, pricing, service, states
from portal.domain.orders.actors import Actor
from portal.domain.orders.checkout import CheckoutInput, resolve_address
from portal.domain.tax_ids import check_tax_id
from portal.formatting import iso
from portal.i18n import N_

REMOVES = N_("Enter a whole number; 0 removes the line.")
MONEY = N_("Enter an amount of at least 0, e.g. 1234.50.")
MAX_MONEY = Decimal("1e11")


@dataclass
class Changes:
    """The revise form as typed values: per line price and quantity (0 removes it), fee, address, promise,
    invoice title and tax ID.

    ``unreadable`` holds the fields the form could not read (name: message), refused with the rest;
    a line whose price could not be read has no new price or quantity (0 still removes it).
    """

    prices: dict[int, Decimal] = field(default_factory=dict)
    quantities: dict[int, int] = field(default_factory=dict)
    shipping_fee: Decimal | None = None  # None keeps the current fee
    promised_date: date | None = None  # None keeps the current promise
    shipping_address_id: str = ""  # empty keeps the current address; "new" takes ``new_address``
    new_address: dict[str, str] = field(default_factory=dict)
    invoice_title: str | None = None  # None keeps the invoice title
    tax_id: str | None = None  # None keeps the tax ID; "" clears it
    unreadable: dict[str, str] = field(default_factory=dict)


def check_promised(promised: date | None, *, today: date) -> date | None:
    """A promised delivery date is never in the past (the business day, as the form's min shows it)."""
    if promised is not None and promised < today:
        raise ValidationFailed({"promised_date": N_("The promised date cannot be in the past.")})
    return promised


def _line_snapshot(lines: list[OrderLine]) -> list[tuple[str, int, str]]:
    return [(ln.sku, ln.quantity, str(ln.unit_price)) for ln in lines]


def _revise_lines(lines: list[OrderLine], changes: Changes, errors: dict[Field, str]) -> list[OrderLine]:
    """New prices and quantities on the lines; returns the lines set to 0, which the revision removes."""
    removed = []
    for line in lines:
        price = pricing.money(changes.prices.get(line.id, line.unit_price))
        quantity = changes.quantities.get(line.id, line.quantity)
        if quantity == 0:
            removed.append(line)
        else:
            line.unit_price, line.quantity = price, quantity
            line.line_total = pricing.line_total(price, line.quantity)
    if len(removed) == len(lines):
        errors["lines"] = N_("An order needs at least one line. To drop the whole order, cancel it instead.")
    return removed


async def _check_rule(
    db: AsyncSession, order: Order, kept: list[OrderLine], errors: dict[Field, str], per_field: dict
) -> None:
    """The lines that stay pass the line rule checkout applies; a product sold meanwhile must go."""
    for line, found in await line_rule.refusals(db, order.account_id, kept):
        place = Place("line", found.kind, line.id)
        if place not in errors:
            errors[place], per_field[place] = found.message, found.params


async def _new_address(
    db: AsyncSession, actor: Actor, order: Order, changes: Changes, errors: dict[Field, str]
) -> dict[str, str] | None:
    """One of the customer's addresses or a new one saved to the account, by checkout's rules."""
    if not changes.shipping_address_id:
        return None
    scoped = replace(actor, account_id=order.account_id)
    wanted = CheckoutInput(shipping_address_id=changes.shipping_address_id, new_address=changes.new_address)
    address = await resolve_address(db, scoped, wanted, errors)
    if "shipping_address_id" in errors:
        errors["shipping_address_id"] = N_("Choose one of the customer's addresses.")
    return address


def _invoice_details(order: Order, changes: Changes, errors: dict[Field, str]) -> tuple[str, str]:
    """The invoice title and tax ID after the revision (the tax ID checked like at checkout)."""
    title = order.invoice_title if changes.invoice_title is None else changes.invoice_title.strip()[:200]
    if not title and changes.invoice_title is not None:
        errors["invoice_title"] = N_("Enter the invoice title.")
    tax_id = order.tax_id if changes.tax_id is None else check_tax_id(changes.tax_id, errors)
    return title, tax_id


def _promise(promised: date | None, errors: dict[Field, str]) -> date | None:
    try:
        return check_promised(promised, today=clock.today())
    except ValidationFailed as exc:
        errors.update(exc.errors)
        return None


async def revise(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    changes: Changes,
    *,
    note: str,
    expected_version: int | None,
) -> OrderEvent:
    """Apply one revise form, all or nothing, and record what changed as an internal event."""
    if order.status not in states.REVISABLE:
        raise InvalidTransition()
    if expected_version is not None and expected_version != order.version:
        raise OrderChanged()
    lines = list(
        await db.scalars(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position, OrderLine.id)
        )
    )
    errors: dict[Field, str] = dict(changes.unreadable)
    per_field: dict[Field, dict[str, object]] = {}
    before = {
        "lines": _line_snapshot(lines),
        "address": order.shipping_address,
        "promised": order.promised_delivery_date,
        "invoice": {"invoice_title": order.invoice_title, "tax_id": order.tax_id},
    }
    removed = _revise_lines(lines, changes, errors)
    kept = [ln for ln in lines if ln not in removed]
    await _check_rule(db, order, kept, errors, per_field)
    fee = order.shipping_fee if changes.shipping_fee is None else pricing.money(changes.shipping_fee)
    promised = _promise(changes.promised_date, errors)
    address = await _new_address(db, actor, order, changes, errors)
    invoice_title, tax_id = _invoice_details(order, changes, errors)
    if errors:
        raise ValidationFailed(errors, per_field=per_field)
    for line in removed:
        await db.delete(line)
    order.shipping_fee = fee
    order.shipping_address = address or order.shipping_address
    order.promised_delivery_date = promised or order.promised_delivery_date
    order.invoice_title, order.tax_id = invoice_title, tax_id
    pricing.apply_totals(order, kept)
    event = events.record(
        db,
        order,
        actor,
        events.EventKind.REVISED,
        note=note.strip()[:4000],
        public=False,
        data=_changed(before, order, kept),
    )
    await service.flush(db)  # the version-checked write of the order
    return event


def _changed(before: dict[str, Any], order: Order, kept: list[OrderLine]) -> dict[str, Any]:
    """The event's record: lines before and after, and the address and promise when they changed."""
    data: dict[str, Any] = {
        "before": before["lines"],
        "after": _line_snapshot(kept),
        "total": str(order.total),
    }
    if order.shipping_address != before["address"]:
        data["address"] = {"before": before["address"], "after": order.shipping_address}
    if order.promised_delivery_date != before["promised"]:
        data["promised"] = {
            "before": iso(before["promised"]),
            "after": order.promised_delivery_date.isoformat(),
        }
    invoice = {"invoice_title": order.invoice_title, "tax_id": order.tax_id}
    if invoice != before["invoice"]:
        data["invoice"] = {"before": before["invoice"], "after": invoice}
    return data
