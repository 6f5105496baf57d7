"""Apply export-svc's migrations: ``python -m export_svc.entrypoints.migrate``."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from export_svc.settings import load_settings
from segshared import migrations

VERSION_TABLE = "alembic_version_export_svc"
MIGRATIONS = Path(__file__).resolve().parents[1] / "adapters" / "migrations"

#: ``migrate(url)``: upgrade the database at ``url`` to export-svc's newest schema.
migrate = partial(migrations.migrate, migrations=MIGRATIONS, version_table=VERSION_TABLE)


def main() -> None:
    migrations.migrate_main(load_settings().database_url, migrations=MIGRATIONS,
                            version_table=VERSION_TABLE)  # fmt: skip


if __name__ == "__main__":
    main()
