"""Orders sales enter for a customer (phone, e-mail, fax, sales rep): the customer's prices, placed at once."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.catalog import Product
from portal.db.customers import Address, CustomerAccount, CustomerUser
from portal.db.orders import Order
from portal.domain.catalog.products import ProductOffer, offers_for_account, to_offer
from portal.domain.errors import Field, ValidationFailed
from portal.domain.orders import cart, pricing, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.cart import LineInput
from portal.domain.orders.checkout import (
    KEY,
    CheckoutInput,
    OrderDetails,
    earliest_delivery,
    resolve_address,
    validate_date,
)
from portal.domain.tax_ids import check_tax_id
from portal.i18n import N_

CHANNELS = ("phone", "email", "fax", "sales_rep")
PRIORITIES = {"normal": N_("normal"), "urgent": N_("urgent")}
MAX_LINES = 10
NO_ACCOUNT = N_("Choose a customer account.")
NO_CONTACT = N_("Choose a contact of this customer.")


@dataclass
class EntryInput(OrderDetails):
    """The order entry form as typed values: who, how, the rows, and the shared order fields."""

    customer_id: int | None = None
    contact_id: int | None = None
    channel: str = ""
    priority: str = "normal"
    lines: list[LineInput] = field(default_factory=list)  # the rows with anything typed in


@dataclass(frozen=True)
class EntryChoices:
    """What the form offers: active accounts, and the chosen one's contacts and addresses."""

    accounts: list[CustomerAccount]
    account: CustomerAccount | None = None
    contacts: list[CustomerUser] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)

    def defaults(self) -> dict[str, str]:
        """Form values taken from the chosen account: first contact, default address, invoice details."""
        if self.account is None:
            return {}
        return {
            "contact_id": str(self.contacts[0].id) if self.contacts else "",
            "shipping_address_id": str(self.addresses[0].id) if self.addresses else "new",
            "invoice_title": self.account.invoice_title or self.account.name,
            "tax_id": self.account.tax_id,
        }


async def choices(db: AsyncSession, *, customer_id: int | None) -> EntryChoices:
    """Every active account; for ``customer_id`` (when it is one of them) its contacts and addresses."""
    accounts = list(
        await db.scalars(
            select(CustomerAccount)
            .where(CustomerAccount.is_active.is_(True))
            .order_by(CustomerAccount.is_key_account.desc(), CustomerAccount.name, CustomerAccount.id)
        )
    )
    account = next((a for a in accounts if a.id == customer_id), None)
    if account is None:
        return EntryChoices(accounts)
    contacts = await db.scalars(
        select(CustomerUser)
        .where(CustomerUser.account_id == account.id, CustomerUser.is_active.is_(True))
        .order_by(CustomerUser.name, CustomerUser.id)
    )
    addresses = await db.scalars(
        select(Address)
        .where(Address.account_id == account.id)
        .order_by(Address.is_default.desc(), Address.id)
    )
    return EntryChoices(accounts, account, list(contacts), list(addresses))


async def offers_by_sku(
    db: AsyncSession, *, account_id: int, skus: list[str], active_only: bool = True
) -> dict[str, ProductOffer]:
    """Products by SKU (any letter case) at this account's prices; keys are lower case."""
    wanted = {s.strip().lower() for s in skus if s.strip()}
    if not wanted:
        return {}
    stmt = offers_for_account(account_id).where(func.lower(Product.sku).in_(sorted(wanted)))
    if active_only:
        stmt = stmt.where(Product.is_active.is_(True))
    return {p.sku.lower(): to_offer(p, price) for p, price in (await db.execute(stmt)).all()}


async def add_lines(db: AsyncSession, *, account_id: int, order: Order, lines: list[LineInput]) -> None:
    """Every typed-in row as an order line; all refusals are reported together, each at its
    ``Place("row", kind, n)`` (kind product, quantity or spec; see ``cart.checked_row``)."""
    offers = await offers_by_sku(
        db, account_id=account_id, skus=[line.sku for line in lines], active_only=False
    )
    errors, per_field = {}, {}
    for line in lines:
        try:
            cart.put_row(order, line, cart.checked_row(line, offers.get(line.sku.strip().lower())))
        except ValidationFailed as exc:
            errors.update(exc.errors)
            per_field.update({k: exc.params_of(k) for k in exc.errors})
    if errors:
        raise ValidationFailed(errors, per_field=per_field)


def _check_form(data: EntryInput, errors: dict[str, str]) -> None:
    if data.channel not in CHANNELS:
        errors["channel"] = N_("Choose how the order came in.")
    if data.priority not in PRIORITIES:
        errors["priority"] = N_("Choose a priority.")
    if not KEY.match(data.idempotency_key):
        errors["idempotency_key"] = N_("This form has expired. Please reload the page and try again.")
    if not data.invoice_title.strip():
        errors["invoice_title"] = N_("Enter the invoice title.")


async def _account(
    db: AsyncSession, account_id: int | None, errors: dict[str, str]
) -> CustomerAccount | None:
    account = await db.get(CustomerAccount, account_id) if account_id else None
    if account is None or not account.is_active:
        errors["customer_id"] = NO_ACCOUNT
        return None
    return account


async def _contact(
    db: AsyncSession, wanted: int | None, *, account_id: int, errors: dict[str, str]
) -> int | None:
    contact_id = await db.scalar(
        select(CustomerUser.id).where(
            CustomerUser.id == (wanted or 0),
            CustomerUser.account_id == account_id,
            CustomerUser.is_active.is_(True),
        )
    )
    if contact_id is None:
        errors["contact_id"] = NO_CONTACT
    return contact_id


async def _address(
    db: AsyncSession, scoped: Actor, data: EntryInput, errors: dict[str, str]
) -> dict[str, str] | None:
    """One of the account's addresses, or a new one saved to the account (checkout's rules)."""
    wanted = CheckoutInput(shipping_address_id=data.shipping_address_id, new_address=data.new_address)
    address = await resolve_address(db, scoped, wanted, errors)
    if "shipping_address_id" in errors:
        errors["shipping_address_id"] = N_("Choose one of the customer's addresses.")
    return address


def _draft(actor: Actor, account: CustomerAccount, data: EntryInput) -> Order:
    """The order as entered, not yet in the session: nothing is written until every field passes."""
    return Order(
        account_id=account.id,
        channel=data.channel,
        entered_by_staff_id=actor.id,
        status="draft",
        priority=data.priority,
        payment_terms=account.payment_terms,
        payment_days=account.payment_days,
        invoice_title=data.invoice_title.strip()[:200],
        special_requirements=data.special_requirements.strip()[:4000],
        idempotency_key=data.idempotency_key,
        lines=[],
    )


async def _replayed(db: AsyncSession, key: str) -> str | None:
    """The order a form with this key already placed; concurrent posts of one form queue here."""
    await db.execute(select(func.pg_advisory_xact_lock(func.hashtext("order-entry:" + key))))
    return await db.scalar(
        select(Order.number).where(Order.idempotency_key == key, Order.number.is_not(None))
    )


async def enter_order(
    db: AsyncSession, actor: Actor, data: EntryInput, *, policy: pricing.PricePolicy, today: date
) -> str:
    """Place an order for the customer as the staff ``actor``; returns its number (a replayed form's too)."""
    if KEY.match(data.idempotency_key) and (number := await _replayed(db, data.idempotency_key)):
        return number
    errors: dict[Field, str] = {}
    params: dict[str, Any] = {}
    _check_form(data, errors)
    account = await _account(db, data.customer_id, errors)
    if account is None:
        raise ValidationFailed(errors)
    errors.update(data.unreadable)
    scoped = replace(actor, account_id=account.id)  # lead times and addresses of this customer
    order = _draft(actor, account, data)
    order.tax_id = check_tax_id(data.tax_id, errors)
    order.contact_user_id = await _contact(db, data.contact_id, account_id=account.id, errors=errors)
    per_field: dict[Field, dict[str, object]] = {}
    if not data.lines:
        errors["lines"] = N_("Enter at least one order line.")
    try:
        await add_lines(db, account_id=account.id, order=order, lines=data.lines)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        per_field.update(exc.per_field)
    earliest = await earliest_delivery(db, scoped, order, today)
    order.requested_delivery_date = validate_date(data.requested_delivery_date, earliest, errors, params)
    order.shipping_address = await _address(db, scoped, data, errors)
    if errors:
        raise ValidationFailed(errors, params=params, per_field=per_field)
    db.add(order)
    pricing.apply_totals(order, order.lines, policy=policy)
    await service.submit(db, actor, order, vat_rate=policy.vat_rate)
    return order.number or ""
