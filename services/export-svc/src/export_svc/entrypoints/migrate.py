"""Apply export-svc's migrations: ``python -m export_svc.entrypoints.migrate``."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.engine import make_url

from export_svc.settings import load_settings
from segshared.db import upgrade_to_head

VERSION_TABLE = "alembic_version_export_svc"
MIGRATIONS = Path(__file__).resolve().parents[1] / "adapters" / "migrations"


def migrate(url: str) -> None:
    """Upgrade the database at ``url`` to the newest schema (creating a SQLite file's folder)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(script_location=MIGRATIONS, url=url, version_table=VERSION_TABLE)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    migrate(load_settings().database_url)


if __name__ == "__main__":
    main()
