"""indexes for the staff order list: its sort, its filters and its search

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 22:10:00
"""

from __future__ import annotations

from alembic import op

from portal.db.migrations import ddl

revision = "0006"
down_revision = "0005"

# contains-search of the staff order list (number, SKU, customer, tracking number), as in 0002
TRGM_INDEXES = {
    "ix_orders_number_trgm": "orders USING gin (lower(number) gin_trgm_ops)",
    "ix_order_lines_sku_trgm": "order_lines USING gin (lower(sku) gin_trgm_ops)",
    "ix_customer_accounts_name_trgm": "customer_accounts USING gin (lower(name) gin_trgm_ops)",
    "ix_customer_accounts_tax_id_trgm": "customer_accounts USING gin (lower(tax_id) gin_trgm_ops)",
    "ix_shipments_tracking_number_trgm": "shipments USING gin (lower(tracking_number) gin_trgm_ops)",
}


def upgrade() -> None:
    op.create_index("ix_orders_submitted_id", "orders", ["submitted_at", "id"], unique=False)
    op.create_index("ix_orders_channel_submitted", "orders", ["channel", "submitted_at"], unique=False)
    op.create_index(
        "ix_orders_assignee_submitted", "orders", ["assignee_staff_id", "submitted_at"], unique=False
    )
    if ddl.trgm_installed():  # created by 0002 where PostgreSQL has it; the embedded server scans instead
        ddl.create_raw_indexes(TRGM_INDEXES)


def downgrade() -> None:
    ddl.drop_indexes_if_exist(TRGM_INDEXES)
    op.drop_index("ix_orders_assignee_submitted", table_name="orders")
    op.drop_index("ix_orders_channel_submitted", table_name="orders")
    op.drop_index("ix_orders_submitted_id", table_name="orders")
