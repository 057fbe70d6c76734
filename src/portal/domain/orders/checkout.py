"""Placing the order: the cart becomes a received order, exactly once per checkout form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import numbers
from portal.db.customers import Address, CustomerAccount
from portal.db.orders import Order
from portal.domain.catalog.products import offers_by_ids
from portal.domain.errors import Field, Place, ValidationFailed
from portal.domain.orders import attachments, cart, pricing, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.queries import readable_orders
from portal.domain.tax_ids import check_tax_id
from portal.i18n import N_

KEY = re.compile(r"^[A-Za-z0-9-]{16,64}$")
ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "street", "postal_code")
REQUIRED_ADDRESS = ("recipient", "phone", "city", "street")


@dataclass
class OrderDetails:
    """The delivery and invoice fields every order form shares (checkout, edit, staff entry), typed.

    ``shipping_address_id`` is an address id, "new" (then ``new_address`` by ``ADDRESS_FIELDS``) or
    blank; ``unreadable`` holds the form's refused fields (name: message).
    """

    requested_delivery_date: date | None = None
    shipping_address_id: str = ""
    new_address: dict[str, str] = field(default_factory=dict)
    invoice_title: str = ""
    tax_id: str = ""
    special_requirements: str = ""
    idempotency_key: str = ""
    unreadable: dict[str, str] = field(default_factory=dict)


@dataclass
class CheckoutInput(OrderDetails):
    """The checkout form as typed values: the shared order fields and the attached files."""

    uploads: list[attachments.Upload] = field(default_factory=list)


@dataclass(frozen=True)
class Earliest:
    day: date
    sku: str
    days: int


@dataclass(frozen=True)
class Limits:
    storage: Path
    max_files: int
    max_bytes: int


async def earliest_delivery(db: AsyncSession, actor: Actor, order: Order, today: date) -> Earliest:
    """Today plus the longest lead time of the products in the cart, and which product sets it."""
    offers = await offers_by_ids(
        db, account_id=actor.account_id, ids=[ln.product_id for ln in order.lines if ln.product_id]
    )
    longest = max(((o.lead_time_days, o.sku) for o in offers.values()), default=(0, ""))
    return Earliest(day=today + timedelta(days=longest[0]), sku=longest[1], days=longest[0])


async def existing_order_number(db: AsyncSession, actor: Actor, key: str) -> str | None:
    if not key:
        return None
    return await db.scalar(
        readable_orders(actor)
        .with_only_columns(Order.number)
        .where(Order.idempotency_key == key, Order.number.is_not(None))
    )


def validate_date(
    wanted: date | None, earliest: Earliest, errors: dict[str, str], params: dict[str, Any]
) -> date | None:
    """The requested delivery date: given (unless the form could not read it), and not before ``earliest``."""
    if wanted is None:
        errors.setdefault("requested_delivery_date", N_("Enter a date as YYYY-MM-DD."))
        return None
    if wanted < earliest.day:
        params.update(earliest=earliest.day.isoformat(), sku=earliest.sku, days=earliest.days)
        errors["requested_delivery_date"] = N_(
            "The earliest possible date is %(earliest)s: %(sku)s has a lead time of %(days)s days."
        )
    return wanted


async def resolve_address(
    db: AsyncSession, actor: Actor, data: CheckoutInput, errors: dict[Field, str]
) -> dict[str, str] | None:
    if data.shipping_address_id and data.shipping_address_id != "new":
        found = None
        if (address_id := numbers.ident(data.shipping_address_id)) is not None:
            found = await db.scalar(
                select(Address).where(Address.id == address_id, Address.account_id == actor.account_id)
            )
        if found is None:
            errors["shipping_address_id"] = N_("Choose one of your addresses.")
            return None
        return {"country": found.country, **{f: getattr(found, f) for f in ADDRESS_FIELDS}}
    new = {f: (data.new_address.get(f) or "").strip()[:300] for f in ADDRESS_FIELDS}
    missing = [f for f in REQUIRED_ADDRESS if not new[f]]
    if missing:
        errors[Place("address", missing[0])] = N_(
            "Recipient, phone, city and street are needed for a new address."
        )
        return None
    db.add(Address(account_id=actor.account_id, label=new["city"], country="CN", **new))
    return {"country": "CN", **new}


@dataclass(frozen=True)
class CheckedDetails:
    """A buyer's order form's delivery and invoice fields as checked (``check_details``); what was
    refused is None (date, address) or as typed (tax ID), its message in the caller's ``errors``."""

    requested_delivery_date: date | None
    shipping_address: dict[str, str] | None
    invoice_title: str  # stripped, at most 200 characters
    tax_id: str
    special_requirements: str  # stripped, at most 4,000 characters

    def apply_to(self, order: Order) -> None:
        """Write the fields on ``order`` (once nothing was refused)."""
        order.requested_delivery_date = self.requested_delivery_date
        order.shipping_address = self.shipping_address
        order.invoice_title, order.tax_id = self.invoice_title, self.tax_id
        order.special_requirements = self.special_requirements


async def check_details(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    data: CheckoutInput,
    today: date,
    errors: dict[Field, str],
    params: dict[str, Any],
) -> CheckedDetails:
    """Check the delivery date (not before ``order``'s earliest), the address (a new one is added to
    the book), the invoice title and the tax ID of the buyer's checkout or edit form; each refusal
    goes to ``errors`` (with its ``params``)."""
    wanted = validate_date(
        data.requested_delivery_date, await earliest_delivery(db, actor, order, today), errors, params
    )
    address = await resolve_address(db, actor, data, errors)
    if not data.invoice_title.strip():
        errors["invoice_title"] = N_("Enter the invoice title.")
    tax_id = check_tax_id(data.tax_id, errors)
    return CheckedDetails(
        wanted,
        address,
        data.invoice_title.strip()[:200],
        tax_id,
        data.special_requirements.strip()[:4000],
    )


def checked_uploads(
    uploads: list[attachments.Upload],
    limits: Limits,
    errors: dict[str, str],
    params: dict[str, Any],
    *,
    already: int = 0,
) -> list[tuple[attachments.Upload, str]]:
    """The uploads checked by count (with the ``already`` attached), size and kind; refusals go to ``errors``."""
    try:
        return attachments.validate(uploads, max_files=limits.max_files - already, max_bytes=limits.max_bytes)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        params.update(exc.field_params)
        return []


async def checkout(
    db: AsyncSession,
    actor: Actor,
    data: CheckoutInput,
    *,
    policy: pricing.PricePolicy,
    today: date,
    limits: Limits,
) -> str:
    """Submit the cart; returns the order number. A replayed form returns the order it already made."""
    if number := await existing_order_number(db, actor, data.idempotency_key):
        return number
    order = await cart.get_cart(db, actor, lock=True)  # a double-click waits here for the first click
    if number := await existing_order_number(db, actor, data.idempotency_key):
        return number
    if order is None or not order.lines:
        raise ValidationFailed({"cart": N_("Your cart is empty.")})
    errors: dict[Field, str] = dict(data.unreadable)
    params: dict[str, Any] = {}
    if not KEY.match(data.idempotency_key):
        errors["idempotency_key"] = N_("This form has expired. Please reload the page and try again.")
    details = await check_details(db, actor, order, data, today, errors, params)
    checked = checked_uploads(data.uploads, limits, errors, params)
    per_line: dict[Field, dict[str, object]] = {}
    for line, refusal in await cart.refresh_prices(db, actor, order, policy):
        place = Place("line", refusal.kind, line.id)
        errors[place], per_line[place] = refusal.message, refusal.params
        errors["cart"] = N_("Please change these lines in your cart before you order:")
    if errors:
        raise ValidationFailed(errors, params=params, per_field=per_line)
    account = await db.get(CustomerAccount, actor.account_id)
    details.apply_to(order)
    order.payment_terms, order.payment_days = account.payment_terms, account.payment_days
    order.priority = "normal"
    order.idempotency_key = data.idempotency_key
    async with attachments.removed_on_failure(db, actor, order, checked, limits.storage):
        await service.submit(db, actor, order, vat_rate=policy.vat_rate)
    return order.number or ""
