"""``make run``: the whole embedded stack in one command.

Starts a Temporal dev server (unless one already answers at the configured address), the
development trust services (OCSP, CRLs, timestamp authority: ``signing.dev_server``, unless
something already answers at ``EOFFICE_PKI_SERVICES_URL``), the development CSC service with its
phone page (``signing.dev_csc_server``, for the demo leader's remote signer, when no
``EOFFICE_SIGNERS_FILE`` is set: ``eoffice/demo_signers.py``), the worker and the web app as child
processes, loads the demo data on first start, issues the demo documents once the web app
answers (``eoffice/demo_documents.py``, in the background), and stops every process it started on
Ctrl-C. Data stays in the data directory (``./var``) between runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from eoffice.bootstrap import build_runtime, pki_services_url
from eoffice.demo import demo_logins_text, load_demo_data
from eoffice.demo_documents import DEMO_DOCUMENTS, DemoDocumentError, seed_demo_documents
from eoffice.demo_signers import DEMO_SIGNER, provision_demo_signers
from eoffice.settings import Settings
from signing import ensure_dev_pki


def _host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not port_open(host, port):
        if process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise SystemExit(f"nothing answered on {host}:{port} after {seconds:.0f} s")
        time.sleep(0.2)


def temporal_command(settings: Settings) -> list[str]:
    binary = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    host, port = _host_port(settings.temporal_address)
    return [
        binary,
        "server",
        "start-dev",
        "--ip",
        host,
        "--port",
        str(port),
        "--ui-port",
        str(settings.temporal_ui_port),
        "--db-filename",
        str(settings.temporal_db_path.resolve()),
        "--log-level",
        "error",
    ]


def trust_services_command(settings: Settings, host: str, port: int) -> list[str]:
    """The development OCSP responder, CRLs and TSA of the PKI in the data directory."""
    pki = str(settings.pki_path.resolve())
    server = [sys.executable, "-m", "signing.dev_server"]
    return [*server, "--pki", pki, "--host", host, "--port", str(port)]


def csc_command(config: Path, host: str, port: int) -> list[str]:
    server = [sys.executable, "-m", "signing.dev_csc_server", "--config", str(config)]
    return [*server, "--host", host, "--port", str(port)]


def _demo_signers(
    settings: Settings, env: dict[str, str], children: list[subprocess.Popen[bytes]]
) -> str | None:
    """The demo leader's remote (and token) signer and the CSC service; the phone page's URL."""
    address = settings.dev_csc_address
    if settings.signers_file is not None or address is None:
        return None
    pki = ensure_dev_pki(settings.pki_path, [], [], services_url=pki_services_url(settings))
    url = settings.dev_csc_url.strip().rstrip("/")
    signers = provision_demo_signers(settings.data_dir.resolve() / "signers", pki, url)
    env.update(signers.environment())
    if port_open(*address):
        print(f"Dịch vụ ký số từ xa đã chạy tại / CSC service already running at {url}")
    else:
        csc = _start(csc_command(signers.csc_config, *address), env)
        children.append(csc)
        wait_for_port(*address, csc, 30)
    kinds = "tệp khóa, thiết bị ký, ký từ xa" if signers.softhsm_conf else "tệp khóa, ký từ xa"
    print(f"Người ký thử / demo signer {DEMO_SIGNER}: {kinds}")
    return f"{url}/phone"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_embedded(settings: Settings) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    runtime = build_runtime(settings)
    if load_demo_data(runtime):
        print("Đã nạp dữ liệu mẫu / demo data loaded", flush=True)
    del runtime
    children: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "EOFFICE_DATA_DIR": str(settings.data_dir.resolve()),
        "EOFFICE_WEB_WORKERS": str(settings.web_workers),
    }
    try:
        host, port = _host_port(settings.temporal_address)
        if port_open(host, port):
            print(f"Temporal đã chạy tại / already running at {settings.temporal_address}")
        else:
            temporal = _start(temporal_command(settings), env)
            children.append(temporal)
            wait_for_port(host, port, temporal, 60)
        services = settings.pki_services_address
        if services is None:
            print("Không có dịch vụ OCSP/TSA / no trust services configured (B-B only)")
        elif port_open(*services):
            print(f"Dịch vụ OCSP/TSA đã chạy tại / already running at {settings.pki_services_url}")
        else:
            trust = _start(trust_services_command(settings, *services), env)
            children.append(trust)
            wait_for_port(*services, trust, 30)
        phone = _demo_signers(settings, env, children)
        me = [sys.executable, "-m", "eoffice.cli"]
        children.append(_start([*me, "worker"], env))
        api = _start([*me, "api"], env)
        children.append(api)
        wait_for_port(settings.api_host, settings.api_port, api, 60)
        url = f"http://{settings.api_host}:{settings.api_port}"
        print(f"\nVăn phòng điện tử Công đoàn: {url}  (API: {url}/docs)", flush=True)
        print(f"Temporal UI: http://{host}:{settings.temporal_ui_port}")
        if services is not None:
            print(f"OCSP, CRL, TSA (thử nghiệm / development): {settings.pki_services_url}")
        if phone is not None:
            print(f"Điện thoại thử nghiệm (xác nhận ký từ xa) / development phone: {phone}")
        print(demo_logins_text())
        print("Nhấn Ctrl-C để dừng / press Ctrl-C to stop\n", flush=True)
        threading.Thread(target=_issue_demo_documents, args=(url,), daemon=True).start()
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        failed = next(child for child in children if child.poll() is not None)
        print(f"{failed.args!r} exited with code {failed.returncode}; stopping", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all(children)


def _issue_demo_documents(url: str) -> None:
    """The demo documents not issued yet (a few seconds each), reported on the console; a
    refusal is reported and leaves the stack running."""
    try:
        issued = seed_demo_documents(url)
    except DemoDocumentError as error:
        print(f"Không tạo được văn bản mẫu / demo documents not issued: {error}", file=sys.stderr)
        return
    if issued:
        print(
            f"Đã ban hành {issued} văn bản mẫu / {issued} demo documents issued "
            f"({len(DEMO_DOCUMENTS)} in all): thử tìm «công đoàn» / try searching 'cong doan'",
            flush=True,
        )


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A child in its own session: Ctrl-C reaches only the launcher, which stops children in
    order (web app, worker, trust services, then Temporal) instead of all of them racing at once."""
    return subprocess.Popen(command, env=env, start_new_session=True)


def stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in reversed(children):
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
