"""The cart: a buyer's ``draft`` web order. Lines carry the account's current price and a name snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import literal_column
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from portal.db.customers import CustomerAccount
from portal.db.orders import Order, OrderLine
from portal.domain.catalog.products import ProductOffer, offer_by_sku, offers_by_ids
from portal.domain.errors import NotFound, Place, ValidationFailed
from portal.domain.orders import line_rule, pricing
from portal.domain.orders.actors import Actor
from portal.domain.orders.queries import readable_orders
from portal.i18n import N_

NO_PRODUCT = N_("There is no product with this SKU.")
# The predicate of the partial index uq_orders_one_cart_per_user, written with SQL literals: sent as
# bind parameters, PostgreSQL's generic plan of the prepared upsert (from its 6th run on a connection)
# cannot prove the predicate and refuses ON CONFLICT; literals also let the cart lookup use the index.
CART_WHERE = (Order.status == literal_column("'draft'")) & (Order.channel == literal_column("'web'"))


def cart_query(actor: Actor, *, lock: bool = False):
    stmt = (
        readable_orders(actor)
        .where(CART_WHERE, Order.contact_user_id == actor.id)
        .options(selectinload(Order.lines))
    )
    return stmt.with_for_update(of=Order) if lock else stmt


async def get_cart(db: AsyncSession, actor: Actor, *, lock: bool = False) -> Order | None:
    return await db.scalar(cart_query(actor, lock=lock))


async def get_or_create_cart(db: AsyncSession, actor: Actor) -> Order:
    """The buyer's cart; created on first use. One per buyer, even when two tabs race."""
    account = await db.get(CustomerAccount, actor.account_id)
    await db.execute(
        insert(Order)
        .values(
            account_id=actor.account_id,
            contact_user_id=actor.id,
            channel="web",
            status="draft",
            version=1,
            payment_terms=account.payment_terms,
            payment_days=account.payment_days,
            invoice_title=account.invoice_title or account.name,
            tax_id=account.tax_id,
        )
        .on_conflict_do_nothing(index_elements=[Order.contact_user_id], index_where=CART_WHERE)
    )
    return await db.scalar(cart_query(actor, lock=True).execution_options(populate_existing=True))


@dataclass(frozen=True)
class LineInput:
    """One line typed into an order form, as the web layer read it: row ``n`` of the form (0 for the
    cart's one add form), the SKU as typed, a whole quantity (by the one quantity rule) and the options.

    A quantity or specification the form could not read is None, with its message in ``unreadable``
    under the line rule's kind (``quantity``, ``spec``); the row is refused with that message.
    """

    n: int
    sku: str = ""
    quantity: int | None = None
    specs: dict[str, str] | None = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)


def _beside(
    row: LineInput, kind: str, message: str, params: dict | None = None, option: str = ""
) -> ValidationFailed:
    place = Place("row", kind, row.n, option)
    return ValidationFailed({place: message}, per_field={place: params or {}})


def checked_row(row: LineInput, offer: ProductOffer | None) -> tuple[ProductOffer, int, dict[str, str]]:
    """The row's product, quantity and options once the line rule passes them.

    Raises ValidationFailed with the row's first refusal at ``Place("row", kind, row.n)``: no such
    product, a field the form could not read, or the rule's refusal (``kind`` product, quantity, spec).
    """
    if offer is None:
        raise _beside(row, "product", NO_PRODUCT)
    if row.unreadable:
        kind, message = next(iter(row.unreadable.items()))  # quantity before spec, as the form reads them
        raise _beside(row, kind, message)
    try:
        quantity = line_rule.quantity(row.quantity)  # read already; a row never read is refused here too
    except ValidationFailed as exc:
        raise _beside(row, "quantity", exc.errors["quantity"]) from None
    specs = dict(row.specs or {})
    if found := line_rule.refusal(offer, quantity, specs):
        raise _beside(row, found.kind, found.message, found.params, found.option)
    return offer, quantity, specs


def put_row(order: Order, row: LineInput, checked: tuple[ProductOffer, int, dict[str, str]]) -> None:
    """Add a checked row to ``order`` (same product and specs merge); a merged quantity over the
    product's maximum is refused at the row's quantity."""
    try:
        put_line(order, *checked)
    except ValidationFailed as exc:
        key = next(iter(exc.errors))
        raise _beside(row, "quantity", exc.errors[key], exc.params_of(key)) from None


def put_line(cart: Order, offer: ProductOffer, quantity: int, specs: dict[str, str]) -> None:
    """Add to the cart, merging with a line of the same product and specification."""
    same = next((line for line in cart.lines if line.product_id == offer.id and line.specs == specs), None)
    if same is not None:
        quantity = line_rule.quantity(same.quantity + quantity, offer)
        same.quantity, same.unit_price, same.labels = quantity, offer.price, offer.labels
        same.line_total = pricing.line_total(offer.price, quantity)
        return
    cart.lines.append(
        OrderLine(
            product_id=offer.id,
            position=len(cart.lines) + 1,
            sku=offer.sku,
            name_zh=offer.name_zh,
            name_en=offer.name_en,
            specs=specs,
            labels=offer.labels,
            quantity=quantity,
            unit=offer.unit,
            unit_price=offer.price,
            line_total=pricing.line_total(offer.price, quantity),
        )
    )


async def add_line(db: AsyncSession, actor: Actor, *, line: LineInput, policy: pricing.PricePolicy) -> Order:
    """Add a product to the buyer's cart; refusals are at ``Place("row", kind, 0)`` (see :func:`checked_row`).

    An option of the product the form did not send reads as not chosen; options keep the product's order.
    """
    offer = await offer_by_sku(db, account_id=actor.account_id, sku=line.sku.strip(), active_only=False)
    if offer is not None:
        line = replace(line, specs={**dict.fromkeys(offer.spec_options, ""), **(line.specs or {})})
    checked = checked_row(line, offer)
    cart = await get_or_create_cart(db, actor)
    put_row(cart, line, checked)
    pricing.apply_totals(cart, cart.lines, policy=policy)
    await db.flush()
    return cart


async def change_line(
    db: AsyncSession, actor: Actor, *, line_id: int, quantity: int, policy: pricing.PricePolicy
) -> Order:
    """Set a line's quantity (read by the one quantity rule) within the product's limits; 0 removes the line."""
    cart = await get_cart(db, actor, lock=True)
    line = next((ln for ln in cart.lines if ln.id == line_id), None) if cart else None
    if cart is None or line is None:
        raise NotFound()
    offers = await _offers(db, actor, [line.product_id] if line.product_id else [])
    quantity = line_rule.quantity(quantity, offers.get(line.product_id), allow_zero=True)
    if quantity == 0:
        cart.lines.remove(line)
    else:
        line.quantity, line.line_total = quantity, pricing.line_total(line.unit_price, quantity)
    pricing.apply_totals(cart, cart.lines, policy=policy)
    await db.flush()
    return cart


async def _offers(db: AsyncSession, actor: Actor, ids: list[int]) -> dict[int, ProductOffer]:
    return await offers_by_ids(db, account_id=actor.account_id, ids=[i for i in ids if i])


async def refresh_prices(
    db: AsyncSession, actor: Actor, cart: Order, policy: pricing.PricePolicy
) -> list[tuple[OrderLine, line_rule.Refusal]]:
    """Before submission: current prices and names; returns the lines the line rule refuses."""
    offers = await line_rule.offers_for(db, actor.account_id, cart.lines)
    refused = []
    for line in cart.lines:
        if found := line_rule.line_refusal(line, offers):
            refused.append((line, found))
            continue
        offer = offers[line.product_id]
        line.unit_price, line.name_zh, line.name_en = offer.price, offer.name_zh, offer.name_en
        line.labels = offer.labels
        line.line_total = pricing.line_total(offer.price, line.quantity)
    pricing.apply_totals(cart, cart.lines, policy=policy)
    return refused
