"""Orders, their lines, their append-only event timeline and the yearly number counter."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import INET, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.db.base import Base, IdMixin, TimestampMixin, owned_by, quantity_positive


class Order(IdMixin, TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_account_created", "account_id", "created_at", "id"),
        Index("ix_orders_account_submitted", "account_id", "submitted_at", "id"),
        # one cart per buyer: the web draft of a contact user
        Index(
            "uq_orders_one_cart_per_user",
            "contact_user_id",
            unique=True,
            postgresql_where=text("status = 'draft' AND channel = 'web'"),
        ),
        Index("ix_orders_status_submitted", "status", "submitted_at"),
        # the staff order list: newest first, filtered by channel or assignee (0006)
        Index("ix_orders_submitted_id", "submitted_at", "id"),
        Index("ix_orders_channel_submitted", "channel", "submitted_at"),
        Index("ix_orders_assignee_submitted", "assignee_staff_id", "submitted_at"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )

    number: Mapped[str | None] = mapped_column(String(20), unique=True, default=None)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer_accounts.id"), index=True)
    contact_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("customer_users.id"), default=None
    )
    channel: Mapped[str] = mapped_column(String(20), default="web")
    entered_by_staff_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("staff_users.id"), default=None
    )
    status: Mapped[str] = mapped_column(String(30), default="draft")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    subtotal: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    tax_rate: Mapped[Decimal] = mapped_column(default=Decimal("0.13"))
    tax_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    shipping_fee: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    payment_terms: Mapped[str] = mapped_column(String(20), default="net")
    payment_days: Mapped[int] = mapped_column(Integer, default=30)
    requested_delivery_date: Mapped[date | None] = mapped_column(default=None)
    promised_delivery_date: Mapped[date | None] = mapped_column(default=None)
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB, default=None)
    invoice_title: Mapped[str] = mapped_column(String(200), default="")
    tax_id: Mapped[str] = mapped_column(String(40), default="")
    special_requirements: Mapped[str] = mapped_column(Text, default="")
    # a replacement order (补发订单) sent free for returned goods: the order it replaces (0014)
    replaces_order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("orders.id"), index=True, default=None
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    assignee_staff_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("staff_users.id"), default=None
    )
    approval_level: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    # the review SLA runs from when the order (last) came into review; the watchdog alerts once per round
    review_started_at: Mapped[datetime | None] = mapped_column(default=None)
    sla_alerted_at: Mapped[datetime | None] = mapped_column(default=None)
    # tracking links carry this number; bumping it revokes every link sent so far
    tracking_link_version: Mapped[int] = mapped_column(Integer, default=1)
    delivery_estimate: Mapped[date | None] = mapped_column(default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    backorder_choice: Mapped[str] = mapped_column(String(12), default="")  # wait | partial | substitute
    backorder_substitute_sku: Mapped[str] = mapped_column(String(40), default="")
    backorder_choice_at: Mapped[datetime | None] = mapped_column(default=None)

    # every UPDATE of an order checks and bumps the version: two people acting at once, one wins
    __mapper_args__ = {"version_id_col": version}

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", lazy="raise", order_by="OrderLine.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[OrderEvent]] = relationship(lazy="raise", order_by="OrderEvent.id", viewonly=True)


class OrderLine(IdMixin, Base):
    __tablename__ = "order_lines"
    __table_args__ = (quantity_positive(),)

    order_id: Mapped[int] = owned_by("orders")
    product_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("products.id"), index=True, default=None
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    sku: Mapped[str] = mapped_column(String(40), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    specs: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    labels: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default="{}"
    )  # the product's, when added
    quantity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    unit_price: Mapped[Decimal] = mapped_column()
    line_total: Mapped[Decimal] = mapped_column()
    # allocation at confirmation: reserved from stock, backordered, or made to order
    allocation: Mapped[str] = mapped_column(String(14), default="")
    reserved_qty: Mapped[int] = mapped_column(Integer, default=0)
    shipped_qty: Mapped[int] = mapped_column(Integer, default=0)

    order: Mapped[Order] = relationship(back_populates="lines", lazy="raise")


class OrderEvent(IdMixin, Base):
    """One row per change of an order; the order's timeline. Never updated or deleted."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order_id_id", "order_id", "id"),)

    order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("orders.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(server_default=func.now(), default=clock.now)
    actor_kind: Mapped[str] = mapped_column(String(10))  # customer | staff | system
    actor_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(30), default=None)
    to_state: Mapped[str | None] = mapped_column(String(30), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str | None] = mapped_column(INET, default=None)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class OrderNumberCounter(Base):
    """Last order number handed out per year; incremented under a row lock."""

    __tablename__ = "order_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class OrderAttachment(IdMixin, Base):
    """A drawing or specification uploaded with an order; the file lives outside static/."""

    __tablename__ = "order_attachments"

    order_id: Mapped[int] = owned_by("orders")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_kind: Mapped[str] = mapped_column(String(10))
    uploaded_by_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=clock.now)


class Confirmation(IdMixin, Base):
    """Order confirmation version k: an immutable snapshot and its hash, and the customer's answer."""

    __tablename__ = "confirmations"
    __table_args__ = (UniqueConstraint("order_id", "version", name="uq_confirmations_order_version"),)

    order_id: Mapped[int] = owned_by("orders")
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=clock.now)
    created_by_staff_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("staff_users.id"), default=None
    )
    status: Mapped[str] = mapped_column(String(12), default="sent")  # sent | accepted | declined | superseded
    responded_at: Mapped[datetime | None] = mapped_column(default=None)
    responded_by_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("customer_users.id"), default=None
    )
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_ip: Mapped[str | None] = mapped_column(INET, default=None)
    signer_user_agent: Mapped[str] = mapped_column(Text, default="")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
