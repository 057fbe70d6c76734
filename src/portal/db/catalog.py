"""Products offered in the catalog."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, IdMixin, TimestampMixin


class Product(IdMixin, TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock_on_hand >= 0", name="stock_not_negative"),
        CheckConstraint("list_price >= 0", name="price_not_negative"),
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
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
