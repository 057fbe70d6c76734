"""Fulfilment: production milestones, QC inspections, packages, shipments, carrier events, cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db.base import Base, IdMixin, owned_by, quantity_positive


class Carrier(Base):
    """A carrier we hand goods to; its webhook secret signs the events it sends us."""

    __tablename__ = "carriers"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    webhook_secret: Mapped[str] = mapped_column(String(200))
    tracking_url: Mapped[str] = mapped_column(String(300), default="")  # "{tracking_number}" is replaced


class ProductionMilestone(IdMixin, Base):
    __tablename__ = "production_milestones"
    __table_args__ = (
        UniqueConstraint("order_id", "milestone", name="uq_production_milestones_order_milestone"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
    )

    order_id: Mapped[int] = owned_by("orders")
    milestone: Mapped[str] = mapped_column(
        String(20)
    )  # planned | materials_ready | in_production | qc | packed
    planned_date: Mapped[date | None] = mapped_column(default=None)
    actual_date: Mapped[date | None] = mapped_column(default=None)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")  # internal, never shown to customers
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class QcInspection(IdMixin, Base):
    __tablename__ = "qc_inspections"

    order_id: Mapped[int] = owned_by("orders")
    result: Mapped[str] = mapped_column(String(10))  # pass | fail | rework
    note: Mapped[str] = mapped_column(Text, default="")
    inspector_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("staff_users.id"), default=None)
    inspector_name: Mapped[str] = mapped_column(String(120), default="")
    at: Mapped[datetime] = mapped_column(default=clock.now)


class Package(IdMixin, Base):
    __tablename__ = "packages"

    order_id: Mapped[int] = owned_by("orders")
    position: Mapped[int] = mapped_column(Integer, default=1)
    weight_kg: Mapped[str] = mapped_column(String(20), default="")
    dimensions: Mapped[str] = mapped_column(String(60), default="")
    contents: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)  # [{line_id, sku, quantity}]
    packed_at: Mapped[datetime] = mapped_column(default=clock.now)


class Shipment(IdMixin, Base):
    __tablename__ = "shipments"
    __table_args__ = (
        UniqueConstraint("carrier_code", "tracking_number", name="uq_shipments_carrier_tracking"),
    )

    order_id: Mapped[int] = owned_by("orders")
    carrier_code: Mapped[str] = mapped_column(String(40), ForeignKey("carriers.code"))
    tracking_number: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(
        String(20), default="shipped"
    )  # shipped|in_transit|out_for_delivery|delivered|exception
    shipped_at: Mapped[datetime] = mapped_column(default=clock.now)
    eta: Mapped[date | None] = mapped_column(default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    shipped_by: Mapped[str] = mapped_column(String(120), default="")


class ShipmentLine(IdMixin, Base):
    __tablename__ = "shipment_lines"
    __table_args__ = (quantity_positive(),)

    shipment_id: Mapped[int] = owned_by("shipments")
    order_line_id: Mapped[int] = owned_by("order_lines")
    quantity: Mapped[int] = mapped_column(Integer)


class CarrierEvent(IdMixin, Base):
    __tablename__ = "carrier_events"
    __table_args__ = (
        UniqueConstraint("carrier_code", "event_id", name="uq_carrier_events_carrier_event"),
        Index("ix_carrier_events_shipment_occurred", "shipment_id", "occurred_at"),
        CheckConstraint("(shipment_id IS NULL) <> (return_id IS NULL)", name="one_parcel"),
    )

    # the parcel: one of our shipments, or a return coming back to us (returns.carrier_code, 0014)
    shipment_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("shipments.id", ondelete="CASCADE"), default=None
    )
    return_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("returns.id", ondelete="CASCADE"), index=True, default=None
    )
    carrier_code: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(120))  # the carrier's id; staff entries get a generated one
    status: Mapped[str] = mapped_column(String(20))
    exception_kind: Mapped[str] = mapped_column(String(20), default="")  # delayed | lost | damaged
    occurred_at: Mapped[datetime] = mapped_column()
    location: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default="webhook")  # webhook | staff
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)


class LogisticsCase(IdMixin, Base):
    """A delivery exception (delayed, lost, damaged): open until staff record a resolution."""

    __tablename__ = "logistics_cases"

    order_id: Mapped[int] = owned_by("orders")
    shipment_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("shipments.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str] = mapped_column(String(120), default="")
    # claimed in the after-sales queue (the version guards the claim against a stale page)
    assignee_staff_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("staff_users.id"), default=None
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
