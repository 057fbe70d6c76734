"""returns and exchanges (RMA): the return half of an after-sales case of kind "return", its lines,
carrier events of a parcel coming back (carrier_events.return_id), and replacement orders (orders.replaces_order_id)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 08:26:38.969507
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "returns",
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("rma_number", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("desired", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_name", sa.String(length=120), nullable=False),
        sa.Column("carrier", sa.String(length=60), nullable=False),
        sa.Column("carrier_code", sa.String(length=40), nullable=True),
        sa.Column("tracking_number", sa.String(length=60), nullable=False),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("credit_note_id", sa.BigInteger(), nullable=True),
        sa.Column("replacement_order_id", sa.BigInteger(), nullable=True),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_code"], ["carriers.code"], name=op.f("fk_returns_carrier_code_carriers")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["aftersales_cases.id"],
            name=op.f("fk_returns_case_id_aftersales_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["credit_note_id"], ["credit_notes.id"], name=op.f("fk_returns_credit_note_id_credit_notes")
        ),
        sa.ForeignKeyConstraint(
            ["replacement_order_id"], ["orders.id"], name=op.f("fk_returns_replacement_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
        sa.UniqueConstraint("case_id", name=op.f("uq_returns_case_id")),
        sa.UniqueConstraint("rma_number", name=op.f("uq_returns_rma_number")),
    )
    op.create_index(
        "ix_returns_carrier_tracking", "returns", ["carrier_code", "tracking_number"], unique=False
    )
    op.create_table(
        "return_lines",
        sa.Column("return_id", sa.BigInteger(), nullable=False),
        sa.Column("order_line_id", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("accepted_qty", sa.Integer(), nullable=True),
        sa.Column("rejected_qty", sa.Integer(), nullable=True),
        sa.Column("inspection_note", sa.Text(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.CheckConstraint(
            "accepted_qty IS NULL OR (accepted_qty >= 0 AND rejected_qty >= 0 AND accepted_qty + rejected_qty <= quantity)",
            name=op.f("ck_return_lines_inspected_within_quantity"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_return_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_return_lines_order_line_id_order_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["returns.id"], name=op.f("fk_return_lines_return_id_returns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_lines")),
    )
    op.create_index(op.f("ix_return_lines_order_line_id"), "return_lines", ["order_line_id"], unique=False)
    op.create_index(op.f("ix_return_lines_return_id"), "return_lines", ["return_id"], unique=False)
    op.add_column("carrier_events", sa.Column("return_id", sa.BigInteger(), nullable=True))
    op.alter_column("carrier_events", "shipment_id", existing_type=sa.BIGINT(), nullable=True)
    op.create_index(op.f("ix_carrier_events_return_id"), "carrier_events", ["return_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_carrier_events_return_id_returns"),
        "carrier_events",
        "returns",
        ["return_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_check_constraint(
        op.f("ck_carrier_events_one_parcel"), "carrier_events", "(shipment_id IS NULL) <> (return_id IS NULL)"
    )
    op.add_column("orders", sa.Column("replaces_order_id", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_orders_replaces_order_id"), "orders", ["replaces_order_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_orders_replaces_order_id_orders"), "orders", "orders", ["replaces_order_id"], ["id"]
    )


def downgrade() -> None:
    op.execute("DELETE FROM carrier_events WHERE shipment_id IS NULL")
    op.drop_constraint(op.f("ck_carrier_events_one_parcel"), "carrier_events", type_="check")
    op.drop_constraint(op.f("fk_orders_replaces_order_id_orders"), "orders", type_="foreignkey")
    op.drop_index(op.f("ix_orders_replaces_order_id"), table_name="orders")
    op.drop_column("orders", "replaces_order_id")
    op.drop_constraint(op.f("fk_carrier_events_return_id_returns"), "carrier_events", type_="foreignkey")
    op.drop_index(op.f("ix_carrier_events_return_id"), table_name="carrier_events")
    op.alter_column("carrier_events", "shipment_id", existing_type=sa.BIGINT(), nullable=False)
    op.drop_column("carrier_events", "return_id")
    op.drop_index(op.f("ix_return_lines_return_id"), table_name="return_lines")
    op.drop_index(op.f("ix_return_lines_order_line_id"), table_name="return_lines")
    op.drop_table("return_lines")
    op.drop_index("ix_returns_carrier_tracking", table_name="returns")
    op.drop_table("returns")
