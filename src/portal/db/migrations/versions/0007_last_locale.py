"""users remember the language they last used (e-mail falls back to it)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"

TABLES = ("customer_users", "staff_users")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("last_locale", sa.String(10), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "last_locale")
