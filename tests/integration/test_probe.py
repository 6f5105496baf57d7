"""``python -m segshared.probe``, the workers' container healthcheck, on a real broker and Redis."""

from __future__ import annotations

import pytest

from playerseg.devstack.ports import free_port
from segshared import probe


def test_healthy_while_broker_and_redis_answer(
    kafka_bootstrap: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYERSEG_KAFKA_BOOTSTRAP", kafka_bootstrap)
    monkeypatch.setenv("PLAYERSEG_REDIS_URL", redis_url)
    assert probe.main() == 0


@pytest.mark.parametrize("missing", ["broker", "redis"])
def test_unhealthy_names_what_does_not_answer(
    missing: str,
    kafka_bootstrap: str,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    broker = nobody if missing == "broker" else kafka_bootstrap
    monkeypatch.setenv("PLAYERSEG_KAFKA_BOOTSTRAP", broker)
    monkeypatch.setenv(
        "PLAYERSEG_REDIS_URL", f"redis://{nobody}/0" if missing == "redis" else redis_url
    )
    assert probe.main(timeout_s=1.0) == 1
    assert nobody in capsys.readouterr().err
