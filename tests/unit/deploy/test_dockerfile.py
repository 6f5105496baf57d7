"""deploy/Dockerfile: multi-stage, unprivileged, and setting only variables someone reads."""

from __future__ import annotations

import re

from tests.unit.deploy.code_facts import INTERPRETER_VARIABLES, REPO, variables_read_by

DOCKERFILE = (REPO / "deploy" / "Dockerfile").read_text()


def stages() -> dict[str, str]:
    """Stage name -> its instructions."""
    parts = re.split(r"^FROM \S+ AS (\S+)$", DOCKERFILE, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def env_names(text: str) -> set[str]:
    """Names set by ENV instructions (``ENV A=1 \\ B=2`` and ``ENV A 1``)."""
    joined = text.replace("\\\n", " ")
    names: set[str] = set()
    for line in re.findall(r"^ENV (.+)$", joined, flags=re.M):
        pairs = re.findall(r"(\w+)=", line)
        names |= set(pairs) if pairs else {line.split()[0]}
    return names


def test_the_runtime_stages_install_wheels_only_and_run_unprivileged() -> None:
    found = stages()
    assert {"builder", "base", "tools", "service"} <= set(found)
    assert "pip wheel" in found["builder"]
    assert "--no-index" in found["base"], "the runtime installs the builder's wheels only"
    assert "build-essential" not in found["base"], "no compiler in the runtime"
    for final in ("tools", "service"):
        users = re.findall(r"^USER (\S+)$", found[final], flags=re.M)
        assert users and users[-1] not in ("root", "0"), final


def test_every_variable_is_the_interpreters_or_read_by_the_platform() -> None:
    platform = variables_read_by("segshared")
    assert env_names(DOCKERFILE) - INTERPRETER_VARIABLES - platform == set()
    assert env_names(DOCKERFILE), "the parser found the ENV instruction"


def test_the_build_context_leaves_out_what_no_image_needs() -> None:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for path in (".git", ".venv", ".run", "tests"):
        assert path in ignored
    for needed in ("shared", "services", "console", "playerseg", "data", "pyproject.toml"):
        assert needed not in ignored
