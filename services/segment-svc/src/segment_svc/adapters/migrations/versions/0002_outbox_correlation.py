"""The correlation id of the request behind each queued lifecycle event and each segment's
last change.

Revision ID: 0002_outbox_correlation
Revises: 0001_segments
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_outbox_correlation"
down_revision = "0001_segments"
branch_labels = None
depends_on = None


TABLES = ("segment_lifecycle_outbox", "segments")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("correlation_id", sa.String(128), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("correlation_id")
