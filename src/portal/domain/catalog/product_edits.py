"""Administering the catalog: list, create and edit products, each change audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.catalog import Product
from portal.domain.audit import trail as audit
from portal.domain.catalog import labels
from portal.domain.catalog.products import ProductFields, ProductSummary
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.fields import FormReader
from portal.domain.orders.actors import Actor
from portal.domain.paging import LIKE_ESCAPE, PAGE_SIZE, Page, like, page_of
from portal.i18n import N_

SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MAX_OPTIONS = 20
MAX_CHOICES = 50
AUDITED = (
    "sku",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "category",
    "unit",
    "list_price",
    "stock_on_hand",
    "lead_time_days",
    "made_to_order",
    "min_order_qty",
    "max_order_qty",
    "spec_options",
    "labels",
    "is_active",
)
TEXT_FIELDS = ("sku", "name_zh", "name_en", "description_zh", "description_en", "category", "unit")
NUMBER_FIELDS = ("list_price", "stock_on_hand", "lead_time_days", "min_order_qty", "max_order_qty")
FLAG_FIELDS = ("made_to_order", "is_active")
LABEL_FIELDS = ("unit_zh", "unit_en", "category_zh", "category_en", "spec_labels")
FORM_FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, *FLAG_FIELDS, "spec_options", *LABEL_FIELDS)
SPEC_FORMAT = N_('Write one option per line as "name: choice 1, choice 2".')


@dataclass(frozen=True, kw_only=True)
class ProductRow(ProductSummary):
    """One product of the administration list, active or not."""

    id: int


@dataclass(frozen=True, kw_only=True)
class ProductData(ProductFields):
    """A checked product form; ``sku`` is only used when creating."""


def parse_spec_options(text: str) -> dict[str, list[str]]:
    """'voltage: 220V, 380V' per line -> {"voltage": ["220V", "380V"]}; full-width ：and ，read too."""
    options: dict[str, list[str]] = {}
    for line in text.replace("：", ":").replace("，", ",").splitlines():
        if not line.strip():
            continue
        name, sep, rest = line.partition(":")
        name = name.strip()
        choices = list(dict.fromkeys(c.strip() for c in rest.split(",") if c.strip()))
        valid = sep and name and choices and len(name) <= 40 and all(len(c) <= 60 for c in choices)
        if not valid or name in options or len(choices) > MAX_CHOICES:
            raise ValidationFailed({"spec_options": SPEC_FORMAT})
        options[name] = choices
    if len(options) > MAX_OPTIONS:
        raise ValidationFailed({"spec_options": N_("At most 20 options.")})
    return options


def format_spec_options(options: dict[str, Any]) -> str:
    return "\n".join(f"{name}: {', '.join(str(c) for c in choices)}" for name, choices in options.items())


def _spec_options(form: FormReader) -> dict[str, list[str]]:
    try:
        return parse_spec_options(form.raw("spec_options"))
    except ValidationFailed as exc:
        form.errors.update(exc.errors)
        return {}


def _labels(form: FormReader) -> dict[str, Any]:
    """The zh and en words for the unit, the category and the spec options (catalog/labels.py)."""
    try:
        terms = labels.parse_terms(form.raw("spec_labels"))
    except ValidationFailed as exc:
        form.errors.update(exc.errors)
        terms = {}
    words = {
        kind: labels.pair(form.text(f"{kind}_zh", limit=limit), form.text(f"{kind}_en", limit=limit))
        for kind, limit in (("unit", 20), ("category", 60))
    }
    return {k: v for k, v in {**words, "terms": terms}.items() if v}


def parse_product(values: dict[str, str], *, creating: bool) -> ProductData:
    """Check a submitted product form; raise ValidationFailed naming every wrong field."""
    form = FormReader(values)
    sku = form.text("sku", limit=40, required=creating)
    if creating and sku and not SKU.match(sku):
        form.error("sku", N_("Use letters, digits, dots, dashes and underscores, at most 40."))
    whole = N_("Enter a whole number of 0 or more.")
    data = ProductData(
        sku=sku,
        name_zh=form.text("name_zh", limit=200, required=True),
        name_en=form.text("name_en", limit=200, required=True),
        description_zh=form.text("description_zh", limit=4000),
        description_en=form.text("description_en", limit=4000),
        category=form.text("category", limit=60, required=True),
        unit=form.text("unit", limit=20, required=True),
        list_price=form.money(
            "list_price", message=N_("Enter a price of 0 or more with at most two decimals.")
        ),
        stock_on_hand=form.integer("stock_on_hand", minimum=0, message=whole),
        lead_time_days=form.integer(
            "lead_time_days", minimum=0, maximum=365, message=N_("Enter a number of days from 0 to 365.")
        ),
        made_to_order=form.flag("made_to_order"),
        min_order_qty=form.integer(
            "min_order_qty", minimum=1, message=N_("Enter a whole number of 1 or more.")
        ),
        max_order_qty=form.integer(
            "max_order_qty", minimum=1, message=N_("Enter a whole number of 1 or more.")
        ),
        spec_options=_spec_options(form),
        is_active=form.flag("is_active"),
        labels=_labels(form),
    )
    quantities_read = "min_order_qty" not in form.errors and "max_order_qty" not in form.errors
    if quantities_read and data.max_order_qty < data.min_order_qty:
        form.error("max_order_qty", N_("The maximum must not be below the minimum."))
    form.check()
    return data


def product_values(product: Product | None) -> dict[str, str]:
    """The form's fields as text: a new product's defaults, or an existing product's values."""
    if product is None:
        return {
            "unit": "pcs",
            "list_price": "",
            "stock_on_hand": "0",
            "lead_time_days": "0",
            "min_order_qty": "1",
            "max_order_qty": "100000",
            "is_active": "on",
        }
    values = {f: str(getattr(product, f)) for f in (*TEXT_FIELDS, *NUMBER_FIELDS)}
    values |= {f: "on" if getattr(product, f) else "" for f in FLAG_FIELDS}
    values["spec_options"] = format_spec_options(product.spec_options or {})
    own = product.labels or {}
    for kind in ("unit", "category"):
        values |= {f"{kind}_{lang}": own.get(kind, {}).get(lang, "") for lang in labels.LANGS}
    values["spec_labels"] = labels.format_terms(own.get("terms", {}))
    return values


async def list_products(
    db: AsyncSession, *, q: str = "", after: str = "", limit: int = PAGE_SIZE
) -> Page[ProductRow]:
    """Every product, active or not, in SKU order; ``q`` matches SKU or either name; ``after`` is the
    last SKU shown (a SKU has at most 40 characters: the rest is not read)."""
    stmt = select(*(getattr(Product, f) for f in ProductRow.__dataclass_fields__))
    if q.strip():
        pattern = like(q)
        stmt = stmt.where(
            or_(
                func.lower(Product.sku).like(pattern, escape=LIKE_ESCAPE),
                Product.name_zh.ilike(pattern, escape=LIKE_ESCAPE),
                func.lower(Product.name_en).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    if after:
        stmt = stmt.where(Product.sku > after[:40])
    rows = [
        ProductRow(**r._mapping)
        for r in (await db.execute(stmt.order_by(Product.sku).limit(limit + 1))).all()
    ]
    return page_of(rows, limit, lambda row: row.sku)


async def get_product(db: AsyncSession, product_id: int, *, lock: bool = False) -> Product:
    stmt = select(Product).where(Product.id == product_id)
    product = await db.scalar(stmt.with_for_update() if lock else stmt)
    if product is None:
        raise NotFound()
    return product


def _apply(product: Product, data: ProductData) -> None:
    for name in AUDITED:
        if name != "sku":
            setattr(product, name, getattr(data, name))


async def create_product(db: AsyncSession, actor: Actor, *, data: ProductData) -> Product:
    taken = await db.scalar(select(Product.id).where(func.lower(Product.sku) == data.sku.lower()))
    if taken is not None:
        raise ValidationFailed({"sku": N_("A product with this SKU already exists.")})
    product = Product(sku=data.sku)
    _apply(product, data)
    db.add(product)
    await db.flush()
    audit.created(db, actor, entity="product", obj=product, fields=AUDITED)
    await db.flush()
    return product


async def update_product(
    db: AsyncSession, actor: Actor, *, product_id: int, data: ProductData, stock_seen: int | None = None
) -> Product:
    """``stock_seen`` is the stock the form showed: the change is applied as a difference, so units
    reserved by orders while the form was open are not put back on the shelf."""
    product = await get_product(db, product_id, lock=True)
    before = audit.snapshot(product, AUDITED)
    if stock_seen is not None:
        stock = product.stock_on_hand + (data.stock_on_hand - stock_seen)
        if stock < 0:
            raise ValidationFailed({"stock_on_hand": N_("Stock changed meanwhile; it cannot go below 0.")})
        data = replace(data, stock_on_hand=stock)
    _apply(product, data)
    audit.updated(db, actor, entity="product", obj=product, fields=AUDITED, before=before)
    await db.flush()
    return product
