"""review, confirmations, settings, audit, invitations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 23:59:21.121275
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from portal.db.migrations import ddl

revision = "0003"
down_revision = "0002"


def _order_columns() -> list[tuple[str, sa.Column]]:
    """The review's timestamps on orders (the downgrade drops them in reverse)."""
    return [("orders", sa.Column(name, ddl.TS, nullable=True)) for name in ("claimed_at", "sla_alerted_at")]


def upgrade() -> None:
    ddl.create_table(
        "audit_log",
        sa.Column("at", ddl.TS, nullable=False),
        *ddl.who("actor"),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("before", ddl.JSONB, nullable=True),
        sa.Column("after", ddl.JSONB, nullable=True),
        sa.Column("ip", postgresql.INET(), nullable=True),
        ddl.id_column(),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id", "id"], unique=False)
    ddl.create_table(
        "invitations",
        sa.Column("user_kind", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", ddl.TS, nullable=False),
        sa.Column("expires_at", ddl.TS, nullable=False),
        sa.Column("used_at", ddl.TS, nullable=True),
        ddl.id_column(),
        ddl.unique("invitations", "token_hash"),
        indexed=["user_id"],
    )
    ddl.create_table(
        "portal_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", ddl.JSONB, nullable=False),
        *ddl.done("updated"),
        key=["key"],
    )
    ddl.create_table(
        "confirmations",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", ddl.JSONB, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        ddl.created_at(),
        sa.Column("created_by_staff_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("responded_at", ddl.TS, nullable=True),
        sa.Column("responded_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("signer_ip", postgresql.INET(), nullable=True),
        sa.Column("signer_user_agent", sa.Text(), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        ddl.id_column(),
        *ddl.foreign_keys(
            "confirmations",
            ("created_by_staff_id", "staff_users"),
            ("order_id", "orders", "CASCADE"),
            ("responded_by_user_id", "customer_users"),
        ),
        sa.UniqueConstraint("order_id", "version", name="uq_confirmations_order_version"),
        indexed=["order_id"],
    )
    ddl.add_columns(_order_columns())


def downgrade() -> None:
    ddl.drop_columns(_order_columns())
    ddl.drop_table("confirmations", indexed=["order_id"])
    op.drop_table("portal_settings")
    ddl.drop_table("invitations", indexed=["user_id"])
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    op.drop_table("audit_log")
