"""Notifications written in the causing transaction and delivered later by workers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db.base import Base, IdMixin


class OutboxMessage(IdMixin, Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at"),)

    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=clock.now)
    kind: Mapped[str] = mapped_column(String(20), default="email")
    template: Mapped[str] = mapped_column(String(80))
    recipient: Mapped[str] = mapped_column(String(254))
    # "" until sent when the recipient has no known language: DEFAULT_LOCALE is then used (and recorded)
    locale: Mapped[str] = mapped_column(String(10), default="")
    context: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("orders.id", ondelete="SET NULL"), index=True, default=None
    )
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=clock.now)
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    # the rendered message, kept for staff (what was sent) and the dev mailbox
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    transport: Mapped[str] = mapped_column(String(20), default="")
