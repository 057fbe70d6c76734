"""review round start

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 00:57:58.711477
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.add_column("orders", sa.Column("review_started_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "review_started_at")
