"""The audit log: who changed which segment, when, and what changed.

Revision ID: 0003_audit
Revises: 0002_outbox_correlation
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from segshared.audit import audit_columns

revision = "0003_audit"
down_revision = "0002_outbox_correlation"
branch_labels = None
depends_on = None

TABLE = "segment_audit"


def upgrade() -> None:
    op.create_table(TABLE, *audit_columns(), sqlite_autoincrement=True)
    op.create_index(f"ix_{TABLE}_entity", TABLE, ["entity_kind", "entity_id", "id"])


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_entity", table_name=TABLE)
    op.drop_table(TABLE)
