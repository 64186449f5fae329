"""The ``RemoteSigning`` workflow with the real worker, a real embedded office and the
development CSC service in this process (the demo leader's credential of ``make run``, its key
in a PKCS#12 file): the workflow waits while the phone has not answered, then signs with the
service's certificate; with no answer it fails after the configured time, with the bilingual
message and the document unchanged. Both histories are replay fixtures."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from eoffice.bootstrap import Runtime
from eoffice.demo_signers import CSC_CREDENTIAL, DEMO_SIGNER, provision_demo_signers
from signing import ensure_dev_pki
from signing.dev_csc_server import load_service
from signing.dev_server import ThreadedApp, free_loopback_socket
from tests.workflow.office import actor, demo_runtime
from workflow.composition import DraftRequest, draft
from workflow.remote_signing import RemoteSigningWorkflow
from workflow.remote_signing_messages import (
    RemoteSigningRequest,
    RemoteSigningState,
    remote_signing_workflow_id,
)
from workflow.worker import build_worker

HISTORIES = Path(__file__).parent / "histories"
QUEUE = "remote-signing-test"
TIMEOUT_SECONDS = 3


@pytest.fixture(scope="module")
def csc_socket() -> Iterator[tuple[str, socket.socket]]:
    sock = free_loopback_socket()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", sock


@pytest.fixture(scope="module")
def runtime(
    tmp_path_factory: pytest.TempPathFactory, csc_socket: tuple[str, socket.socket]
) -> Runtime:
    directory = tmp_path_factory.mktemp("office")
    loaded = demo_runtime(directory)
    pki = ensure_dev_pki(loaded.settings.pki_path, [], [], services_url=None)
    del loaded
    signers = provision_demo_signers(
        directory / "signers", pki, csc_socket[0], confirmation_timeout_seconds=TIMEOUT_SECONDS
    )
    return demo_runtime(directory, signers.signers_file)


@pytest.fixture(scope="module")
def csc_url(runtime: Runtime, csc_socket: tuple[str, socket.socket]) -> Iterator[str]:
    url, sock = csc_socket
    service = load_service(runtime.settings.data_dir / "signers" / "csc.json")
    server = ThreadedApp(service.app(), sock).start()
    try:
        yield url
    finally:
        server.stop()


def submitted(runtime: Runtime) -> UUID:
    request = DraftRequest(
        doc_type="ke_hoach",
        subject="Kế hoạch ký từ xa",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[runtime.app.account("bentre-tp.vanthu").unit_id],
        signer_id=runtime.app.account(DEMO_SIGNER).id,
        signer_authority=None,
        typed_body="Lãnh đạo ký từ xa, xác nhận trên điện thoại.",
        uploaded_pdf=None,
    )
    document_id = draft(runtime.services, actor(runtime, "bentre.chuyenvien"), request)
    runtime.app.submit(actor(runtime, "bentre.chuyenvien"), document_id, [])
    return document_id


async def started(
    env: WorkflowEnvironment, runtime: Runtime, document_id: UUID
) -> WorkflowHandle[RemoteSigningWorkflow, RemoteSigningState]:
    leader = runtime.app.account(DEMO_SIGNER).id
    return await env.client.start_workflow(
        RemoteSigningWorkflow.run,
        RemoteSigningRequest(str(document_id), str(leader)),
        id=remote_signing_workflow_id(str(document_id)),
        task_queue=QUEUE,
    )


async def pending_on_the_phone(csc_url: str) -> list[dict[str, object]]:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            pending = (await client.get(f"{csc_url}/phone/{CSC_CREDENTIAL}/pending")).json()
            if pending:
                return list(pending)
            await asyncio.sleep(0.1)
    raise AssertionError("no confirmation request reached the phone")


async def save_history(handle: WorkflowHandle[RemoteSigningWorkflow, object], name: str) -> None:
    if os.environ.get("EOFFICE_RECORD_HISTORIES"):  # fixtures for tests/workflow/test_replay.py
        history = await handle.fetch_history()
        (HISTORIES / f"{name}.json").write_text(history.to_json())


async def test_waits_for_the_phone_then_signs_with_the_service_certificate(
    skipping: WorkflowEnvironment, runtime: Runtime, csc_url: str, executor: ThreadPoolExecutor
) -> None:
    document_id = submitted(runtime)
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            handle = await started(skipping, runtime, document_id)
            (request,) = await pending_on_the_phone(csc_url)
            waiting = await handle.query(RemoteSigningWorkflow.state)
            assert (waiting.state, waiting.message) == (
                "waiting",
                "Đang chờ xác nhận trên điện thoại…",
            )
            assert runtime.app.document(document_id).signed_sha256 is None
            assert request["description"] == "Ký số văn bản: Kế hoạch ký từ xa"
            async with httpx.AsyncClient() as client:
                await client.post(f"{csc_url}/phone/requests/{request['id']}/approve")
            result = await handle.result()
        assert (result.state, result.message) == ("signed", "Đã ký số văn bản.")
        assert (await handle.query(RemoteSigningWorkflow.state)).state == "signed"
    document = runtime.app.document(document_id)
    assert document.status == "signed"
    pki = ensure_dev_pki(runtime.settings.pki_path, [], [], services_url=None)
    service_cert = pki.certificate(f"csc-{DEMO_SIGNER}").public_bytes(Encoding.DER)
    signed = [e for e in runtime.app.views.history(document_id) if "ApprovedAndSigned" in e.event]
    assert signed[0].detail["certificate_sha256"] == hashlib.sha256(service_cert).hexdigest()
    await save_history(handle, "remote_signing_confirmed")


async def test_no_confirmation_fails_after_the_timeout_and_changes_nothing(
    skipping: WorkflowEnvironment, runtime: Runtime, csc_url: str, executor: ThreadPoolExecutor
) -> None:
    document_id = submitted(runtime)
    runtime.app.refresh_views()
    before = runtime.app.views.history(document_id)
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            handle = await started(skipping, runtime, document_id)
            await pending_on_the_phone(csc_url)
            result = await handle.result()
    assert result.state == "failed"
    assert result.message.startswith(
        f"Hết thời gian chờ xác nhận ký trên điện thoại ({TIMEOUT_SECONDS} giây): văn bản chưa"
    )
    assert "not signed" in result.message_en
    async with httpx.AsyncClient() as client:  # withdrawn from the phone
        assert (await client.get(f"{csc_url}/phone/{CSC_CREDENTIAL}/pending")).json() == []
    assert runtime.app.document(document_id).status == "submitted"
    runtime.app.refresh_views()
    assert runtime.app.views.history(document_id) == before
    await save_history(handle, "remote_signing_timed_out")
