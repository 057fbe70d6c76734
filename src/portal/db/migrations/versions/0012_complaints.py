"""complaints: subject, category, version and first-response SLA on cases; message threads, case events, SLA alerts

Revision ID: 0012
Revises: 0011 (re-chained after 0011 when merged)
Create Date: 2026-12-01 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("aftersales_cases", sa.Column("subject", sa.String(200), nullable=False, server_default=""))
    op.add_column("aftersales_cases", sa.Column("category", sa.String(20), nullable=False, server_default=""))
    op.add_column("aftersales_cases", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("aftersales_cases", sa.Column("first_response_due_at", TS, nullable=True))
    op.add_column("aftersales_cases", sa.Column("first_responded_at", TS, nullable=True))
    op.add_column("aftersales_cases", sa.Column("closed_at", TS, nullable=True))
    op.create_index("ix_aftersales_cases_opened_id", "aftersales_cases", ["opened_at", "id"], unique=False)
    op.create_table(
        "aftersales_messages",
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("author_kind", sa.String(10), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("author_name", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["aftersales_cases.id"],
            name=op.f("fk_aftersales_messages_case_id_aftersales_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersales_messages")),
    )
    op.create_index(op.f("ix_aftersales_messages_case_id"), "aftersales_messages", ["case_id"], unique=False)
    op.create_table(
        "aftersales_case_events",
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_state", sa.String(30), nullable=False),
        sa.Column("to_state", sa.String(30), nullable=False),
        sa.Column("actor_kind", sa.String(10), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_name", sa.String(120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["aftersales_cases.id"],
            name=op.f("fk_aftersales_case_events_case_id_aftersales_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersales_case_events")),
    )
    op.create_index(
        op.f("ix_aftersales_case_events_case_id"), "aftersales_case_events", ["case_id"], unique=False
    )
    op.create_table(
        "aftersales_sla_alerts",
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("alert", sa.String(30), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["aftersales_cases.id"],
            name=op.f("fk_aftersales_sla_alerts_case_id_aftersales_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersales_sla_alerts")),
        sa.UniqueConstraint("case_id", "alert", name="uq_aftersales_sla_alerts_case_alert"),
    )
    op.add_column("aftersales_photos", sa.Column("message_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_aftersales_photos_message_id_aftersales_messages"),
        "aftersales_photos",
        "aftersales_messages",
        ["message_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index(
        op.f("ix_aftersales_photos_message_id"), "aftersales_photos", ["message_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_aftersales_photos_message_id"), table_name="aftersales_photos")
    op.drop_constraint(
        op.f("fk_aftersales_photos_message_id_aftersales_messages"), "aftersales_photos", type_="foreignkey"
    )
    op.drop_column("aftersales_photos", "message_id")
    op.drop_table("aftersales_sla_alerts")
    op.drop_index(op.f("ix_aftersales_case_events_case_id"), table_name="aftersales_case_events")
    op.drop_table("aftersales_case_events")
    op.drop_index(op.f("ix_aftersales_messages_case_id"), table_name="aftersales_messages")
    op.drop_table("aftersales_messages")
    op.drop_index("ix_aftersales_cases_opened_id", table_name="aftersales_cases")
    for column in (
        "closed_at",
        "first_responded_at",
        "first_response_due_at",
        "version",
        "category",
        "subject",
    ):
        op.drop_column("aftersales_cases", column)
