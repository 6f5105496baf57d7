"""``playerseg seed`` says what went wrong instead of a traceback when an API is not there."""

from __future__ import annotations

import pytest

from playerseg.cli import main
from playerseg.devstack.ports import free_port


def test_an_unreachable_api_is_named_and_fails_the_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    assert main(["seed", "--card-api", nobody, "--segment-api", nobody]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot reach {nobody}/cards")
