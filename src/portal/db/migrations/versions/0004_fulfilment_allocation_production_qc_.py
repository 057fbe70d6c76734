"""fulfilment: allocation, production, QC, packages, shipments, carrier events, cases

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 00:06:18.450219
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from portal.db.migrations import ddl

revision = "0004"
down_revision = "0003"


def _added_columns() -> list[tuple[str, sa.Column]]:
    """Allocation on order lines, delivery and backorder state on orders (dropped in reverse)."""
    return [
        ("order_lines", sa.Column("allocation", sa.String(length=14), nullable=False, server_default="")),
        ("order_lines", sa.Column("reserved_qty", sa.Integer(), nullable=False, server_default="0")),
        ("order_lines", sa.Column("shipped_qty", sa.Integer(), nullable=False, server_default="0")),
        ("orders", sa.Column("tracking_link_version", sa.Integer(), nullable=False, server_default="1")),
        ("orders", sa.Column("delivery_estimate", sa.Date(), nullable=True)),
        ("orders", sa.Column("delivered_at", ddl.TS, nullable=True)),
        ("orders", sa.Column("backorder_choice", sa.String(length=12), nullable=False, server_default="")),
        (
            "orders",
            sa.Column("backorder_substitute_sku", sa.String(length=40), nullable=False, server_default=""),
        ),
        ("orders", sa.Column("backorder_choice_at", ddl.TS, nullable=True)),
    ]


def upgrade() -> None:
    ddl.create_table(
        "carriers",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("webhook_secret", sa.String(length=200), nullable=False),
        sa.Column("tracking_url", sa.String(length=300), nullable=False),
        key=["code"],
    )
    ddl.create_table(
        "packages",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("weight_kg", sa.String(length=20), nullable=False),
        sa.Column("dimensions", sa.String(length=60), nullable=False),
        sa.Column("contents", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("packed_at", ddl.TS, nullable=False),
        ddl.id_column(),
        ddl.foreign_key("packages", "order_id", "orders", "CASCADE"),
        indexed=["order_id"],
    )
    ddl.create_table(
        "production_milestones",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("milestone", sa.String(length=20), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("actual_date", sa.Date(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *ddl.done("updated"),
        ddl.id_column(),
        ddl.check("production_milestones", "progress_percent", "progress BETWEEN 0 AND 100"),
        ddl.foreign_key("production_milestones", "order_id", "orders", "CASCADE"),
        sa.UniqueConstraint("order_id", "milestone", name="uq_production_milestones_order_milestone"),
        indexed=["order_id"],
    )
    ddl.create_table(
        "qc_inspections",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("inspector_id", sa.BigInteger(), nullable=True),
        sa.Column("inspector_name", sa.String(length=120), nullable=False),
        sa.Column("at", ddl.TS, nullable=False),
        ddl.id_column(),
        *ddl.foreign_keys(
            "qc_inspections", ("inspector_id", "staff_users"), ("order_id", "orders", "CASCADE")
        ),
        indexed=["order_id"],
    )
    ddl.create_table(
        "shipments",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("carrier_code", sa.String(length=40), nullable=False),
        sa.Column("tracking_number", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("shipped_at", ddl.TS, nullable=False),
        sa.Column("eta", sa.Date(), nullable=True),
        sa.Column("delivered_at", ddl.TS, nullable=True),
        sa.Column("shipped_by", sa.String(length=120), nullable=False),
        ddl.id_column(),
        *ddl.foreign_keys("shipments", ("carrier_code", "carriers.code"), ("order_id", "orders", "CASCADE")),
        sa.UniqueConstraint("carrier_code", "tracking_number", name="uq_shipments_carrier_tracking"),
        indexed=["order_id"],
    )
    ddl.create_table(
        "carrier_events",
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("carrier_code", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("exception_kind", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", ddl.TS, nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", ddl.TS, nullable=False),
        ddl.id_column(),
        ddl.foreign_key("carrier_events", "shipment_id", "shipments", "CASCADE"),
        sa.UniqueConstraint("carrier_code", "event_id", name="uq_carrier_events_carrier_event"),
    )
    op.create_index(
        "ix_carrier_events_shipment_occurred", "carrier_events", ["shipment_id", "occurred_at"], unique=False
    )
    ddl.create_table(
        "logistics_cases",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("opened_at", ddl.TS, nullable=False),
        sa.Column("resolved_at", ddl.TS, nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(length=120), nullable=False),
        ddl.id_column(),
        *ddl.foreign_keys(
            "logistics_cases", ("order_id", "orders", "CASCADE"), ("shipment_id", "shipments", "CASCADE")
        ),
        indexed=["order_id"],
    )
    ddl.create_table(
        "shipment_lines",
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("order_line_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        ddl.id_column(),
        ddl.check("shipment_lines", "quantity_positive", "quantity > 0"),
        *ddl.foreign_keys(
            "shipment_lines",
            ("order_line_id", "order_lines", "CASCADE"),
            ("shipment_id", "shipments", "CASCADE"),
        ),
        indexed=["order_line_id", "shipment_id"],
    )
    ddl.add_columns(_added_columns())


def downgrade() -> None:
    ddl.drop_columns(_added_columns())
    ddl.drop_table("shipment_lines", indexed=["order_line_id", "shipment_id"])
    ddl.drop_table("logistics_cases", indexed=["order_id"])
    op.drop_index("ix_carrier_events_shipment_occurred", table_name="carrier_events")
    op.drop_table("carrier_events")
    for table in ("shipments", "qc_inspections", "production_milestones", "packages"):
        ddl.drop_table(table, indexed=["order_id"])
    op.drop_table("carriers")
