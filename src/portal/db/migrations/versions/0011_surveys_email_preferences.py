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

from portal.db.migrations import ddl

revision = "0011"
down_revision = "0010"

SCORES = {"csat_overall": (1, 5), "csat_delivery": (1, 5), "csat_quality": (1, 5), "nps": (0, 10)}
OPEN_FOLLOW_UPS = sa.text("follow_up_state = 'open'")
# e-mail kinds and whether a user who never chose gets them (milestones are opt-in)
EMAIL_KINDS = {"milestones": "false", "shipped": "true", "delivered": "true", "surveys": "true"}


def upgrade() -> None:
    ddl.create_table(
        "survey_answers",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=False),
        *(sa.Column(score, sa.SmallInteger(), nullable=False) for score in SCORES),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_at", ddl.TS, nullable=False),
        sa.Column("follow_up_needed", sa.Boolean(), nullable=False),
        sa.Column("follow_up_state", sa.String(length=10), nullable=False),
        ddl.id_column(),
        *(
            ddl.check("survey_answers", f"{score}_range", f"{score} BETWEEN {low} AND {high}")
            for score, (low, high) in SCORES.items()
        ),
        ddl.check("survey_answers", "follow_up_state_known", "follow_up_state IN ('none', 'open', 'done')"),
        ddl.check(
            "survey_answers", "follow_up_only_when_needed", "follow_up_needed OR follow_up_state = 'none'"
        ),
        *ddl.foreign_keys(
            "survey_answers",
            ("account_id", "customer_accounts", "CASCADE"),
            ("order_id", "orders", "CASCADE"),
            ("user_id", "customer_users", "SET NULL"),
        ),
        ddl.unique("survey_answers", "order_id"),
        indexed=["account_id"],
    )
    op.create_index(
        "ix_survey_answers_open_follow_ups",
        "survey_answers",
        ["answered_at"],
        unique=False,
        postgresql_where=OPEN_FOLLOW_UPS,
    )
    ddl.create_table(
        "email_preferences",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        *(
            sa.Column(kind, sa.Boolean(), server_default=sa.text(default), nullable=False)
            for kind, default in EMAIL_KINDS.items()
        ),
        sa.Column("updated_at", ddl.TS, nullable=False),
        ddl.foreign_key("email_preferences", "user_id", "customer_users", "CASCADE"),
        key=["user_id"],
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
        "ix_survey_answers_open_follow_ups", table_name="survey_answers", postgresql_where=OPEN_FOLLOW_UPS
    )
    ddl.drop_table("survey_answers", indexed=["account_id"])
