"""Alembic environment of card-svc: its own version table, so services may share a database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from card_svc.adapters.orm import Base

config = context.config
VERSION_TABLE = config.attributes.get("version_table", "alembic_version_card_svc")


def run_migrations_online() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
