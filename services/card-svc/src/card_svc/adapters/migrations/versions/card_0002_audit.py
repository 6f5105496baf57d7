"""The audit log: who changed which card, when, and what changed.

Revision ID: card_0002
Revises: card_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from segshared.audit import create_audit_table, drop_audit_table

revision = "card_0002"
down_revision = "card_0001"
branch_labels = None
depends_on = None

TABLE = "card_audit"


def upgrade() -> None:
    create_audit_table(op, TABLE)


def downgrade() -> None:
    drop_audit_table(op, TABLE)
