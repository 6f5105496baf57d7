"""The audit log: who changed which segment, when, and what changed.

Revision ID: 0003_audit
Revises: 0002_outbox_correlation
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from segshared.audit import create_audit_table, drop_audit_table

revision = "0003_audit"
down_revision = "0002_outbox_correlation"
branch_labels = None
depends_on = None

TABLE = "segment_audit"


def upgrade() -> None:
    create_audit_table(op, TABLE)


def downgrade() -> None:
    drop_audit_table(op, TABLE)
