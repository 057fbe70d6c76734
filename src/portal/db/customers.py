"""Customer companies, their users and their saved addresses."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, IdMixin, TimestampMixin, owned_by


class CustomerAccount(IdMixin, TimestampMixin, Base):
    __tablename__ = "customer_accounts"

    name: Mapped[str] = mapped_column(String(200))
    tax_id: Mapped[str] = mapped_column(String(40), default="")
    invoice_title: Mapped[str] = mapped_column(String(200), default="")
    credit_limit: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    payment_terms: Mapped[str] = mapped_column(String(20), default="net")  # prepaid | net
    payment_days: Mapped[int] = mapped_column(default=30)
    is_key_account: Mapped[bool] = mapped_column(Boolean, default=False)
    default_locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class CustomerUser(IdMixin, TimestampMixin, Base):
    __tablename__ = "customer_users"
    __table_args__ = (Index("uq_customer_users_email_lower", text("lower(email)"), unique=True),)

    account_id: Mapped[int] = owned_by("customer_accounts")
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str | None] = mapped_column(Text, default=None)
    locale: Mapped[str | None] = mapped_column(String(10), default=None)
    # the language the person last read the portal in: their e-mail's language when they saved none
    last_locale: Mapped[str | None] = mapped_column(String(10), default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)


class Address(IdMixin, TimestampMixin, Base):
    __tablename__ = "addresses"

    account_id: Mapped[int] = owned_by("customer_accounts")
    label: Mapped[str] = mapped_column(String(80), default="")
    recipient: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40), default="")
    country: Mapped[str] = mapped_column(String(2), default="CN")
    province: Mapped[str] = mapped_column(String(80), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    district: Mapped[str] = mapped_column(String(80), default="")
    street: Mapped[str] = mapped_column(String(300))
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
