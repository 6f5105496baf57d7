"""Alembic migrations of segment-svc (version table ``alembic_version_segment_svc``)."""
