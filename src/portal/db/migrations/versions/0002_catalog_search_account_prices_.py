"""catalog search, account prices, attachments, one cart per user

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 23:49:04.188339
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


TRGM_INDEXES = {
    "ix_products_sku_trgm": "lower(sku) gin_trgm_ops",
    "ix_products_name_zh_trgm": "name_zh gin_trgm_ops",
    "ix_products_name_en_trgm": "lower(name_en) gin_trgm_ops",
}


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
    op.create_table(
        "account_prices",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_account_prices_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["customer_accounts.id"],
            name=op.f("fk_account_prices_account_id_customer_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_account_prices_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_prices")),
        sa.UniqueConstraint("account_id", "product_id", name="uq_account_prices_account_product"),
    )
    op.create_index(op.f("ix_account_prices_product_id"), "account_prices", ["product_id"], unique=False)
    op.create_table(
        "order_attachments",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_kind", sa.String(length=10), nullable=False),
        sa.Column("uploaded_by_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_attachments_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_attachments")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_order_attachments_storage_key")),
    )
    op.create_index(op.f("ix_order_attachments_order_id"), "order_attachments", ["order_id"], unique=False)
    op.create_index(
        "ix_orders_account_submitted", "orders", ["account_id", "submitted_at", "id"], unique=False
    )
    op.create_index(
        "uq_orders_one_cart_per_user",
        "orders",
        ["contact_user_id"],
        unique=True,
        postgresql_where=sa.text("status = 'draft' AND channel = 'web'"),
    )
    op.create_index(
        "ix_products_active_category_sku", "products", ["is_active", "category", "sku"], unique=False
    )


def downgrade() -> None:
    for name in TRGM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_products_active_category_sku", table_name="products")
    op.drop_index(
        "uq_orders_one_cart_per_user",
        table_name="orders",
        postgresql_where=sa.text("status = 'draft' AND channel = 'web'"),
    )
    op.drop_index("ix_orders_account_submitted", table_name="orders")
    op.drop_index(op.f("ix_order_attachments_order_id"), table_name="order_attachments")
    op.drop_table("order_attachments")
    op.drop_index(op.f("ix_account_prices_product_id"), table_name="account_prices")
    op.drop_table("account_prices")
