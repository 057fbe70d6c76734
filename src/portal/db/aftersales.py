"""After-sales (售后): one table of cases for every kind the after-sales queue works, their lines and photos.

A case is numbered ``AS-YYYY-NNNNNN``. ``kind`` says what opened it: a receipt with short or damaged
lines (``receipt``) today; low-score survey follow-ups and complaints later share the table and the
queue, which is why ``order_id`` may be empty (a complaint need not name an order) and the account
is always stored (every customer read is scoped by it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db.base import Base, IdMixin, owned_by


class AftersalesCase(IdMixin, Base):
    __tablename__ = "aftersales_cases"
    __table_args__ = (
        # the queue: open cases of a kind, oldest first
        Index("ix_aftersales_cases_state_kind_opened", "state", "kind", "opened_at", "id"),
        Index("ix_aftersales_cases_opened_id", "opened_at", "id"),  # the queue of every kind (0012)
    )

    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # receipt (later: low_score, complaint)
    state: Mapped[str] = mapped_column(String(30), default="open")  # open | resolved (later: more)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer_accounts.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("orders.id", ondelete="CASCADE"), index=True, default=None
    )
    opened_by_kind: Mapped[str] = mapped_column(String(10))  # customer | staff | system
    opened_by_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    opened_by_name: Mapped[str] = mapped_column(String(120), default="")
    assignee_staff_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("staff_users.id"), default=None
    )
    note: Mapped[str] = mapped_column(Text, default="")  # what the customer wrote
    opened_at: Mapped[datetime] = mapped_column(default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution: Mapped[str] = mapped_column(Text, default="")
    # complaints (0012): what the ticket is about; every kind: the first-response SLA and the claim check
    subject: Mapped[str] = mapped_column(String(200), default="", server_default="")
    category: Mapped[str] = mapped_column(String(20), default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    first_response_due_at: Mapped[datetime | None] = mapped_column(default=None)
    first_responded_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class AftersalesMessage(IdMixin, Base):
    """One message of a case's thread (a complaint's): the buyer's or staff's, both sides read all."""

    __tablename__ = "aftersales_messages"

    case_id: Mapped[int] = owned_by("aftersales_cases")
    author_kind: Mapped[str] = mapped_column(String(10))  # customer | staff
    author_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    author_name: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class AftersalesCaseEvent(IdMixin, Base):
    """One move of a case through its transition table (who, from, to, when)."""

    __tablename__ = "aftersales_case_events"

    case_id: Mapped[int] = owned_by("aftersales_cases")
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class AftersalesSlaAlert(IdMixin, Base):
    """An SLA alert sent about a case: at most one per case and kind of alert (the constraint, not luck)."""

    __tablename__ = "aftersales_sla_alerts"
    __table_args__ = (UniqueConstraint("case_id", "alert", name="uq_aftersales_sla_alerts_case_alert"),)

    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("aftersales_cases.id", ondelete="CASCADE"))
    alert: Mapped[str] = mapped_column(String(30))  # first_response
    sent_at: Mapped[datetime] = mapped_column(default=clock.now)


class AftersalesCaseLine(IdMixin, Base):
    """One order line of a receipt case: how many were missing and how many arrived damaged."""

    __tablename__ = "aftersales_case_lines"
    __table_args__ = (
        CheckConstraint("short_qty >= 0 AND damaged_qty >= 0", name="quantities_not_negative"),
        CheckConstraint("short_qty + damaged_qty > 0", name="something_wrong"),
    )

    case_id: Mapped[int] = owned_by("aftersales_cases")
    order_line_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("order_lines.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(60))
    short_qty: Mapped[int] = mapped_column(Integer, default=0)
    damaged_qty: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class AftersalesPhoto(IdMixin, Base):
    """A photo of a case, re-encoded by ``domain.images``; the file lives under the data folder."""

    __tablename__ = "aftersales_photos"

    case_id: Mapped[int] = owned_by("aftersales_cases")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    message_id: Mapped[int | None] = mapped_column(  # an attachment of a thread message (0012)
        BigInteger, ForeignKey("aftersales_messages.id", ondelete="CASCADE"), index=True, default=None
    )
    uploaded_by_kind: Mapped[str] = mapped_column(String(10))
    uploaded_by_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
