"""aftersales cases: one table for every kind the after-sales queue works (receipt first), their lines and photos

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 04:58:31.121516
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.db.migrations import ddl

revision = "0010"
down_revision = "0009"

CASES_INDEXED = ["account_id", "order_id"]


def upgrade() -> None:
    ddl.create_table(
        "aftersales_cases",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=True),
        *ddl.who("opened_by"),
        sa.Column("assignee_staff_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("opened_at", ddl.TS, nullable=False),
        sa.Column("resolved_at", ddl.TS, nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        ddl.id_column(),
        *ddl.foreign_keys(
            "aftersales_cases",
            ("account_id", "customer_accounts"),
            ("assignee_staff_id", "staff_users"),
            ("order_id", "orders", "CASCADE"),
        ),
        ddl.unique("aftersales_cases", "number"),
        indexed=CASES_INDEXED,
    )
    op.create_index(
        "ix_aftersales_cases_state_kind_opened",
        "aftersales_cases",
        ["state", "kind", "opened_at", "id"],
        unique=False,
    )
    ddl.create_table(
        "aftersales_case_lines",
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("order_line_id", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.String(length=60), nullable=False),
        sa.Column("short_qty", sa.Integer(), nullable=False),
        sa.Column("damaged_qty", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        ddl.id_column(),
        ddl.check("aftersales_case_lines", "something_wrong", "short_qty + damaged_qty > 0"),
        ddl.check("aftersales_case_lines", "quantities_not_negative", "short_qty >= 0 AND damaged_qty >= 0"),
        *ddl.foreign_keys(
            "aftersales_case_lines",
            ("case_id", "aftersales_cases", "CASCADE"),
            ("order_line_id", "order_lines", "CASCADE"),
        ),
        indexed=["case_id"],
    )
    ddl.create_table(
        "aftersales_photos",
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        *ddl.stored_file(
            sa.Column("width", sa.Integer(), nullable=False),
            sa.Column("height", sa.Integer(), nullable=False),
        ),
        sa.Column("created_at", ddl.TS, nullable=False),
        ddl.id_column(),
        *ddl.foreign_keys("aftersales_photos", ("case_id", "aftersales_cases", "CASCADE")),
        ddl.unique("aftersales_photos", "storage_key"),
        indexed=["case_id"],
    )


def downgrade() -> None:
    ddl.drop_table("aftersales_photos", indexed=["case_id"])
    ddl.drop_table("aftersales_case_lines", indexed=["case_id"])
    op.drop_index("ix_aftersales_cases_state_kind_opened", table_name="aftersales_cases")
    ddl.drop_table("aftersales_cases", indexed=CASES_INDEXED)
