"""The audit log: who changed which action or channel setting, when, and what changed.

Revision ID: 0002_audit
Revises: 0001_actions
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from segshared.audit import audit_columns

revision = "0002_audit"
down_revision = "0001_actions"
branch_labels = None
depends_on = None

TABLE = "action_audit"


def upgrade() -> None:
    op.create_table(TABLE, *audit_columns(), sqlite_autoincrement=True)
    op.create_index(f"ix_{TABLE}_entity", TABLE, ["entity_kind", "entity_id", "id"])


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_entity", table_name=TABLE)
    op.drop_table(TABLE)
