"""export-svc settings from the environment."""

from __future__ import annotations

import pytest

from export_svc.settings import ExportSettings


def test_env_names_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPORT_SVC_DATADIR", "/data/run/export-worker")
    monkeypatch.setenv("EXPORT_SVC_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("EXPORT_SVC_SEGMENT_SVC_URL", "http://seg:8102/")
    settings = ExportSettings()
    assert settings.export_dir == "/data/run/exports"  # beside the stack's data
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.segment_svc_url == "http://seg:8102"
    assert settings.port == 8104 and not settings.service_key
    monkeypatch.setenv("EXPORT_SVC_EXPORT_DIR", "/srv/exports")
    assert ExportSettings().export_dir == "/srv/exports"


def test_bad_urls_are_refused() -> None:
    with pytest.raises(ValueError, match="http"):
        ExportSettings(card_svc_url="card-svc:8101")
