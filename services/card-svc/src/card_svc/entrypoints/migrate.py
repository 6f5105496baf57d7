"""``python -m card_svc.entrypoints.migrate``: apply card-svc's migrations (upgrade to head)."""

from __future__ import annotations

from pathlib import Path

from card_svc.settings import SERVICE, CardSettings
from segshared import migrations

MIGRATIONS = Path(__file__).resolve().parent.parent / "adapters" / "migrations"
VERSION_TABLE = "alembic_version_card_svc"


def migrate(*, database_url: str) -> None:
    """Bring ``database_url`` to the newest schema of card-svc."""
    migrations.migrate(database_url, migrations=MIGRATIONS, version_table=VERSION_TABLE)


def main() -> None:
    settings = CardSettings.load()
    migrations.migrate_main(settings.database_url, service=SERVICE, settings=settings,
                            migrations=MIGRATIONS, version_table=VERSION_TABLE)  # fmt: skip


if __name__ == "__main__":
    main()
