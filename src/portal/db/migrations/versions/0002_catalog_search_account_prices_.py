"""catalog search, account prices, attachments, one cart per user

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 23:49:04.188339
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.db.migrations.ddl import (
    MONEY,
    check,
    create_table,
    created_at,
    drop_table,
    foreign_key,
    foreign_keys,
    id_column,
    primary_key,
    unique,
)

revision = "0002"
down_revision = "0001"


TRGM_INDEXES = {
    "ix_products_sku_trgm": "lower(sku) gin_trgm_ops",
    "ix_products_name_zh_trgm": "name_zh gin_trgm_ops",
    "ix_products_name_en_trgm": "lower(name_en) gin_trgm_ops",
}
ONE_CART = sa.text("status = 'draft' AND channel = 'web'")


def _has_trgm() -> bool:
    bind = op.get_bind()
    return bool(
        bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
    )


def upgrade() -> None:
    # substring search on SKU and names uses trigram indexes where PostgreSQL has pg_trgm
    # (any normal installation); the embedded development server lacks it and scans instead
    if _has_trgm():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, expr in TRGM_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON products USING gin ({expr})")
    create_table(
        "account_prices",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        id_column(),
        check("account_prices", "price_not_negative", "price >= 0"),
        *foreign_keys(
            "account_prices",
            ("account_id", "customer_accounts", "CASCADE"),
            ("product_id", "products", "CASCADE"),
        ),
        primary_key("account_prices"),
        sa.UniqueConstraint("account_id", "product_id", name="uq_account_prices_account_product"),
        indexed=["product_id"],
    )
    create_table(
        "order_attachments",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_kind", sa.String(length=10), nullable=False),
        sa.Column("uploaded_by_id", sa.BigInteger(), nullable=True),
        created_at(),
        id_column(),
        foreign_key("order_attachments", "order_id", "orders", "CASCADE"),
        primary_key("order_attachments"),
        unique("order_attachments", "storage_key"),
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
    for name in TRGM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_products_active_category_sku", table_name="products")
    op.drop_index("uq_orders_one_cart_per_user", table_name="orders", postgresql_where=ONE_CART)
    op.drop_index("ix_orders_account_submitted", table_name="orders")
    drop_table("order_attachments", indexed=["order_id"])
    drop_table("account_prices", indexed=["product_id"])
