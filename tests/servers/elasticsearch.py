"""A real Elasticsearch for the tests, installed by scripts/install-elasticsearch.sh.

`running_elasticsearch()` starts one node (security off, single-node discovery, loopback only, a
free port, a small heap) with its configuration, data and logs in a fresh temporary directory,
waits until the cluster is at least yellow and stops it afterwards. Elasticsearch refuses to run
as root: as root, the node runs as the user the install script created (`eoffice-es`).
`elasticsearch_server` is the session-scoped fixture over it; import it into a conftest.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

__all__ = [
    "BENCH_JAVA_OPTS",
    "ElasticsearchServer",
    "Installation",
    "elasticsearch_server",
    "find_installation",
    "running_elasticsearch",
]

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache"
INSTALL_HINT = "scripts/install-elasticsearch.sh"
START_TIMEOUT_SECONDS = 180.0
STOP_TIMEOUT_SECONDS = 30.0
# A small heap; C1 only (TieredStopAtLevel=1) starts ~40% faster and is quick enough for tests.
JAVA_OPTS = "-Xms512m -Xmx512m -XX:TieredStopAtLevel=1"
BENCH_JAVA_OPTS = "-Xms1g -Xmx1g"
"""For benchmarks: the JIT as in production (C2; C1 only is ~1.5x slower on heavy queries)."""


@dataclass(frozen=True)
class Installation:
    home: Path
    user: str | None
    """The OS user to run as; None means the current user (when not root)."""


@dataclass(frozen=True)
class ElasticsearchServer:
    url: str
    version: str
    startup_seconds: float
    log_path: Path

    @property
    def address(self) -> tuple[str, int]:
        """Host and port of `url`."""
        parts = urlsplit(self.url)
        assert parts.hostname is not None and parts.port is not None, self.url
        return parts.hostname, parts.port


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_installation() -> Installation | None:
    """What the install script recorded, or None when it has not run (or its files are gone)."""
    home_file, user_file = CACHE / "elasticsearch.home", CACHE / "elasticsearch.user"
    if not home_file.exists():
        return None
    home = Path(home_file.read_text().strip())
    if not (home / "bin" / "elasticsearch").exists():
        return None
    user = user_file.read_text().strip() if user_file.exists() else None
    if os.geteuid() != 0:
        user = None  # only root can switch users; a non-root install runs as its installer
    return Installation(home=home, user=user)


def _java_home() -> str | None:
    for variable in ("ES_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(variable):
            return os.environ[variable]
    java = shutil.which("java")
    return str(Path(java).resolve().parents[1]) if java else None


def _prepare(installation: Installation, workdir: Path) -> dict[str, Path]:
    paths = {name: workdir / name for name in ("config", "data", "logs", "tmp")}
    shutil.copytree(installation.home / "config", paths["config"])
    for name in ("data", "logs", "tmp"):
        paths[name].mkdir()
    if installation.user is not None:
        for path in (workdir, *workdir.rglob("*")):
            shutil.chown(path, installation.user)
    return paths


def _health(url: str) -> dict[str, object] | None:
    request = f"{url}/_cluster/health?wait_for_status=yellow&timeout=1s"
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            body: dict[str, object] = json.load(response)
            return body
    except (OSError, urllib.error.URLError, ValueError):
        return None


def _version(url: str) -> str:
    # The integ-test distribution has no "GET /" (info) endpoint; the nodes API has the version.
    with urllib.request.urlopen(f"{url}/_nodes/_local?filter_path=nodes.*.version") as response:
        nodes: dict[str, dict[str, str]] = json.load(response)["nodes"]
    return next(iter(nodes.values()))["version"]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the node's process group (the launcher and the server it forks), then KILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
    with contextlib.suppress(ProcessLookupError):  # the forked server may outlive the launcher
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def running_elasticsearch(
    installation: Installation, java_opts: str = JAVA_OPTS
) -> Iterator[ElasticsearchServer]:
    """One fresh node for the duration of the block; raises if it does not come up."""
    java_home = _java_home()
    if java_home is None:
        raise RuntimeError(f"no Java found for Elasticsearch: run {INSTALL_HINT}")
    workdir = Path(tempfile.mkdtemp(prefix="eoffice-es-"))
    try:
        paths = _prepare(installation, workdir)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        settings = {
            "cluster.name": "eoffice-test",
            "node.name": "eoffice-test-node",
            "discovery.type": "single-node",
            "network.host": "127.0.0.1",
            "http.port": str(port),
            "transport.port": str(free_port()),
            "path.data": str(paths["data"]),
            "path.logs": str(paths["logs"]),
            "xpack.security.enabled": "false",
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "action.destructive_requires_name": "false",
        }
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ES_JAVA_HOME": java_home,
            "ES_JAVA_OPTS": java_opts,
            "ES_PATH_CONF": str(paths["config"]),
            "ES_TMPDIR": str(paths["tmp"]),
            "LANG": "C.UTF-8",
        }
        command = [str(installation.home / "bin" / "elasticsearch")]
        command += [f"-E{name}={value}" for name, value in settings.items()]
        log_path = workdir / "console.log"
        started = time.monotonic()
        with log_path.open("wb") as console:
            process = subprocess.Popen(
                command,
                cwd=workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                user=installation.user,
                start_new_session=True,
            )
        try:
            deadline = started + START_TIMEOUT_SECONDS
            while _health(url) is None:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"Elasticsearch exited with {process.returncode}:\n{_tail(log_path)}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"Elasticsearch not up within {START_TIMEOUT_SECONDS} s:\n{_tail(log_path)}"
                    )
                time.sleep(0.25)
            yield ElasticsearchServer(
                url=url,
                version=_version(url),
                startup_seconds=time.monotonic() - started,
                log_path=log_path,
            )
        finally:
            _stop(process)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def elasticsearch_server() -> Iterator[ElasticsearchServer]:
    """A node shared by the whole session; tests use their own index names on it."""
    installation = find_installation()
    if installation is None:
        pytest.skip(f"Elasticsearch is not installed: run {INSTALL_HINT}")
    with running_elasticsearch(installation) as server:
        print(f"\nElasticsearch {server.version} up in {server.startup_seconds:.1f} s")
        yield server
