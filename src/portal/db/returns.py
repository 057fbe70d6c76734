"""Returns and exchanges (退换货, RMA): the return-specific half of an after-sales case of kind ``return``.

The case row (``aftersales_cases``) carries what every kind shares: its ``AS-`` number, account,
order, state, assignee, first-response SLA, version, events and photos. ``returns`` adds what only a
return has: the reason and desired resolution, the ``RMA-`` number given on approval, the return
shipment and the outcome (a credit note, a replacement order or a repair). ``return_lines`` holds
the order lines and quantities asked back, and after inspection what was accepted and rejected.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, IdMixin


class ReturnRequest(IdMixin, Base):
    __tablename__ = "returns"
    # the carrier's webhook finds the parcel coming back by its tracking number
    __table_args__ = (Index("ix_returns_carrier_tracking", "carrier_code", "tracking_number"),)

    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("aftersales_cases.id", ondelete="CASCADE"), unique=True
    )
    rma_number: Mapped[str | None] = mapped_column(String(20), unique=True, default=None)  # on approval
    reason: Mapped[str] = mapped_column(String(20))  # quality_defect | transit_damage | wrong_item | ...
    desired: Mapped[str] = mapped_column(String(20))  # credit_note | replacement | repair
    description: Mapped[str] = mapped_column(Text, default="")
    decision_note: Mapped[str] = mapped_column(Text, default="")  # the instructions, or why rejected
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by_name: Mapped[str] = mapped_column(String(120), default="")
    carrier: Mapped[str] = mapped_column(String(60), default="")  # as the buyer named it
    carrier_code: Mapped[str | None] = mapped_column(  # one of ours: its webhook reports the parcel
        String(40), ForeignKey("carriers.code"), default=None
    )
    tracking_number: Mapped[str] = mapped_column(String(60), default="")
    shipped_at: Mapped[datetime | None] = mapped_column(default=None)
    received_at: Mapped[datetime | None] = mapped_column(default=None)
    inspected_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[str] = mapped_column(String(20), default="")  # credit_note | replacement | repair
    credit_note_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("credit_notes.id"), default=None
    )
    replacement_order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("orders.id"), default=None
    )


class ReturnLine(IdMixin, Base):
    """Units of one order line asked back; ``accepted_qty``/``rejected_qty`` once inspected."""

    __tablename__ = "return_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "accepted_qty IS NULL OR (accepted_qty >= 0 AND rejected_qty >= 0 "
            "AND accepted_qty + rejected_qty <= quantity)",
            name="inspected_within_quantity",
        ),
    )

    return_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("returns.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("order_lines.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(60))
    quantity: Mapped[int] = mapped_column(Integer)
    accepted_qty: Mapped[int | None] = mapped_column(Integer, default=None)
    rejected_qty: Mapped[int | None] = mapped_column(Integer, default=None)
    inspection_note: Mapped[str] = mapped_column(Text, default="")
