"""Alembic environment: online migrations only, with export-svc's own version table."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from export_svc.adapters.orm import Base
from segshared.db import make_engine

VERSION_TABLE = "alembic_version_export_svc"

config = context.config
url = config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("sqlalchemy.url is not set")
engine = make_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=config.attributes.get("version_table", VERSION_TABLE),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
