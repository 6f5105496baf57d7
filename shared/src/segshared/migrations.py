"""Alembic for every service: the body of each ``env.py`` and the ``migrate`` entry point.

Each service owns its tables and its Alembic history with its own version table
(``alembic_version_<service>``), so services can share one database or have one each.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import MetaData, pool
from sqlalchemy.engine import make_url

from segshared.db import make_engine, upgrade_to_head
from segshared.logs import configure_logging
from segshared.settings import PlatformSettings


def run_online_migrations(metadata: MetaData, *, version_table: str) -> None:
    """Run the migrations Alembic asked for (called from a service's ``env.py``)."""
    from alembic import context

    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set")
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=config.attributes.get("version_table", version_table),
            # SQLite alters tables by copying them: batch mode does that for us.
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def migrate(url: str, *, migrations: Path, version_table: str) -> None:
    """Upgrade the database at ``url`` to the newest schema (creating a SQLite file's folder)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(script_location=migrations, url=url, version_table=version_table)


def migrate_main(
    url: str, *, service: str, settings: PlatformSettings, migrations: Path, version_table: str
) -> None:
    """``python -m <service>.entrypoints.migrate``: log (at INFO at least), then migrate."""
    level = min(logging.INFO, logging.getLevelName(settings.log_level.upper()))
    configure_logging(service=service, level=logging.getLevelName(level), fmt=settings.log_format)
    migrate(url, migrations=migrations, version_table=version_table)
