"""delivery exceptions in the after-sales queue can be claimed: an assignee and a version on logistics_cases

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    op.add_column("logistics_cases", sa.Column("assignee_staff_id", sa.BigInteger(), nullable=True))
    op.add_column("logistics_cases", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.create_foreign_key(
        op.f("fk_logistics_cases_assignee_staff_id_staff_users"),
        "logistics_cases",
        "staff_users",
        ["assignee_staff_id"],
        ["id"],
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_logistics_cases_assignee_staff_id_staff_users"), "logistics_cases", type_="foreignkey"
    )
    op.drop_column("logistics_cases", "version")
    op.drop_column("logistics_cases", "assignee_staff_id")
