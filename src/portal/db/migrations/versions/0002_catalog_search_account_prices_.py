"""catalog search, account prices, attachments, one cart per user

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 23:49:04.188339
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.db.migrations import ddl

revision = "0002"
down_revision = "0001"


TRGM_INDEXES = {
    "ix_products_sku_trgm": "products USING gin (lower(sku) gin_trgm_ops)",
    "ix_products_name_zh_trgm": "products USING gin (name_zh gin_trgm_ops)",
    "ix_products_name_en_trgm": "products USING gin (lower(name_en) gin_trgm_ops)",
}
ONE_CART = sa.text("status = 'draft' AND channel = 'web'")


def upgrade() -> None:
    # substring search on SKU and names uses trigram indexes where PostgreSQL has pg_trgm
    # (any normal installation); the embedded development server lacks it and scans instead
    if ddl.trgm_available():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        ddl.create_raw_indexes(TRGM_INDEXES)
    ddl.create_table(
        "account_prices",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("price", ddl.MONEY, nullable=False),
        ddl.id_column(),
        ddl.check("account_prices", "price_not_negative", "price >= 0"),
        *ddl.foreign_keys(
            "account_prices",
            ("account_id", "customer_accounts", "CASCADE"),
            ("product_id", "products", "CASCADE"),
        ),
        sa.UniqueConstraint("account_id", "product_id", name="uq_account_prices_account_product"),
        indexed=["product_id"],
    )
    ddl.create_table(
        "order_attachments",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        *ddl.stored_file(),
        ddl.created_at(),
        ddl.id_column(),
        ddl.foreign_key("order_attachments", "order_id", "orders", "CASCADE"),
        ddl.unique("order_attachments", "storage_key"),
        indexed=["order_id"],
    )
    op.create_index(
        "ix_orders_account_submitted", "orders", ["account_id", "submitted_at", "id"], unique=False
    )
    op.create_index(
        "uq_orders_one_cart_per_user", "orders", ["contact_user_id"], unique=True, postgresql_where=ONE_CART
    )
    op.create_index(
        "ix_products_active_category_sku", "products", ["is_active", "category", "sku"], unique=False
    )


def downgrade() -> None:
    ddl.drop_indexes_if_exist(TRGM_INDEXES)
    op.drop_index("ix_products_active_category_sku", table_name="products")
    op.drop_index("uq_orders_one_cart_per_user", table_name="orders", postgresql_where=ONE_CART)
    op.drop_index("ix_orders_account_submitted", table_name="orders")
    ddl.drop_table("order_attachments", indexed=["order_id"])
    ddl.drop_table("account_prices", indexed=["product_id"])
