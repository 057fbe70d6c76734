"""Catalog search for one account: SKU and name contains-search, category filter, keyset pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.catalog import Product
from portal.domain.catalog.products import ProductOffer, offers_for_account, to_offer

PAGE_SIZE = 24  # a 2-, 3- or 4-column grid fills evenly
MAX_QUERY_LENGTH = 100
LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class CatalogPage:
    offers: list[ProductOffer]
    next_after: str | None  # the SKU to continue after; None on the last page


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with the user's % and _ taken literally."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%")
    return "%" + escaped.replace("_", LIKE_ESCAPE + "_") + "%"


def _matching(stmt: Select, q: str) -> Select:
    """Match SKU or either name, case-insensitively, in the shape the trigram indexes of 0002 serve."""
    pattern = contains_pattern(q.lower())
    return stmt.where(
        or_(
            func.lower(Product.sku).like(pattern, escape=LIKE_ESCAPE),
            Product.name_zh.ilike(pattern, escape=LIKE_ESCAPE),  # index on name_zh itself: ILIKE uses it
            func.lower(Product.name_en).like(pattern, escape=LIKE_ESCAPE),
        )
    )


async def search_offers(
    db: AsyncSession,
    *,
    account_id: int,
    q: str | None = None,
    category: str | None = None,
    after: str | None = None,
    page_size: int = PAGE_SIZE,
) -> CatalogPage:
    """One page of active products with the account's prices, in SKU order: one statement."""
    stmt = offers_for_account(account_id).where(Product.is_active.is_(True))
    if q := (q or "").strip()[:MAX_QUERY_LENGTH]:
        stmt = _matching(stmt, q)
    if category:
        stmt = stmt.where(Product.category == category)
    if after:
        stmt = stmt.where(Product.sku > after)
    # one row more than shown tells whether a next page exists without counting
    rows = (await db.execute(stmt.order_by(Product.sku).limit(page_size + 1))).all()
    offers = [to_offer(product, price) for product, price in rows[:page_size]]
    next_after = offers[-1].sku if len(rows) > page_size else None
    return CatalogPage(offers=offers, next_after=next_after)


async def active_categories(db: AsyncSession) -> list[tuple[str, dict]]:
    """(code, labels) of the categories that have at least one active product, for the filter."""
    stmt = (
        select(Product.category, Product.labels["category"])
        .where(Product.is_active.is_(True))
        .distinct()
        .order_by(Product.category)
    )
    found: dict[str, dict] = {}
    for code, words in (await db.execute(stmt)).all():
        if words or code not in found:  # a product that words its category wins over one that does not
            found[code] = {"category": words} if words else {}
    return list(found.items())
