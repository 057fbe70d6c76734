"""The buyer's cart page in one SQL statement: the cart, its lines, and its products as the account
sees them (prices, limits, options), so the page tells which lines checkout would refuse.

Built with Core around ``order_read``'s text collections, compiled once per process to SQL text (a
request neither builds nor compiles it) and scoped by ``queries.readable_where``. The changes to
the cart (add, change, remove, checkout) load the ORM cart with its row lock (``cart.get_cart``);
this is the read the page shows after each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import TextClause, literal_column, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import Order
from portal.domain.json_rows import json_list
from portal.domain.orders import line_rule, order_read, queries
from portal.domain.orders.actors import Actor
from portal.domain.orders.cart import CART_WHERE

# the cart's lines as JSON, each as the line rule and the page read it: the order page's, and the product
_LINES = order_read.lines_json("orders", extra="l.product_id")


@dataclass(frozen=True)
class CartLine:
    """A line of the cart as the page shows it; money in the cart's currency."""

    id: int
    product_id: int | None
    sku: str
    name_zh: str
    name_en: str
    specs: dict[str, str]
    labels: dict
    quantity: int
    unit: str
    unit_price: Decimal
    line_total: Decimal


@dataclass(frozen=True)
class CartView:
    """The cart with its totals (subtotal, shipping fee, VAT rate and amount, total) and lines."""

    id: int
    currency: str
    subtotal: Decimal
    shipping_fee: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    total: Decimal
    lines: list[CartLine]


@dataclass(frozen=True)
class CartRead:
    """The page: the cart (None before the first line is added) and the lines checkout would refuse."""

    cart: CartView | None
    refused: dict[int, line_rule.Refusal]  # by line id


@cache
def _statement(scope: str) -> TextClause:
    """The page's statement for one scope condition on ``orders`` (a customer's own account)."""
    stmt = (
        select(
            Order.id,
            Order.currency,
            Order.subtotal,
            Order.shipping_fee,
            Order.tax_rate,
            Order.tax_amount,
            Order.total,
            literal_column(_LINES),
            line_rule.order_offers_json().label("offers"),
        )  # fmt: skip
        .where(literal_column(scope), CART_WHERE, Order.contact_user_id == literal_column(":user_id"))
        .limit(1)
    )
    return text(str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})))


async def cart_page(db: AsyncSession, actor: Actor) -> CartRead:
    """The buyer's cart as the page shows it, read in one statement (after flushing what this request
    changed, so that the page shows it)."""
    await db.flush()
    scope, params = queries.readable_where(actor, "orders")
    row = (await db.execute(_statement(scope), {**params, "user_id": actor.id})).mappings().first()
    if row is None:
        return CartRead(None, {})
    lines = [
        CartLine(i, pid, sku, zh, en, specs or {}, labels or {}, qty, unit, Decimal(price), Decimal(total))
        for i, sku, zh, en, specs, labels, qty, unit, price, total, pid in json_list(row["lines"])
    ]
    cart = CartView(
        row["id"], row["currency"], row["subtotal"], row["shipping_fee"], row["tax_rate"], row["tax_amount"],
        row["total"], lines,
    )  # fmt: skip
    offers = line_rule.order_offers(row["offers"])
    refused = {ln.id: found for ln in lines if (found := line_rule.line_refusal(ln, offers))}
    return CartRead(cart, refused)
