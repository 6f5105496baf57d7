"""docker-compose.yml: valid Compose, start order by health, and only what the code offers.

There is no Docker engine here, so the file is checked against the Compose Specification's
JSON schema and against the code: every command a container runs exists, every variable it
sets is read by the program it runs, every image holds the package it runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.unit.deploy.code_facts import (
    REPO,
    command_problem,
    package_of,
    packages_in,
    variables_read_by,
)

SCHEMA = Path(__file__).parent / "schemas" / "compose-spec.json"
INFRA_IMAGES = ("apache/kafka:", "redis:", "postgres:")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


def ours(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run the platform's own images (built from deploy/Dockerfile)."""
    return {name: svc for name, svc in compose["services"].items() if "build" in svc}


def is_job(service: dict[str, Any]) -> bool:
    return service.get("restart") == "no"


def test_the_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(Draft202012Validator(schema).iter_errors(compose), key=lambda e: e.path)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_stack_has_every_part(compose: dict[str, Any]) -> None:
    services = compose["services"]
    images = [svc.get("image", "") for svc in services.values()]
    for infra in INFRA_IMAGES:
        assert any(i.startswith(infra) for i in images), f"no {infra} service"
    kafka = next(s for s in services.values() if s.get("image", "").startswith("apache/kafka:"))
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"], "KRaft mode"
    redis = next(s for s in services.values() if s.get("image", "").startswith("redis:"))
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    modules = {svc["command"][2] for svc in ours(compose).values() if svc["command"][0] == "python"}
    for package in ("card_svc", "segment_svc", "action_svc", "export_svc"):
        for role in ("api", "worker", "migrate"):
            assert f"{package}.entrypoints.{role}" in modules
    assert "console_app" in modules
    assert ["playerseg", "topics"] in [svc["command"][:2] for svc in ours(compose).values()]


def test_every_long_running_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        if not is_job(svc):
            assert svc.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_start_order_waits_for_health_and_for_completed_jobs(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, svc in services.items():
        depends = svc.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        for other, rule in depends.items():
            assert other in services, f"{name} depends on unknown {other}"
            wanted = (
                "service_completed_successfully" if is_job(services[other]) else ("service_healthy")
            )
            assert rule["condition"] == wanted, f"{name} -> {other}: {rule}"
        if name in ours(compose) and not is_job(svc) and name != "console":
            assert "topics" in depends, f"{name} starts before the topics exist"
            package = package_of(svc["command"])
            migrate = [o for o in depends if o.endswith("-migrate")]
            assert [package_of(services[m]["command"]) for m in migrate] == [package]


def test_every_command_runs_a_program_of_the_code(compose: dict[str, Any]) -> None:
    problems = []
    for name, svc in compose["services"].items():
        argv = svc.get("command")
        if name in ours(compose):
            problems.append(command_problem(argv))
        test = svc.get("healthcheck", {}).get("test", [])
        if test[:3] == ["CMD", "python", "-m"]:
            problems.append(command_problem(test[1:]))
    assert [p for p in problems if p] == []


def test_every_variable_is_one_the_program_reads(compose: dict[str, Any]) -> None:
    unknown = {}
    for name, svc in ours(compose).items():
        read = variables_read_by(package_of(svc["command"]))
        extra = set(svc.get("environment", {})) - read
        if extra:
            unknown[name] = sorted(extra)
    assert unknown == {}


def test_every_image_holds_the_package_it_runs_and_no_other_service(
    compose: dict[str, Any],
) -> None:
    for name, svc in ours(compose).items():
        installed = packages_in(svc["build"]["args"]["SOURCES"])
        assert package_of(svc["command"]) in installed, name
        services_inside = {p for p in installed if p.endswith("_svc")}
        assert len(services_inside) <= 1, f"{name}'s image holds {services_inside}"


def test_each_image_tag_is_built_one_way(compose: dict[str, Any]) -> None:
    builds: dict[str, Any] = {}
    for svc in ours(compose).values():
        assert builds.setdefault(svc["image"], svc["build"]) == svc["build"], svc["image"]


def test_build_targets_exist_in_the_dockerfile(compose: dict[str, Any]) -> None:
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text()
    stages = set(re.findall(r"^FROM \S+ AS (\S+)$", dockerfile, flags=re.M))
    for svc in ours(compose).values():
        assert svc["build"]["dockerfile"] == "deploy/Dockerfile"
        assert svc["build"]["target"] in stages


def test_data_survives_restarts_in_named_volumes(compose: dict[str, Any]) -> None:
    named = set(compose["volumes"])
    for image, path in (("apache/kafka:", "/var/lib/kafka/data"), ("redis:", "/data")):
        svc = next(s for s in compose["services"].values() if s["image"].startswith(image))
        assert any(v.split(":")[0] in named and v.split(":")[1] == path for v in svc["volumes"])
    mounts = [v.split(":")[0] for s in compose["services"].values() for v in s.get("volumes", [])]
    assert named <= set(mounts), "a declared volume nobody mounts"
