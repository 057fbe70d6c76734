"""complaints: subject, category, version and first-response SLA on cases; message threads, case events, SLA alerts

Revision ID: 0012
Revises: 0011 (re-chained after 0011 when merged)
Create Date: 2026-12-01 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from portal.db.migrations import ddl

revision = "0012"
down_revision = "0011"

CASE_ID = ("case_id", "aftersales_cases", "CASCADE")


def _case_columns() -> list[tuple[str, sa.Column]]:
    """What cases gain: subject, category, a version, the first-response SLA and closing (dropped in reverse)."""
    return [
        ("aftersales_cases", sa.Column("subject", sa.String(200), nullable=False, server_default="")),
        ("aftersales_cases", sa.Column("category", sa.String(20), nullable=False, server_default="")),
        ("aftersales_cases", sa.Column("version", sa.Integer(), nullable=False, server_default="1")),
        *(
            ("aftersales_cases", sa.Column(name, ddl.TS, nullable=True))
            for name in ("first_response_due_at", "first_responded_at", "closed_at")
        ),
    ]


def _create_case_table(
    name: str, *columns: sa.Column, indexed: bool = True, unique: tuple[str, list[str]] | None = None
) -> None:
    """A table of rows belonging to one case: ``case_id`` first (cascading), ``id`` last; ``unique`` is a
    ``(constraint name, columns)`` to add, ``indexed`` adds the index on ``case_id``."""
    ddl.create_table(
        name,
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        *columns,
        ddl.id_column(),
        ddl.foreign_key(name, *CASE_ID),
        *([sa.UniqueConstraint(*unique[1], name=unique[0])] if unique else []),
        indexed=["case_id"] if indexed else [],
    )


def upgrade() -> None:
    ddl.add_columns(_case_columns())
    op.create_index("ix_aftersales_cases_opened_id", "aftersales_cases", ["opened_at", "id"], unique=False)
    _create_case_table(
        "aftersales_messages",
        *ddl.who("author"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", ddl.TS, nullable=False),
    )
    _create_case_table(
        "aftersales_case_events",
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_state", sa.String(30), nullable=False),
        sa.Column("to_state", sa.String(30), nullable=False),
        *ddl.who("actor"),
        sa.Column("created_at", ddl.TS, nullable=False),
    )
    _create_case_table(
        "aftersales_sla_alerts",
        sa.Column("alert", sa.String(30), nullable=False),
        sa.Column("sent_at", ddl.TS, nullable=False),
        indexed=False,
        unique=("uq_aftersales_sla_alerts_case_alert", ["case_id", "alert"]),
    )
    op.add_column("aftersales_photos", sa.Column("message_id", sa.BigInteger(), nullable=True))
    ddl.add_foreign_key("aftersales_photos", "message_id", "aftersales_messages", ondelete="CASCADE")
    ddl.create_indexes("aftersales_photos", ["message_id"])


def downgrade() -> None:
    ddl.drop_indexes("aftersales_photos", ["message_id"])
    ddl.drop_foreign_key("aftersales_photos", "message_id", "aftersales_messages")
    op.drop_column("aftersales_photos", "message_id")
    op.drop_table("aftersales_sla_alerts")
    ddl.drop_table("aftersales_case_events", indexed=["case_id"])
    ddl.drop_table("aftersales_messages", indexed=["case_id"])
    op.drop_index("ix_aftersales_cases_opened_id", table_name="aftersales_cases")
    ddl.drop_columns(_case_columns())
