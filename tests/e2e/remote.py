"""The demo leader's remote signer on a test stack, set up as ``make run`` sets it up
(``eoffice/demo_signers.py``, the development CSC service as a process), and its phone."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from eoffice.demo_signers import CSC_CREDENTIAL, provision_demo_signers
from signing import ensure_dev_pki
from tests.stack import Stack, make_stack, wait_until_listening

TIMEOUT_SECONDS = 60
"""Long enough for a web process to be stopped and another started while the phone waits, on a
loaded 2-core machine too (25 s was seen to run out there)."""


def start_demo_signers(stack: Stack) -> None:
    """The demo signers, with the development CSC service on a port of its own (`csc_port_of`)."""
    csc_port = stack.pick_port("csc")
    pki = ensure_dev_pki(stack.pki_dir, [], [], services_url=stack.env["EOFFICE_PKI_SERVICES_URL"])
    signers = provision_demo_signers(
        stack.data_dir / "signers",
        pki,
        f"http://127.0.0.1:{csc_port}",
        confirmation_timeout_seconds=TIMEOUT_SECONDS,
    )
    stack.env["EOFFICE_SIGNERS_FILE"] = str(signers.signers_file)
    log = (stack.data_dir / "logs" / "csc.log").open("ab")
    command = [sys.executable, "-m", "signing.dev_csc_server", "--config"]
    stack.processes["csc"] = subprocess.Popen(
        [*command, str(signers.csc_config), "--port", str(csc_port)],
        env=stack.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_until_listening(csc_port, stack.processes["csc"], 30)


def csc_port_of(stack: Stack) -> int:
    """The port of the stack's development CSC service (the phone's pages)."""
    return stack.extra_ports["csc"]


def pending_request(csc_port: int, seconds: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        url = f"http://127.0.0.1:{csc_port}/phone/{CSC_CREDENTIAL}/pending"
        pending: list[dict[str, Any]] = httpx.get(url).json()
        if pending:
            return pending[0]
        time.sleep(0.2)
    raise AssertionError("no confirmation request reached the phone")


def approve_on_the_phone_page(csc_port: int, request: dict[str, Any]) -> None:
    phone = f"http://127.0.0.1:{csc_port}"
    assert str(request["description"]) in httpx.get(f"{phone}/phone").text
    answer = httpx.post(f"{phone}/phone/page/{request['id']}/approve", follow_redirects=True)
    assert "Đã xác nhận ký" in answer.text


@contextmanager
def remote_signing_stack(directory: Path) -> Iterator[Stack]:
    """A stack with the demo signers and the development CSC service (`csc_port_of`); its logs
    are printed when the setup or a test fails."""
    stack = make_stack(directory)
    try:
        stack.start(start_demo_signers)
        yield stack
    except BaseException:
        print(stack.logs())
        raise
    finally:
        stack.stop()


def wait_for_state(client: httpx.Client, url: str, state: str, seconds: float) -> dict[str, Any]:
    """The signing state at ``url`` once it is ``state``, or as it is after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        reply: dict[str, Any] = client.get(url).json()
        if reply["state"] == state or time.monotonic() > deadline:
            return reply
        time.sleep(0.2)


def recorded_fingerprint(client: httpx.Client, document_id: str) -> str:
    """The certificate fingerprint recorded with the leader's one signature."""
    history = client.get(f"/api/v1/documents/{document_id}").json()["history"]
    signed = [h for h in history if h["event"].endswith("ApprovedAndSigned")]
    assert len(signed) == 1, history
    return str(signed[0]["detail"]["certificate_sha256"])
