"""The audit log: who changed which action or channel setting, when, and what changed.

Revision ID: 0002_audit
Revises: 0001_actions
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from segshared.audit import create_audit_table, drop_audit_table

revision = "0002_audit"
down_revision = "0001_actions"
branch_labels = None
depends_on = None

TABLE = "action_audit"


def upgrade() -> None:
    create_audit_table(op, TABLE)


def downgrade() -> None:
    drop_audit_table(op, TABLE)
