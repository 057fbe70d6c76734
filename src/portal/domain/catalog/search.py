"""Catalog search for one account: SKU and name contains-search, category filter, keyset pages —
the page and its category filter read in one statement."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache

from sqlalchemy import BigInteger, ColumnElement, Integer, Select, String, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.catalog import Product
from portal.domain.catalog.products import ProductOffer, offers_for_account
from portal.domain.json_rows import json_list, json_rows, money_text

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


def _matching(stmt: Select, pattern: object) -> Select:
    """Match SKU or either name, case-insensitively, in the shape the trigram indexes of 0002 serve;
    ``pattern`` is ``contains_pattern`` of the lower-cased text (or a bind parameter holding it)."""
    return stmt.where(
        or_(
            func.lower(Product.sku).like(pattern, escape=LIKE_ESCAPE),
            Product.name_zh.ilike(pattern, escape=LIKE_ESCAPE),  # index on name_zh itself: ILIKE uses it
            func.lower(Product.name_en).like(pattern, escape=LIKE_ESCAPE),
        )
    )


_OFFER_FIELDS = [f.name for f in fields(ProductOffer) if f.name not in ("id", "price")]
_MONEY = {"list_price"}


@cache
def _page_statement(given: frozenset[str], with_categories: bool) -> Select:
    """The page's one statement for one shape of search (the names of the values ``given``: q, category,
    after), values as bind parameters; built once per shape and process. One row: the page's products
    (``page_size`` + 1, in SKU order) as JSON and, ``with_categories``, the categories to filter by."""
    offered = offers_for_account(bindparam("account_id", type_=BigInteger))
    price = offered.selected_columns.price
    columns = [money_text(getattr(Product, n)) if n in _MONEY else getattr(Product, n) for n in _OFFER_FIELDS]
    stmt = offered.with_only_columns(*columns, Product.id, money_text(price)).where(
        Product.is_active.is_(True)
    )
    if "q" in given:
        stmt = _matching(stmt, bindparam("q", type_=String))
    if "category" in given:
        stmt = stmt.where(Product.category == bindparam("category", type_=String))
    if "after" in given:
        stmt = stmt.where(Product.sku > bindparam("after", type_=String))
    page = stmt.order_by(Product.sku).limit(bindparam("limit", type_=Integer)).subquery()
    items = [page.c[i] for i in range(len(page.c))]
    found = select(json_rows(items, page.c.sku)).scalar_subquery()
    if not with_categories:
        return select(found.label("offers"))
    return select(found.label("offers"), _categories().label("categories"))


def _categories() -> ColumnElement:
    """The categories with an active product, as JSON [code, words-or-null] in code order."""
    words = Product.labels["category"]
    distinct = (
        select(Product.category, words.label("words"))
        .where(Product.is_active.is_(True))
        .distinct()
        .subquery()
    )
    return select(json_rows([distinct.c.category, distinct.c.words], distinct.c.category)).scalar_subquery()


async def catalog_page(
    db: AsyncSession,
    *,
    account_id: int,
    q: str | None = None,
    category: str | None = None,
    after: str | None = None,
    page_size: int = PAGE_SIZE,
    with_categories: bool = True,
) -> tuple[CatalogPage, list[tuple[str, dict]]]:
    """One page of active products with the account's prices, in SKU order, and (``with_categories``)
    the categories that have an active product, for the filter — in one statement."""
    values = {"q": (q or "").strip()[:MAX_QUERY_LENGTH], "category": category, "after": after}
    given = {k: v for k, v in values.items() if v}
    if "q" in given:
        given["q"] = contains_pattern(given["q"].lower())
    stmt = _page_statement(frozenset(given), with_categories)
    row = (
        (await db.execute(stmt, {**given, "account_id": account_id, "limit": page_size + 1})).mappings().one()
    )
    rows = json_list(row["offers"])
    offers = [_offer(r) for r in rows[:page_size]]
    next_after = offers[-1].sku if len(rows) > page_size else None
    return CatalogPage(offers=offers, next_after=next_after), _category_choices(row.get("categories"))


def _offer(values: list) -> ProductOffer:
    named = dict(zip(_OFFER_FIELDS, values, strict=False))
    named["list_price"] = Decimal(named["list_price"])
    named["spec_options"] = named["spec_options"] or {}
    named["labels"] = named["labels"] or {}
    return ProductOffer(**named, id=values[-2], price=Decimal(values[-1]))


def _category_choices(value: object) -> list[tuple[str, dict]]:
    """(code, labels) per category; a product that words its category wins over one that does not."""
    found: dict[str, dict] = {}
    for code, words in json_list(value):
        if words or code not in found:
            found[code] = {"category": words} if words else {}
    return list(found.items())
