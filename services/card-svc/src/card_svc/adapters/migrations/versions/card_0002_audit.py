"""The audit log: who changed which card, when, and what changed.

Revision ID: card_0002
Revises: card_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from segshared.audit import audit_columns

revision = "card_0002"
down_revision = "card_0001"
branch_labels = None
depends_on = None

TABLE = "card_audit"


def upgrade() -> None:
    op.create_table(TABLE, *audit_columns(), sqlite_autoincrement=True)
    op.create_index(f"ix_{TABLE}_entity", TABLE, ["entity_kind", "entity_id", "id"])


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_entity", table_name=TABLE)
    op.drop_table(TABLE)
