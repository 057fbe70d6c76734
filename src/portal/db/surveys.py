"""Satisfaction surveys (满意度调查), one per order, and each customer user's e-mail preferences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db.base import Base, IdMixin, owned_by

# a low score's follow-up (低分回访): none needed, open for after-sales, or done
FOLLOW_UP_STATES = ("none", "open", "done")


class SurveyAnswer(IdMixin, Base):
    """The buyer's answer to an order's satisfaction survey: one per order, never changed after."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        CheckConstraint("csat_overall BETWEEN 1 AND 5", name="csat_overall_range"),
        CheckConstraint("csat_delivery BETWEEN 1 AND 5", name="csat_delivery_range"),
        CheckConstraint("csat_quality BETWEEN 1 AND 5", name="csat_quality_range"),
        CheckConstraint("nps BETWEEN 0 AND 10", name="nps_range"),
        CheckConstraint("follow_up_state IN ('none', 'open', 'done')", name="follow_up_state_known"),
        CheckConstraint("follow_up_needed OR follow_up_state = 'none'", name="follow_up_only_when_needed"),
        # the after-sales dashboard lists the open follow-ups, oldest first
        Index(
            "ix_survey_answers_open_follow_ups",
            "answered_at",
            postgresql_where=text("follow_up_state = 'open'"),
        ),
    )

    order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("orders.id", ondelete="CASCADE"), unique=True
    )  # one answer per order
    account_id: Mapped[int] = owned_by("customer_accounts")
    # who answered when signed in; None when the e-mailed link was used (it went to the order's contact)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("customer_users.id", ondelete="SET NULL"), default=None
    )
    via: Mapped[str] = mapped_column(String(10))  # link | portal
    csat_overall: Mapped[int] = mapped_column(SmallInteger)
    csat_delivery: Mapped[int] = mapped_column(SmallInteger)
    csat_quality: Mapped[int] = mapped_column(SmallInteger)
    nps: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(default=clock.now)
    follow_up_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_up_state: Mapped[str] = mapped_column(String(10), default="none")


class EmailPreference(Base):
    """Which optional e-mails a customer user receives; without a row the defaults of DOMAIN.md apply
    (production milestones opt-in, shipped and delivered notices and survey invitations on)."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("customer_users.id", ondelete="CASCADE"), primary_key=True
    )
    milestones: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    shipped: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    delivered: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    surveys: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
