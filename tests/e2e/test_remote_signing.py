"""Remote signing through the API on the real processes, set up as ``make run`` sets up the demo
(``eoffice/demo_signers.py``: the demo leader's credential on the development CSC service, run
as a process, confirmations on its page ``/phone``). The ``RemoteSigning`` workflow on the real
Temporal dev server holds the state: waiting, then signed once the phone page approves; failed
after the timeout with the document unchanged; and a web process started after the request —
the first one stopped — shows the same state and the end of it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from eoffice.demo_signers import CSC_CREDENTIAL, DEMO_SIGNER
from signing import ensure_dev_pki
from tests.e2e.flow import draft_plan
from tests.e2e.remote import (
    TIMEOUT_SECONDS,
    approve_on_the_phone_page,
    csc_port_of,
    pending_request,
    recorded_fingerprint,
    remote_signing_stack,
    wait_for_state,
)
from tests.stack import Stack, wait_until_listening


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with remote_signing_stack(tmp_path_factory.mktemp("stack")) as stack:
        yield stack


@pytest.fixture(scope="module")
def csc_port(stack: Stack) -> int:
    return csc_port_of(stack)


def submitted_plan(stack: Stack) -> str:
    drafter = stack.client("bentre.chuyenvien")
    response = draft_plan(drafter)
    assert response.status_code == 201, response.text
    document_id: str = response.json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    return document_id


def service_fingerprint(stack: Stack) -> str:
    pki = ensure_dev_pki(stack.pki_dir, [], [], services_url=stack.env["EOFFICE_PKI_SERVICES_URL"])
    der = pki.certificate(f"csc-{DEMO_SIGNER}").public_bytes(Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def test_waits_for_the_phone_then_signs(stack: Stack, csc_port: int) -> None:
    document_id = submitted_plan(stack)
    leader = stack.client(DEMO_SIGNER)
    assert [s["signer"] for s in leader.get("/api/v1/me/signers").json()][-1] == "remote"

    reply = leader.post(f"/api/v1/documents/{document_id}/sign", json={"signer": "remote"})

    assert reply.status_code == 202, reply.text
    status_url = reply.json()["status_url"]
    request = pending_request(csc_port)
    waiting = leader.get(status_url).json()
    assert waiting["state"] == "waiting"
    assert waiting["message"] == "Đang chờ xác nhận trên điện thoại…"
    assert leader.get(f"/api/v1/documents/{document_id}").json()["status"] == "submitted"

    approve_on_the_phone_page(csc_port, request)
    done = wait_for_state(leader, status_url, "signed", 60)

    assert done["state"] == "signed", done
    assert leader.get(f"/api/v1/documents/{document_id}").json()["status"] == "signed"
    assert recorded_fingerprint(leader, document_id) == service_fingerprint(stack)
    again = leader.post(f"/api/v1/documents/{document_id}/sign", json={"signer": "remote"})
    assert again.status_code == 409, again.text


def test_no_confirmation_times_out_and_changes_nothing(stack: Stack, csc_port: int) -> None:
    document_id = submitted_plan(stack)
    leader = stack.client(DEMO_SIGNER)
    before = leader.get(f"/api/v1/documents/{document_id}").json()

    reply = leader.post(f"/api/v1/documents/{document_id}/sign", json={"signer": "remote"})
    assert reply.status_code == 202, reply.text
    again = leader.post(f"/api/v1/documents/{document_id}/sign", json={"signer": "remote"})
    assert again.status_code == 409 and "đang chờ" in again.json()["message"]
    failed = wait_for_state(leader, reply.json()["status_url"], "failed", TIMEOUT_SECONDS + 60)

    assert failed["state"] == "failed", failed
    assert failed["message"].startswith(
        f"Hết thời gian chờ xác nhận ký trên điện thoại ({TIMEOUT_SECONDS} giây)"
    )
    assert "not signed" in failed["message_en"]
    phone = f"http://127.0.0.1:{csc_port}/phone/{CSC_CREDENTIAL}/pending"
    assert httpx.get(phone).json() == []  # withdrawn from the phone
    assert "Hết thời gian chờ" in leader.get(f"/documents/{document_id}/signing").text
    after = leader.get(f"/api/v1/documents/{document_id}").json()
    assert after["status"] == "submitted" and after["history"] == before["history"]


def test_a_web_process_started_later_shows_the_state(stack: Stack, csc_port: int) -> None:
    document_id = submitted_plan(stack)
    leader = stack.client(DEMO_SIGNER)
    reply = leader.post(f"/api/v1/documents/{document_id}/sign", json={"signer": "remote"})
    assert reply.status_code == 202, reply.text
    request = pending_request(csc_port)

    api = stack.processes.pop("api")  # the web process that started it goes away
    api.terminate()
    api.wait(timeout=15)
    stack.processes["api"] = subprocess.Popen(
        [sys.executable, "-m", "eoffice.cli", "api"],
        env=stack.env,
        stdout=(stack.data_dir / "logs" / "api-2.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    wait_until_listening(int(stack.api_url.rsplit(":", 1)[1]), stack.processes["api"], 60)
    leader = stack.client(DEMO_SIGNER)

    assert leader.get(reply.json()["status_url"]).json()["state"] == "waiting"
    page = leader.get(f"/documents/{document_id}/signing").text
    assert "Đang chờ xác nhận trên điện thoại…" in page
    approve_on_the_phone_page(csc_port, request)
    done = wait_for_state(leader, reply.json()["status_url"], "signed", 60)
    assert done["state"] == "signed", done
    assert leader.get(f"/api/v1/documents/{document_id}").json()["status"] == "signed"
