"""zh and en labels for the catalog's units, categories and specification options

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 22:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    for table in ("products", "order_lines"):
        op.add_column(
            table, sa.Column("labels", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb"))
        )


def downgrade() -> None:
    for table in ("products", "order_lines"):
        op.drop_column(table, "labels")
