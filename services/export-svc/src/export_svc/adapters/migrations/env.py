"""Alembic environment of export-svc: online migrations, its own version table."""

from __future__ import annotations

from export_svc.adapters.orm import Base
from segshared.migrations import run_online_migrations

run_online_migrations(Base.metadata, version_table="alembic_version_export_svc")
