"""review, confirmations, settings, audit, invitations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 23:59:21.121275
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from portal.db.migrations.ddl import (
    TS,
    add_columns,
    create_table,
    created_at,
    drop_columns,
    drop_table,
    foreign_keys,
    id_column,
    primary_key,
    unique,
)

revision = "0003"
down_revision = "0002"

JSONB = postgresql.JSONB(astext_type=sa.Text())


def _order_columns() -> list[tuple[str, sa.Column]]:
    """The review's timestamps on orders (the downgrade drops them in reverse)."""
    return [("orders", sa.Column(name, TS, nullable=True)) for name in ("claimed_at", "sla_alerted_at")]


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("at", TS, nullable=False),
        sa.Column("actor_kind", sa.String(length=10), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("before", JSONB, nullable=True),
        sa.Column("after", JSONB, nullable=True),
        sa.Column("ip", postgresql.INET(), nullable=True),
        id_column(),
        primary_key("audit_log"),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id", "id"], unique=False)
    create_table(
        "invitations",
        sa.Column("user_kind", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        id_column(),
        primary_key("invitations"),
        unique("invitations", "token_hash"),
        indexed=["user_id"],
    )
    op.create_table(
        "portal_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", JSONB, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        primary_key("portal_settings", "key"),
    )
    create_table(
        "confirmations",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", JSONB, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        created_at(),
        sa.Column("created_by_staff_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("responded_at", TS, nullable=True),
        sa.Column("responded_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("signer_ip", postgresql.INET(), nullable=True),
        sa.Column("signer_user_agent", sa.Text(), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        id_column(),
        *foreign_keys(
            "confirmations",
            ("created_by_staff_id", "staff_users"),
            ("order_id", "orders", "CASCADE"),
            ("responded_by_user_id", "customer_users"),
        ),
        primary_key("confirmations"),
        sa.UniqueConstraint("order_id", "version", name="uq_confirmations_order_version"),
        indexed=["order_id"],
    )
    add_columns(_order_columns())


def downgrade() -> None:
    drop_columns(_order_columns())
    drop_table("confirmations", indexed=["order_id"])
    op.drop_table("portal_settings")
    drop_table("invitations", indexed=["user_id"])
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    op.drop_table("audit_log")
