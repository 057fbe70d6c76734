"""The one rule an order line must pass to be (re)submitted, whoever submits it and by which path.

Checkout, edit-and-resubmit, staff order entry, staff revision, reorder and backorder substitutes
call :func:`refusal`; the review checks flag every line of an order that no longer passes it.
A line passes when its product is still sold to the account (active; the account's agreed price,
else the list price, always applies), its quantity is within the product's minimum and maximum,
and its specification names exactly the product's options with one offered choice each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import numbers
from portal.db.catalog import Product
from portal.db.orders import Order, OrderLine
from portal.domain.catalog.products import ProductOffer, offers_by_ids, offers_for_account
from portal.domain.errors import ValidationFailed
from portal.domain.json_rows import json_list, json_rows, money_text
from portal.i18n import N_

GONE = N_("%(sku)s is no longer available.")
BELOW_MIN = N_("%(sku)s: the minimum order quantity is %(n)s.")
ABOVE_MAX = N_("%(sku)s: the maximum order quantity is %(n)s.")
SPEC = N_("%(sku)s: choose one of the offered options for %(option)s.")
UNKNOWN_SPEC = N_("%(sku)s has no option %(option)s.")
WHOLE = N_("Enter a whole number of at least 1.")
MAX_QUANTITY = 1_000_000


class Line(Protocol):
    """What the rule reads of a line: an ``OrderLine`` or anything shaped like one."""

    product_id: int | None
    sku: str
    quantity: int
    specs: dict[str, Any]


@dataclass(frozen=True)
class Refusal:
    """Why a line cannot be submitted: ``kind`` is product, quantity or spec (``option`` names it)."""

    kind: str
    message: str  # a msgid, translated where shown with ``params``
    params: dict[str, object] = field(default_factory=dict)
    option: str = ""


def quantity_refusal(quantity: int, offer: ProductOffer) -> Refusal | None:
    """The product's minimum and maximum order quantity."""
    if quantity < offer.min_order_qty:
        return Refusal("quantity", BELOW_MIN, {"sku": offer.sku, "n": offer.min_order_qty})
    if quantity > offer.max_order_qty:
        return Refusal("quantity", ABOVE_MAX, {"sku": offer.sku, "n": offer.max_order_qty})
    return None


def quantity(
    raw: object,
    offer: ProductOffer | None = None,
    *,
    allow_zero: bool = False,
    name: str = "quantity",
    message: str = WHOLE,
) -> int:
    """The one quantity rule for every form: a whole number 1..MAX_QUANTITY in ASCII digits, within
    ``offer``'s minimum and maximum when given; 0 only where it removes or skips a line.

    Anything else is a 422 beside the field ``name`` (``message`` says what the field wants).
    """
    try:
        value = numbers.whole(raw, maximum=MAX_QUANTITY)  # "²" is a digit to isdigit(), not here
    except numbers.NotANumber:
        raise ValidationFailed({name: message}) from None
    if value == 0 and allow_zero:
        return 0
    if value < 1:
        raise ValidationFailed({name: message})
    if offer and (found := quantity_refusal(value, offer)):
        raise refused(name, found)
    return value


def spec_refusal(specs: Mapping[str, Any], offer: ProductOffer) -> Refusal | None:
    """One offered choice for each of the product's options, and no option it does not have."""
    for name, choices in offer.spec_options.items():
        if str(specs.get(name, "")) not in [str(c) for c in choices]:
            return Refusal("spec", SPEC, {"sku": offer.sku, "option": name}, option=name)
    unknown = sorted(set(specs) - set(offer.spec_options))
    if unknown:
        return Refusal("spec", UNKNOWN_SPEC, {"sku": offer.sku, "option": unknown[0]}, option=unknown[0])
    return None


def refusal(
    offer: ProductOffer | None, quantity: int, specs: Mapping[str, Any], *, sku: str = ""
) -> Refusal | None:
    """None when the line may be submitted, else the first reason it may not."""
    if offer is None or not offer.is_active:
        return Refusal("product", GONE, {"sku": offer.sku if offer else sku})
    return quantity_refusal(quantity, offer) or spec_refusal(specs, offer)


def refused(name: str, found: Refusal) -> ValidationFailed:
    """The refusal as a 422 beside the field ``name``."""
    return ValidationFailed({name: found.message}, per_field={name: found.params})


async def offers_for(db: AsyncSession, account_id: int, lines: Iterable[Line]) -> dict[int, ProductOffer]:
    """The products of ``lines`` as the account sees them: its prices, active or not."""
    return await offers_by_ids(
        db, account_id=account_id, ids=[ln.product_id for ln in lines if ln.product_id]
    )


def line_refusal(line: Line, offers: Mapping[int, ProductOffer]) -> Refusal | None:
    """The rule for a stored line, given the account's offers of its products."""
    offer = offers.get(line.product_id) if line.product_id else None
    return refusal(offer, line.quantity, line.specs or {}, sku=line.sku)


async def refusals(db: AsyncSession, account_id: int, lines: list[Line]) -> list[tuple[Line, Refusal]]:
    """Every line that no longer passes the rule, with why, in the order given."""
    offers = await offers_for(db, account_id, lines)
    return [(ln, found) for ln in lines if (found := line_refusal(ln, offers))]


class OfferRow(NamedTuple):
    """A line's product as the account sees it, as the rule and the review checks read it
    (what ``order_offers_json`` reads in an order's one-statement page)."""

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


_OFFER_COLUMNS = [
    Product.id, Product.sku, Product.is_active, Product.min_order_qty, Product.max_order_qty, Product.spec_options,
    Product.stock_on_hand, Product.made_to_order, Product.lead_time_days,
]  # fmt: skip


def order_offers_json() -> ColumnElement:
    """The products of the enclosing statement's order (``orders``) as its account sees them
    (``offers_for_account``: its prices), as one JSON array; ``order_offers`` decodes it."""
    offered = offers_for_account(Order.account_id)
    price = offered.selected_columns.price
    products = select(OrderLine.product_id).where(OrderLine.order_id == Order.id).correlate(Order)
    return (
        offered.with_only_columns(json_rows([*_OFFER_COLUMNS, money_text(price)]))
        .where(Product.id.in_(products))
        .scalar_subquery()
    )


def order_offers(value: Any) -> dict[int, OfferRow]:
    """``order_offers_json``'s column decoded: the offers by product id."""
    return {o[0]: OfferRow(*o[:9], Decimal(o[9])) for o in json_list(value)}
