"""delivery exceptions in the after-sales queue can be claimed: an assignee and a version on logistics_cases

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.db.migrations import ddl

revision = "0013"
down_revision = "0012"


def _added_columns() -> list[tuple[str, sa.Column]]:
    """The claim's assignee and the optimistic-lock version (dropped in reverse)."""
    return [
        ("logistics_cases", sa.Column("assignee_staff_id", sa.BigInteger(), nullable=True)),
        ("logistics_cases", sa.Column("version", sa.Integer(), server_default="1", nullable=False)),
    ]


def upgrade() -> None:
    ddl.add_columns(_added_columns())
    ddl.add_foreign_key("logistics_cases", "assignee_staff_id", "staff_users")


def downgrade() -> None:
    ddl.drop_foreign_key("logistics_cases", "assignee_staff_id", "staff_users")
    ddl.drop_columns(_added_columns())
