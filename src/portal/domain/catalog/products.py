"""One product as an account sees it: the price that applies to the account and its availability."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.catalog import AccountPrice, Product


@dataclass(frozen=True, kw_only=True)
class ProductSummary:
    """What a product list shows of a product; prices in yuan, times in days."""

    sku: str
    name_zh: str
    name_en: str
    category: str
    unit: str
    list_price: Decimal
    stock_on_hand: int
    lead_time_days: int
    made_to_order: bool
    is_active: bool


@dataclass(frozen=True, kw_only=True)
class ProductFields(ProductSummary):
    """Every field an administrator sets on a product (the ``products`` columns of the same names)."""

    description_zh: str
    description_en: str
    min_order_qty: int
    max_order_qty: int
    spec_options: dict[str, list[str]]  # option name -> its choices
    labels: dict[str, Any] = field(default_factory=dict)  # zh/en words for unit, category, spec options


@dataclass(frozen=True, kw_only=True)
class ProductOffer(ProductFields):
    """A product as one account sees it."""

    id: int
    price: Decimal  # what this account pays: its agreed price, else the list price

    @property
    def in_stock(self) -> bool:
        return not self.made_to_order and self.stock_on_hand > 0

    def name(self, locale: str) -> str:
        return self.name_zh if locale == "zh_CN" else self.name_en


def offers_for_account(account_id: int) -> Select:
    """Products with the account's price: the one place that decides what a customer pays."""
    price = func.coalesce(AccountPrice.price, Product.list_price).label("price")
    return select(Product, price).outerjoin(
        AccountPrice, (AccountPrice.product_id == Product.id) & (AccountPrice.account_id == account_id)
    )


def to_offer(product: Product, price: Decimal) -> ProductOffer:
    """The product's columns of the same names, with the account's ``price``."""
    columns = {f.name: getattr(product, f.name) for f in fields(ProductFields)}
    columns |= {"spec_options": product.spec_options or {}, "labels": product.labels or {}}
    return ProductOffer(**columns, id=product.id, price=price)


async def offer_by_sku(
    db: AsyncSession, *, account_id: int, sku: str, active_only: bool = True
) -> ProductOffer | None:
    stmt = offers_for_account(account_id).where(Product.sku == sku)
    if active_only:
        stmt = stmt.where(Product.is_active.is_(True))
    row = (await db.execute(stmt)).first()
    return to_offer(*row) if row else None


async def offers_by_ids(db: AsyncSession, *, account_id: int, ids: list[int]) -> dict[int, ProductOffer]:
    if not ids:
        return {}
    rows = (await db.execute(offers_for_account(account_id).where(Product.id.in_(ids)))).all()
    return {p.id: to_offer(p, price) for p, price in rows}
