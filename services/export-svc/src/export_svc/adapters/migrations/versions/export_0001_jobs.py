"""Export jobs and schedules.

Revision ID: export_0001_jobs
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "export_0001_jobs"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("source_kind", sa.String(16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.String(200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=True),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("sort", sa.String(100), nullable=True),
        sa.Column("descending", sa.Boolean(), nullable=False),
        sa.Column("bom", sa.Boolean(), nullable=False),
        sa.Column("can_see_anonymized", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("total_rows", sa.BigInteger(), nullable=False),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("rows_written", sa.BigInteger(), nullable=False),
        sa.Column("bytes_written", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("started_at", TZ, nullable=True),
        sa.Column("heartbeat_at", TZ, nullable=True),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("expires_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_export_jobs"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_export_jobs_status", "export_jobs", ["status"])
    op.create_index("ix_export_jobs_source", "export_jobs", ["source_kind", "source_id"])
    op.create_table(
        "export_schedules",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", sa.String(8), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("sort", sa.String(100), nullable=True),
        sa.Column("descending", sa.Boolean(), nullable=False),
        sa.Column("bom", sa.Boolean(), nullable=False),
        sa.Column("can_see_anonymized", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("stopped_reason", sa.String(200), nullable=True),
        sa.Column("next_run_at", TZ, nullable=True),
        sa.Column("first_change_at", TZ, nullable=True),
        sa.Column("last_change_at", TZ, nullable=True),
        sa.Column("last_run_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_export_schedules"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_export_schedules_segment", "export_schedules", ["segment_id"])


def downgrade() -> None:
    op.drop_table("export_schedules")
    op.drop_table("export_jobs")
