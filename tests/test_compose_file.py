"""The production stack (docker-compose.yml and Dockerfile), checked without a Docker engine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from eoffice.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

EXPECTED_SERVICES = {
    "postgres",
    "temporal",
    "temporal-ui",
    "minio",
    "elasticsearch",
    "api",
    "worker",
}
APPLICATION_SERVICES = ("api", "worker")
# Jobs that run once and exit: no healthcheck; dependents wait for successful completion.
ONE_SHOT_SERVICES = {"minio-init"}
# Long-running services whose image has no way to check health; dependents may only wait for
# them to start. None today: add a name here, with the reason, only when it is true.
NO_HEALTHCHECK_SERVICES: set[str] = set()

EOFFICE_VARIABLES = {
    "EOFFICE_DATA_DIR",
    "EOFFICE_EVENT_STORE",
    "EOFFICE_POSTGRES_HOST",
    "EOFFICE_POSTGRES_PORT",
    "EOFFICE_POSTGRES_DBNAME",
    "EOFFICE_POSTGRES_USER",
    "EOFFICE_POSTGRES_PASSWORD",
    "EOFFICE_BLOB_STORE",
    "EOFFICE_S3_ENDPOINT",
    "EOFFICE_S3_ACCESS_KEY",
    "EOFFICE_S3_SECRET_KEY",
    "EOFFICE_S3_BUCKET",
    "EOFFICE_S3_SECURE",
    "EOFFICE_SEARCH_BACKEND",
    "EOFFICE_ELASTICSEARCH_URL",
    "EOFFICE_TEMPORAL_ADDRESS",
    "EOFFICE_TEMPORAL_NAMESPACE",
    "EOFFICE_TEMPORAL_TASK_QUEUE",
    "EOFFICE_SECRET_KEY",
    "EOFFICE_PKI_DIR",
}
SECRET_NAME = re.compile(r"PASSWORD|PWD|SECRET|ACCESS_KEY")
REQUIRED_INTERPOLATION = re.compile(r"^\$\{(?P<name>[A-Z0-9_]+):\?[^}]+\}$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {str(key): str(value) for key, value in raw.items()}


def dependencies(service: dict[str, Any]) -> dict[str, str]:
    """depends_on as {target: condition}; the short list form means service_started."""
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return dict.fromkeys(raw, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in raw.items()}


def published_ports(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host part, container port) of each published port, host part "" when unbound."""
    result = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            result.append((str(port.get("host_ip", "")), str(port["target"])))
            continue
        host, _, container = str(port).rpartition(":")
        result.append((host, container.split("/")[0]))
    return result


def test_every_expected_service_is_defined(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) >= EXPECTED_SERVICES


def test_every_image_is_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        image = service.get("image")
        assert image or service.get("build"), f"{name} has neither image nor build"
        if image is None:
            continue
        reference = image.split("@", 1)[0]
        repository, _, tag = reference.rpartition(":")
        assert repository and "/" not in tag, f"{name}: {image} has no tag"
        assert tag != "latest", f"{name}: {image} is not pinned"
        assert "${" not in image, f"{name}: {image} depends on the environment"


@pytest.mark.parametrize(
    ("service", "pattern"),
    [
        ("postgres", r"^postgres:16\.\d+(-\w+)?$"),
        ("temporal", r"^temporalio/auto-setup:\d+\.\d+\.\d+$"),
        ("temporal-ui", r"^temporalio/ui:\d+\.\d+\.\d+$"),
        ("minio", r"^(quay\.io/)?minio/minio:RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$"),
        ("elasticsearch", r"^docker\.elastic\.co/elasticsearch/elasticsearch:8\.19\.\d+$"),
    ],
)
def test_images_are_the_chosen_lines(
    services: dict[str, dict[str, Any]], service: str, pattern: str
) -> None:
    assert re.match(pattern, services[service]["image"])


def test_every_long_running_service_has_a_healthcheck(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        if name in ONE_SHOT_SERVICES | NO_HEALTHCHECK_SERVICES:
            continue
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), name
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


def test_dependencies_exist_and_wait_for_readiness(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for target, condition in dependencies(service).items():
            assert target in services, f"{name} depends on unknown {target}"
            if target in ONE_SHOT_SERVICES:
                expected = "service_completed_successfully"
            elif target in NO_HEALTHCHECK_SERVICES:
                expected = "service_started"
            else:
                expected = "service_healthy"
            assert condition == expected, f"{name} -> {target}: {condition}"


def test_every_service_restarts(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        expected = {"on-failure"} if name in ONE_SHOT_SERVICES else {"unless-stopped", "always"}
        assert str(service.get("restart", "")).split(":")[0] in expected, name


@pytest.mark.parametrize("name", APPLICATION_SERVICES)
def test_application_services_are_built_here_and_configured(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    service = services[name]
    build = service["build"]
    assert (build if isinstance(build, str) else build.get("context")) == "."
    env = environment(service)
    assert set(env) >= EOFFICE_VARIABLES
    assert env["EOFFICE_EVENT_STORE"] == "postgres"
    assert env["EOFFICE_BLOB_STORE"] == "s3"
    assert env["EOFFICE_POSTGRES_HOST"] == "postgres"
    assert env["EOFFICE_S3_ENDPOINT"].startswith("minio:")
    assert env["EOFFICE_TEMPORAL_ADDRESS"] == "temporal:7233"
    assert env["EOFFICE_ELASTICSEARCH_URL"].startswith("http://elasticsearch:9200")
    assert set(dependencies(service)) >= {"postgres", "temporal", "minio", "elasticsearch"}


def test_application_commands(services: dict[str, dict[str, Any]]) -> None:
    def argv(command: str | list[str]) -> list[str]:
        return command.split() if isinstance(command, str) else command

    assert argv(services["api"]["command"]) == [
        "eoffice", "api", "--host", "0.0.0.0", "--port", "8000",
    ]  # fmt: skip
    assert argv(services["worker"]["command"]) == ["eoffice", "worker"]


def test_every_eoffice_variable_is_a_setting(services: dict[str, dict[str, Any]]) -> None:
    settings = {f"EOFFICE_{name.upper()}" for name in Settings.model_fields}
    for name in APPLICATION_SERVICES:
        configured = {key for key in environment(services[name]) if key.startswith("EOFFICE_")}
        assert configured <= settings, configured - settings


def test_secrets_come_from_the_environment_file(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key):
                assert REQUIRED_INTERPOLATION.match(value), f"{name}.{key} = {value!r}"


def test_required_variables_are_documented_at_the_top(
    services: dict[str, dict[str, Any]],
) -> None:
    header = COMPOSE_FILE.read_text(encoding="utf-8").split("\nservices:", 1)[0]
    required = {
        match["name"]
        for service in services.values()
        for value in environment(service).values()
        if (match := REQUIRED_INTERPOLATION.match(value))
    }
    assert required
    for variable in required:
        assert re.search(rf"^#\s+{variable}\b", header, re.MULTILINE), variable


def test_volumes_are_named_and_declared(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared = set(compose.get("volumes") or {})
    used = set()
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            source = volume["source"] if isinstance(volume, dict) else volume.split(":", 1)[0]
            assert not source.startswith((".", "/", "~")), f"{name} bind-mounts {source}"
            assert source in declared, f"{name} uses undeclared volume {source}"
            used.add(source)
    assert used == declared


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("postgres", "/var/lib/postgresql/data"),
        ("minio", "/data"),
        ("elasticsearch", "/usr/share/elasticsearch/data"),
        ("api", "/var/lib/eoffice"),
        ("worker", "/var/lib/eoffice"),
    ],
)
def test_state_lives_in_volumes(
    services: dict[str, dict[str, Any]], service: str, path: str
) -> None:
    targets = {
        volume["target"] if isinstance(volume, dict) else volume.split(":")[1]
        for volume in services[service].get("volumes") or []
    }
    assert path in targets


def test_ports_are_published_only_where_expected(services: dict[str, dict[str, Any]]) -> None:
    assert [port for _, port in published_ports(services["api"])] == ["8000"]
    ((ui_host, ui_port),) = published_ports(services["temporal-ui"])
    assert ui_host.startswith("127.0.0.1:") and ui_port == "8080"  # administrators only
    for name in ("postgres", "temporal", "minio", "elasticsearch", "worker", *ONE_SHOT_SERVICES):
        assert not services[name].get("ports"), f"{name} must stay on the internal network"


def test_elasticsearch_is_single_node_internal_and_bounded(
    services: dict[str, dict[str, Any]],
) -> None:
    service = services["elasticsearch"]
    env = environment(service)
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "false"
    assert "-Xmx" in env["ES_JAVA_OPTS"]
    memory = service.get("mem_limit") or service["deploy"]["resources"]["limits"]["memory"]
    assert memory


def test_temporal_uses_postgres(services: dict[str, dict[str, Any]]) -> None:
    env = environment(services["temporal"])
    assert env["DB"] == "postgres12"
    assert env["POSTGRES_SEEDS"] == "postgres"
    assert env["DEFAULT_NAMESPACE"] == environment(services["api"])["EOFFICE_TEMPORAL_NAMESPACE"]
    assert "postgres" in dependencies(services["temporal"])


def test_minio_init_creates_the_documents_bucket(services: dict[str, dict[str, Any]]) -> None:
    service = services["minio-init"]
    script = " ".join(service["command"])
    assert "mc mb --ignore-existing" in script
    assert environment(service)["BUCKET"] == environment(services["api"])["EOFFICE_S3_BUCKET"]


def test_dockerfile_builds_the_application_image() -> None:
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11[.\w-]*slim", dockerfile, re.MULTILINE)
    for package in ("poppler-utils", "fonts-dejavu-core", "fonts-liberation"):
        assert re.search(rf"apt-get install[^\n]*(\\\n[^\n]*)*{package}", dockerfile), package
    assert "pip install -c constraints.txt ." in dockerfile
