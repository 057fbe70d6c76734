"""Products offered in the catalog."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, IdMixin, TimestampMixin, owned_by


class Product(IdMixin, TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock_on_hand >= 0", name="stock_not_negative"),
        CheckConstraint("list_price >= 0", name="price_not_negative"),
        # the trigram indexes for "contains" search live in migration 0002 only: they need the
        # pg_trgm extension, which the embedded development PostgreSQL does not ship
        Index("ix_products_active_category_sku", "is_active", "category", "sku"),
    )

    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(60), index=True)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    list_price: Mapped[Decimal] = mapped_column()
    stock_on_hand: Mapped[int] = mapped_column(default=0)
    lead_time_days: Mapped[int] = mapped_column(default=0)
    made_to_order: Mapped[bool] = mapped_column(Boolean, default=False)
    min_order_qty: Mapped[int] = mapped_column(default=1)
    max_order_qty: Mapped[int] = mapped_column(default=100000)
    # {"voltage": ["220V", "380V"], "colour": ["grey", "blue"]}: the choices a buyer may pick per option
    spec_options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # the words for the codes above in both languages (domain/catalog/labels.py):
    # {"unit": {"zh": "件", "en": "pcs"}, "category": {...}, "terms": {"voltage": {"zh": "电压", "en": "Voltage"}}}
    labels: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class AccountPrice(IdMixin, Base):
    """A customer account's agreed price for a product; without one the list price applies."""

    __tablename__ = "account_prices"
    __table_args__ = (
        UniqueConstraint("account_id", "product_id", name="uq_account_prices_account_product"),
        CheckConstraint("price >= 0", name="price_not_negative"),
    )

    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("customer_accounts.id", ondelete="CASCADE")
    )
    product_id: Mapped[int] = owned_by("products")
    price: Mapped[Decimal] = mapped_column()
