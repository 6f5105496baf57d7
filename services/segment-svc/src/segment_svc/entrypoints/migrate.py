"""Apply segment-svc's migrations: ``python -m segment_svc.entrypoints.migrate``."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from segment_svc.settings import SERVICE, load_settings
from segshared import migrations

VERSION_TABLE = "alembic_version_segment_svc"
MIGRATIONS = Path(__file__).resolve().parents[1] / "adapters" / "migrations"

#: ``migrate(url)``: upgrade the database at ``url`` to segment-svc's newest schema.
migrate = partial(migrations.migrate, migrations=MIGRATIONS, version_table=VERSION_TABLE)


def main() -> None:
    settings = load_settings()
    migrations.migrate_main(settings.database_url, service=SERVICE, settings=settings,
                            migrations=MIGRATIONS, version_table=VERSION_TABLE)  # fmt: skip


if __name__ == "__main__":
    main()
