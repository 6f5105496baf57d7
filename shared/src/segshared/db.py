"""SQLAlchemy engines and Alembic migrations (DESIGN decision 5).

Each service owns its tables and its Alembic history (with its own version table), so
services can share one database or have one each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from alembic import command
from alembic.config import Config
from pydantic import AfterValidator
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

#: Constraint and index names every service's tables use, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def database_check(bind: Engine | Callable[[], Session]) -> Callable[[], Awaitable[None]]:
    """A health check that runs ``SELECT 1`` on an engine or through a session factory (in a
    thread: sync driver)."""

    async def check() -> None:
        def ping() -> None:
            if isinstance(bind, Engine):
                with bind.connect() as connection:
                    connection.execute(text("SELECT 1"))
            else:
                with bind() as session:
                    session.execute(text("SELECT 1"))

        await asyncio.to_thread(ping)

    return check


def assume_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime: SQLite hands every datetime back naive, and
    every service stores UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


#: A datetime read from a service's database, serialised with its zone.
StoredTime = Annotated[datetime, AfterValidator(assume_utc)]


def with_installed_driver(url: str) -> str:
    """``postgresql://`` read as psycopg 3, the installed driver (SQLAlchemy's default is
    psycopg2); settings validators of every service use this."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str, **options: Any) -> Engine:
    """An engine; SQLite gets WAL and foreign keys so the API and worker can share the file."""
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def make_session_factory(engine: Engine) -> sessionmaker[Any]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def upgrade_to_head(*, script_location: Path, url: str, version_table: str) -> None:
    """Apply every migration of one service (``alembic upgrade head``) to ``url``."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["version_table"] = version_table
    command.upgrade(config, "head")
