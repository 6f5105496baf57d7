"""Actions, their send occurrences, and per-channel guard settings.

Revision ID: 0001_actions
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_actions"
down_revision = None
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("starts_at", _WHEN, nullable=True),
        sa.Column("ends_at", _WHEN, nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("active_since", _WHEN, nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_actions"),
        # Never reuse an id: dispatch logs, stats and idempotency keys carry it.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_actions_target_kind", "actions", ["target_kind"])
    op.create_index("ix_actions_target_id", "actions", ["target_id"])
    op.create_index("ix_actions_status", "actions", ["status"])
    op.create_table(
        "action_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("due_at", _WHEN, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", _WHEN, nullable=True),
        sa.Column("finished_at", _WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_action_runs"),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            ondelete="CASCADE",
            name="fk_action_runs_action_id_actions",
        ),
        sa.UniqueConstraint("action_id", "occurrence", name="uq_action_runs_action_id"),
    )
    op.create_index("ix_action_runs_action_id", "action_runs", ["action_id"])
    op.create_index("ix_action_runs_status", "action_runs", ["status"])
    op.create_table(
        "channel_settings",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("cap_max", sa.Integer(), nullable=True),
        sa.Column("cap_per_hours", sa.Integer(), nullable=True),
        sa.Column("rate_limit_per_s", sa.Float(), nullable=True),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("channel", name="pk_channel_settings"),
    )


def downgrade() -> None:
    op.drop_table("channel_settings")
    op.drop_table("action_runs")
    op.drop_table("actions")
