"""fulfilment: allocation, production, QC, packages, shipments, carrier events, cases

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 00:06:18.450219
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carriers",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("webhook_secret", sa.String(length=200), nullable=False),
        sa.Column("tracking_url", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_carriers")),
    )
    op.create_table(
        "packages",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("weight_kg", sa.String(length=20), nullable=False),
        sa.Column("dimensions", sa.String(length=60), nullable=False),
        sa.Column("contents", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("packed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_packages_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packages")),
    )
    op.create_index(op.f("ix_packages_order_id"), "packages", ["order_id"], unique=False)
    op.create_table(
        "production_milestones",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("milestone", sa.String(length=20), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("actual_date", sa.Date(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.CheckConstraint(
            "progress BETWEEN 0 AND 100", name=op.f("ck_production_milestones_progress_percent")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_production_milestones_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_production_milestones")),
        sa.UniqueConstraint("order_id", "milestone", name="uq_production_milestones_order_milestone"),
    )
    op.create_index(
        op.f("ix_production_milestones_order_id"), "production_milestones", ["order_id"], unique=False
    )
    op.create_table(
        "qc_inspections",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("inspector_id", sa.BigInteger(), nullable=True),
        sa.Column("inspector_name", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["staff_users.id"], name=op.f("fk_qc_inspections_inspector_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_qc_inspections_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qc_inspections")),
    )
    op.create_index(op.f("ix_qc_inspections_order_id"), "qc_inspections", ["order_id"], unique=False)
    op.create_table(
        "shipments",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("carrier_code", sa.String(length=40), nullable=False),
        sa.Column("tracking_number", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("eta", sa.Date(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipped_by", sa.String(length=120), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_code"], ["carriers.code"], name=op.f("fk_shipments_carrier_code_carriers")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_shipments_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sa.UniqueConstraint("carrier_code", "tracking_number", name="uq_shipments_carrier_tracking"),
    )
    op.create_index(op.f("ix_shipments_order_id"), "shipments", ["order_id"], unique=False)
    op.create_table(
        "carrier_events",
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("carrier_code", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("exception_kind", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_carrier_events_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carrier_events")),
        sa.UniqueConstraint("carrier_code", "event_id", name="uq_carrier_events_carrier_event"),
    )
    op.create_index(
        "ix_carrier_events_shipment_occurred", "carrier_events", ["shipment_id", "occurred_at"], unique=False
    )
    op.create_table(
        "logistics_cases",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(length=120), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_logistics_cases_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_logistics_cases_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logistics_cases")),
    )
    op.create_index(op.f("ix_logistics_cases_order_id"), "logistics_cases", ["order_id"], unique=False)
    op.create_table(
        "shipment_lines",
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("order_line_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_shipment_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_shipment_lines_order_line_id_order_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_lines_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_lines")),
    )
    op.create_index(
        op.f("ix_shipment_lines_order_line_id"), "shipment_lines", ["order_line_id"], unique=False
    )
    op.create_index(op.f("ix_shipment_lines_shipment_id"), "shipment_lines", ["shipment_id"], unique=False)
    op.add_column(
        "order_lines", sa.Column("allocation", sa.String(length=14), nullable=False, server_default="")
    )
    op.add_column("order_lines", sa.Column("reserved_qty", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("order_lines", sa.Column("shipped_qty", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "orders", sa.Column("tracking_link_version", sa.Integer(), nullable=False, server_default="1")
    )
    op.add_column("orders", sa.Column("delivery_estimate", sa.Date(), nullable=True))
    op.add_column("orders", sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "orders", sa.Column("backorder_choice", sa.String(length=12), nullable=False, server_default="")
    )
    op.add_column(
        "orders",
        sa.Column("backorder_substitute_sku", sa.String(length=40), nullable=False, server_default=""),
    )
    op.add_column("orders", sa.Column("backorder_choice_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "backorder_choice_at")
    op.drop_column("orders", "backorder_substitute_sku")
    op.drop_column("orders", "backorder_choice")
    op.drop_column("orders", "delivered_at")
    op.drop_column("orders", "delivery_estimate")
    op.drop_column("orders", "tracking_link_version")
    op.drop_column("order_lines", "shipped_qty")
    op.drop_column("order_lines", "reserved_qty")
    op.drop_column("order_lines", "allocation")
    op.drop_index(op.f("ix_shipment_lines_shipment_id"), table_name="shipment_lines")
    op.drop_index(op.f("ix_shipment_lines_order_line_id"), table_name="shipment_lines")
    op.drop_table("shipment_lines")
    op.drop_index(op.f("ix_logistics_cases_order_id"), table_name="logistics_cases")
    op.drop_table("logistics_cases")
    op.drop_index("ix_carrier_events_shipment_occurred", table_name="carrier_events")
    op.drop_table("carrier_events")
    op.drop_index(op.f("ix_shipments_order_id"), table_name="shipments")
    op.drop_table("shipments")
    op.drop_index(op.f("ix_qc_inspections_order_id"), table_name="qc_inspections")
    op.drop_table("qc_inspections")
    op.drop_index(op.f("ix_production_milestones_order_id"), table_name="production_milestones")
    op.drop_table("production_milestones")
    op.drop_index(op.f("ix_packages_order_id"), table_name="packages")
    op.drop_table("packages")
    op.drop_table("carriers")
