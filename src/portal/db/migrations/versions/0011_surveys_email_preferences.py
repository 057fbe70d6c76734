"""surveys and e-mail preferences: survey_answers (one per order, low-score follow-up), email_preferences

The milestone e-mail switch moves from customer_users.notify_milestones (on for everyone, with no
page to change it) to email_preferences, where milestones are opt-in as DOMAIN.md says: nobody had
chosen the old value, so it is not carried over.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 05:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    op.create_table(
        "survey_answers",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("csat_overall", sa.SmallInteger(), nullable=False),
        sa.Column("csat_delivery", sa.SmallInteger(), nullable=False),
        sa.Column("csat_quality", sa.SmallInteger(), nullable=False),
        sa.Column("nps", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follow_up_needed", sa.Boolean(), nullable=False),
        sa.Column("follow_up_state", sa.String(length=10), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.CheckConstraint("csat_overall BETWEEN 1 AND 5", name=op.f("ck_survey_answers_csat_overall_range")),
        sa.CheckConstraint(
            "csat_delivery BETWEEN 1 AND 5", name=op.f("ck_survey_answers_csat_delivery_range")
        ),
        sa.CheckConstraint("csat_quality BETWEEN 1 AND 5", name=op.f("ck_survey_answers_csat_quality_range")),
        sa.CheckConstraint("nps BETWEEN 0 AND 10", name=op.f("ck_survey_answers_nps_range")),
        sa.CheckConstraint(
            "follow_up_state IN ('none', 'open', 'done')",
            name=op.f("ck_survey_answers_follow_up_state_known"),
        ),
        sa.CheckConstraint(
            "follow_up_needed OR follow_up_state = 'none'",
            name=op.f("ck_survey_answers_follow_up_only_when_needed"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["customer_accounts.id"],
            name=op.f("fk_survey_answers_account_id_customer_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_survey_answers_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["customer_users.id"],
            name=op.f("fk_survey_answers_user_id_customer_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
        sa.UniqueConstraint("order_id", name=op.f("uq_survey_answers_order_id")),
    )
    op.create_index(op.f("ix_survey_answers_account_id"), "survey_answers", ["account_id"], unique=False)
    op.create_index(
        "ix_survey_answers_open_follow_ups",
        "survey_answers",
        ["answered_at"],
        unique=False,
        postgresql_where=sa.text("follow_up_state = 'open'"),
    )
    op.create_table(
        "email_preferences",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("milestones", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("shipped", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("delivered", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("surveys", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["customer_users.id"],
            name=op.f("fk_email_preferences_user_id_customer_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_email_preferences")),
    )
    op.drop_column("customer_users", "notify_milestones")


def downgrade() -> None:
    op.add_column(
        "customer_users",
        sa.Column("notify_milestones", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.execute(
        "UPDATE customer_users SET notify_milestones = true FROM email_preferences p "
        "WHERE p.user_id = customer_users.id AND p.milestones"
    )
    op.drop_table("email_preferences")
    op.drop_index(
        "ix_survey_answers_open_follow_ups",
        table_name="survey_answers",
        postgresql_where=sa.text("follow_up_state = 'open'"),
    )
    op.drop_index(op.f("ix_survey_answers_account_id"), table_name="survey_answers")
    op.drop_table("survey_answers")
