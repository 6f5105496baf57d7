"""Settings: service variables, defaults, validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from segment_svc.service_layer.segments import _copy_name
from segment_svc.settings import load_settings


def test_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEGMENT_SVC_PORT", raising=False)
    monkeypatch.delenv("SEGMENT_SVC_DATABASE_URL", raising=False)
    assert load_settings().port == 8102
    assert load_settings().database_url == "sqlite:///.run/segment-svc.db"
    monkeypatch.setenv("SEGMENT_SVC_PORT", "9000")
    monkeypatch.setenv("SEGMENT_SVC_CARD_SVC_URL", "http://cards:1/")
    monkeypatch.setenv("SEGMENT_SVC_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("PLAYERSEG_PARTITIONS", "4")
    settings = load_settings()
    assert (settings.port, settings.partitions) == (9000, 4)
    assert settings.card_svc_url == "http://cards:1"
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENT_SVC_CARD_SVC_URL", "cards:8101")
    with pytest.raises(ValidationError):
        load_settings()


def test_clone_names_are_made_unique() -> None:
    assert _copy_name("VIP", set()) == "VIP (copy)"
    assert _copy_name("VIP", {"VIP (copy)", "VIP (copy 2)"}) == "VIP (copy 3)"
