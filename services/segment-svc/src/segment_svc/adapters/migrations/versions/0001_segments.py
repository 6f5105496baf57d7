"""Segments, their references, and the lifecycle outbox.

Revision ID: 0001_segments
Revises:
Create Date: 2024-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_segments"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("cloned_from", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_segments"),
        sa.UniqueConstraint("name", name="uq_segments_name"),
        # Never reuse the id of a deleted segment: its built shard sets may still be live.
        sqlite_autoincrement=True,
    )
    op.create_table(
        "segment_card_refs",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("segment_id", "card_id", name="pk_segment_card_refs"),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name="fk_segment_card_refs_segment_id_segments",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_segment_card_refs_card_id", "segment_card_refs", ["card_id"])
    op.create_table(
        "segment_segment_refs",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("ref_segment_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("segment_id", "ref_segment_id", name="pk_segment_segment_refs"),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name="fk_segment_segment_refs_segment_id_segments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ref_segment_id"],
            ["segments.id"],
            name="fk_segment_segment_refs_ref_segment_id_segments",
            ondelete="RESTRICT",
        ),
    )
    op.create_index(
        "ix_segment_segment_refs_ref_segment_id", "segment_segment_refs", ["ref_segment_id"]
    )
    op.create_table(
        "segment_lifecycle_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_segment_lifecycle_outbox"),
    )


def downgrade() -> None:
    op.drop_table("segment_lifecycle_outbox")
    op.drop_index("ix_segment_segment_refs_ref_segment_id", "segment_segment_refs")
    op.drop_table("segment_segment_refs")
    op.drop_index("ix_segment_card_refs_card_id", "segment_card_refs")
    op.drop_table("segment_card_refs")
    op.drop_table("segments")
