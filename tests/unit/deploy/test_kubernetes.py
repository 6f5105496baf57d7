"""deploy/k8s: valid Kubernetes objects that run only what the code offers, in phases.

Checked without a cluster: every object against the API's JSON schemas (kubernetes-validate),
the kustomization rendered by ``kubectl kustomize`` when kubectl is installed, and the same
code facts as the compose file (commands, variables, images).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.unit.deploy.code_facts import (
    REPO,
    command_problem,
    package_of,
    packages_in,
    variables_read_by,
)

K8S = REPO / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"
PHASES = {"config", "setup", "api", "worker"}
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    found: list[Doc] = []
    for resource in kustomization["resources"]:
        found += [d for d in yaml.safe_load_all((K8S / resource).read_text()) if d]
    return found


def of_kind(docs: list[Doc], kind: str) -> list[Doc]:
    return [d for d in docs if d["kind"] == kind]


def pod_specs(docs: list[Doc]) -> list[tuple[Doc, Doc]]:
    """(object, pod spec) of every Deployment, StatefulSet and Job."""
    kinds = ("Deployment", "StatefulSet", "Job")
    return [(d, d["spec"]["template"]["spec"]) for d in docs if d["kind"] in kinds]


def containers(docs: list[Doc]) -> list[tuple[Doc, Doc]]:
    return [(obj, c) for obj, spec in pod_specs(docs) for c in spec["containers"]]


def component(obj: Doc) -> str:
    return str(obj["metadata"]["labels"]["app.kubernetes.io/component"])


def test_every_object_is_valid_for_the_kubernetes_api(docs: list[Doc]) -> None:
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_renders_every_object_into_the_namespace(docs: list[Doc]) -> None:
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, check=True
    ).stdout
    objects = [d for d in yaml.safe_load_all(rendered) if d]
    names = sorted((d["kind"], d["metadata"]["name"]) for d in objects)
    assert names == sorted((d["kind"], d["metadata"]["name"]) for d in docs)
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "playerseg"
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "playerseg"


def test_every_object_belongs_to_one_phase_of_the_rollout(docs: list[Doc]) -> None:
    for doc in docs:
        assert doc["metadata"]["labels"].get("playerseg.io/phase") in PHASES, doc["metadata"]


def test_worker_replicas_never_exceed_the_partition_count(docs: list[Doc]) -> None:
    platform = next(
        c for c in of_kind(docs, "ConfigMap") if c["metadata"]["name"].startswith("playerseg")
    )
    partitions = int(platform["data"]["PLAYERSEG_PARTITIONS"])
    workers = [d for d in of_kind(docs, "Deployment") if component(d) == "worker"]
    assert {
        package_of(d["spec"]["template"]["spec"]["containers"][0]["command"]) for d in workers
    } == {
        "card_svc",
        "segment_svc",
        "action_svc",
        "export_svc",
    }
    for worker in workers:
        assert 1 <= worker["spec"]["replicas"] <= partitions, worker["metadata"]["name"]
        assert worker["spec"]["strategy"]["rollingUpdate"]["maxSurge"] == 0


def test_migrations_and_topics_run_as_jobs_before_anything_else(docs: list[Doc]) -> None:
    jobs = of_kind(docs, "Job")
    commands = {tuple(j["spec"]["template"]["spec"]["containers"][0]["command"][:3]) for j in jobs}
    for package in ("card_svc", "segment_svc", "action_svc", "export_svc"):
        assert ("python", "-m", f"{package}.entrypoints.migrate") in commands
    assert ("playerseg", "topics", "--replication-factor") in commands
    for job in jobs:
        assert job["metadata"]["labels"]["playerseg.io/phase"] == "setup"
        assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"
    waves = {
        component(d): d["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
        for d in of_kind(docs, "Deployment")
    }
    assert int(waves["api"]) < int(waves["worker"]), "APIs roll out before workers"


def test_every_command_runs_a_program_of_the_code(docs: list[Doc]) -> None:
    problems = [command_problem(c["command"]) for _, c in containers(docs)]
    probes = [
        c.get("readinessProbe", {}).get("exec", {}).get("command") for _, c in containers(docs)
    ]
    problems += [command_problem(p) for p in probes if p]
    assert [p for p in problems if p] == []


def _variables_set(container: Doc, docs: list[Doc]) -> set[str]:
    sources = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    names = {e["name"] for e in container.get("env", [])}
    for ref in container.get("envFrom", []):
        if "configMapRef" in ref:
            names |= set(sources[("ConfigMap", ref["configMapRef"]["name"])]["data"])
        else:
            names |= set(sources[("Secret", ref["secretRef"]["name"])]["stringData"])
    return names


def test_every_variable_is_one_the_program_reads(docs: list[Doc]) -> None:
    unknown = {}
    for obj, container in containers(docs):
        extra = _variables_set(container, docs) - variables_read_by(
            package_of(container["command"])
        )
        if extra:
            unknown[obj["metadata"]["name"]] = sorted(extra)
    assert unknown == {}


def test_each_image_is_the_compose_image_that_holds_the_package(docs: list[Doc]) -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    sources = {
        svc["image"].split(":")[0]: svc["build"]["args"]["SOURCES"]
        for svc in compose["services"].values()
        if "build" in svc
    }
    for obj, container in containers(docs):
        image = container["image"].split(":")[0]
        assert image in sources, f"{obj['metadata']['name']}: {image} is built nowhere"
        assert package_of(container["command"]) in packages_in(sources[image])


def test_long_running_pods_have_probes_and_run_unprivileged(docs: list[Doc]) -> None:
    for obj, spec in pod_specs(docs):
        assert spec["securityContext"]["runAsNonRoot"] is True
        for container in spec["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            if obj["kind"] == "Job":
                continue
            assert "readinessProbe" in container, obj["metadata"]["name"]
            if component(obj) in ("api", "console"):
                assert "livenessProbe" in container, obj["metadata"]["name"]


def test_every_api_has_a_service_on_its_port(docs: list[Doc]) -> None:
    services = {s["metadata"]["name"]: s for s in of_kind(docs, "Service")}
    for deployment in of_kind(docs, "Deployment"):
        if component(deployment) not in ("api", "console"):
            continue
        name = deployment["metadata"]["name"]
        template = deployment["spec"]["template"]
        service = services[name]
        assert service["spec"]["selector"].items() <= template["metadata"]["labels"].items()
        (port,) = template["spec"]["containers"][0]["ports"]
        assert service["spec"]["ports"][0]["port"] == port["containerPort"]


def test_mounted_claims_exist(docs: list[Doc]) -> None:
    claims = {c["metadata"]["name"] for c in of_kind(docs, "PersistentVolumeClaim")}
    for _, spec in pod_specs(docs):
        for volume in spec.get("volumes", []):
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in claims
