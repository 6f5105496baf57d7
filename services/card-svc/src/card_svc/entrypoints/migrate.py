"""``python -m card_svc.entrypoints.migrate``: apply card-svc's migrations (upgrade to head)."""

from __future__ import annotations

import logging
from pathlib import Path

from card_svc.settings import CardSettings
from segshared.db import upgrade_to_head

MIGRATIONS = Path(__file__).resolve().parent.parent / "adapters" / "migrations"
VERSION_TABLE = "alembic_version_card_svc"


def migrate(*, database_url: str) -> None:
    """Bring ``database_url`` to the newest schema of card-svc."""
    if database_url.startswith("sqlite:///") and not database_url.endswith(":memory:"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(script_location=MIGRATIONS, url=database_url, version_table=VERSION_TABLE)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    migrate(database_url=CardSettings.load().database_url)


if __name__ == "__main__":
    main()
