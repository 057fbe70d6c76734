"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 23:32:51.192727
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from portal.db.migrations import ddl

revision = "0001"
down_revision = None

LOWER_EMAIL = [sa.literal_column("lower(email)")]


def upgrade() -> None:
    ddl.create_table(
        "customer_accounts",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tax_id", sa.String(length=40), nullable=False),
        sa.Column("invoice_title", sa.String(length=200), nullable=False),
        sa.Column("credit_limit", ddl.MONEY, nullable=False),
        *ddl.payment_terms(),
        sa.Column("is_key_account", sa.Boolean(), nullable=False),
        sa.Column("default_locale", sa.String(length=10), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *ddl.id_and_timestamps(),
    )
    ddl.create_table(
        "order_number_counters",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        key=["year"],
    )
    ddl.create_table(
        "products",
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("list_price", ddl.MONEY, nullable=False),
        sa.Column("stock_on_hand", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("made_to_order", sa.Boolean(), nullable=False),
        sa.Column("min_order_qty", sa.Integer(), nullable=False),
        sa.Column("max_order_qty", sa.Integer(), nullable=False),
        sa.Column("spec_options", ddl.JSONB, nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *ddl.id_and_timestamps(),
        ddl.check("products", "price_not_negative", "list_price >= 0"),
        ddl.check("products", "stock_not_negative", "stock_on_hand >= 0"),
        ddl.unique("products", "sku"),
        indexed=["category"],
    )
    ddl.create_table(
        "staff_users",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("roles", postgresql.ARRAY(sa.String(length=20)), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", ddl.TS, nullable=True),
        *ddl.id_and_timestamps(),
    )
    op.create_index("uq_staff_users_email_lower", "staff_users", LOWER_EMAIL, unique=True)
    ddl.create_table(
        "addresses",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("province", sa.String(length=80), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("district", sa.String(length=80), nullable=False),
        sa.Column("street", sa.String(length=300), nullable=False),
        sa.Column("postal_code", sa.String(length=20), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        *ddl.id_and_timestamps(),
        ddl.foreign_key("addresses", "account_id", "customer_accounts", "CASCADE"),
        indexed=["account_id"],
    )
    ddl.create_table(
        "customer_users",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("notify_milestones", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", ddl.TS, nullable=True),
        *ddl.id_and_timestamps(),
        ddl.foreign_key("customer_users", "account_id", "customer_accounts", "CASCADE"),
        indexed=["account_id"],
    )
    op.create_index("uq_customer_users_email_lower", "customer_users", LOWER_EMAIL, unique=True)
    ddl.create_table(
        "orders",
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_user_id", sa.BigInteger(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("entered_by_staff_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        *ddl.money("subtotal", "tax_rate", "tax_amount", "shipping_fee", "total"),
        *ddl.payment_terms(),
        sa.Column("requested_delivery_date", sa.Date(), nullable=True),
        sa.Column("promised_delivery_date", sa.Date(), nullable=True),
        sa.Column("shipping_address", ddl.JSONB, nullable=True),
        sa.Column("invoice_title", sa.String(length=200), nullable=False),
        sa.Column("tax_id", sa.String(length=40), nullable=False),
        sa.Column("special_requirements", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("assignee_staff_id", sa.BigInteger(), nullable=True),
        sa.Column("approval_level", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", ddl.TS, nullable=True),
        *ddl.id_and_timestamps(),
        ddl.check("orders", "total_not_negative", "total >= 0"),
        *ddl.foreign_keys(
            "orders",
            ("account_id", "customer_accounts"),
            ("assignee_staff_id", "staff_users"),
            ("contact_user_id", "customer_users"),
            ("entered_by_staff_id", "staff_users"),
        ),
        ddl.unique("orders", "idempotency_key"),
        ddl.unique("orders", "number"),
    )
    op.create_index("ix_orders_account_created", "orders", ["account_id", "created_at", "id"], unique=False)
    op.create_index(op.f("ix_orders_account_id"), "orders", ["account_id"], unique=False)
    op.create_index("ix_orders_status_submitted", "orders", ["status", "submitted_at"], unique=False)
    ddl.create_table(
        "order_events",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("at", ddl.TS, server_default=sa.text("now()"), nullable=False),
        *ddl.who("actor"),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=30), nullable=True),
        sa.Column("to_state", sa.String(length=30), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("ip", postgresql.INET(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("data", ddl.JSONB, nullable=False),
        ddl.id_column(),
        ddl.foreign_key("order_events", "order_id", "orders", "CASCADE"),
    )
    op.create_index("ix_order_events_order_id_id", "order_events", ["order_id", "id"], unique=False)
    ddl.create_table(
        "order_lines",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=True),
        *ddl.product_snapshot(),
        sa.Column("specs", ddl.JSONB, nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        *ddl.money("unit_price", "line_total"),
        ddl.id_column(),
        ddl.check("order_lines", "quantity_positive", "quantity > 0"),
        *ddl.foreign_keys("order_lines", ("order_id", "orders", "CASCADE"), ("product_id", "products")),
        indexed=["order_id", "product_id", "sku"],
    )
    ddl.create_table(
        "outbox",
        sa.Column("created_at", ddl.TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("template", sa.String(length=80), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("context", ddl.JSONB, nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", ddl.TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("sent_at", ddl.TS, nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("transport", sa.String(length=20), nullable=False),
        ddl.id_column(),
        ddl.foreign_key("outbox", "order_id", "orders", "SET NULL"),
        ddl.unique("outbox", "message_id"),
        indexed=["order_id"],
    )
    op.create_index("ix_outbox_pending", "outbox", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_pending", table_name="outbox")
    ddl.drop_table("outbox", indexed=["order_id"])
    ddl.drop_table("order_lines", indexed=["order_id", "product_id", "sku"])
    op.drop_index("ix_order_events_order_id_id", table_name="order_events")
    op.drop_table("order_events")
    op.drop_index("ix_orders_status_submitted", table_name="orders")
    op.drop_index(op.f("ix_orders_account_id"), table_name="orders")
    op.drop_index("ix_orders_account_created", table_name="orders")
    op.drop_table("orders")
    op.drop_index("uq_customer_users_email_lower", table_name="customer_users")
    ddl.drop_table("customer_users", indexed=["account_id"])
    ddl.drop_table("addresses", indexed=["account_id"])
    op.drop_index("uq_staff_users_email_lower", table_name="staff_users")
    op.drop_table("staff_users")
    ddl.drop_table("products", indexed=["category"])
    op.drop_table("order_number_counters")
    op.drop_table("customer_accounts")
