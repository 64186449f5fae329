"""``IssueAndDispatch`` with a response deadline on Temporal's time-skipping test server, with the
real worker and a real embedded office: delivery, the reminder to units that have not
acknowledged, the overdue list after the deadline, a recall that stops the reminders; and
``ForwardDocument`` delivering a received document down the forwarding unit's subtree."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from documents.clock import now_vietnam
from documents.receipts import ReceiptStatus
from documents.units import unit_id_for
from eoffice.bootstrap import Runtime
from tests.workflow.office import actor, demo_runtime
from workflow.composition import DraftRequest, draft
from workflow.forwarding import ForwardDocumentWorkflow
from workflow.issuance import IssueAndDispatchWorkflow
from workflow.messages import DispatchProgress
from workflow.signing_steps import sign_as_leader
from workflow.starter import signal_recalled, start_forwarding, start_issuance
from workflow.worker import build_worker

HISTORIES = Path(__file__).parent / "histories"
QUEUE = "deadlines-test"
RECIPIENTS = ("bentre-tp", "bentre-kcn", "may-viettien")


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    return demo_runtime(tmp_path_factory.mktemp("office"))


async def signed_document(runtime: Runtime, issuer: str, recipients: tuple[str, ...]) -> UUID:
    request = DraftRequest(
        doc_type="ke_hoach",
        subject="Kế hoạch trả lời có hạn",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[unit_id_for(code) for code in recipients],
        signer_id=runtime.app.account(f"{issuer}.lanhdao").id,
        typed_body="Đề nghị các đơn vị xác nhận trước hạn.",
    )
    document_id = await asyncio.to_thread(
        draft, runtime.services, actor(runtime, f"{issuer}.chuyenvien"), request
    )
    runtime.app.submit(actor(runtime, f"{issuer}.chuyenvien"), document_id)
    await asyncio.to_thread(  # pyHanko runs its own event loop
        sign_as_leader, runtime.services, actor(runtime, f"{issuer}.lanhdao"), document_id
    )
    return document_id


async def wait_for_phase(handle: WorkflowHandle, phase: str) -> DispatchProgress:
    for _ in range(400):
        progress: DispatchProgress = await handle.query(IssueAndDispatchWorkflow.progress)
        if progress.phase == phase:
            return progress
        await asyncio.sleep(0.05)
    raise AssertionError(f"the dispatch never reached {phase}")


def acknowledge(runtime: Runtime, document_id: UUID, code: str) -> None:
    clerk = actor(runtime, f"{code}.vanthu")
    receipt = runtime.app.receipt_for(document_id, unit_id_for(code))
    runtime.app.register_receipt(clerk, receipt.id, True, "hợp lệ")
    runtime.app.acknowledge(clerk, receipt.id)


async def test_reminds_the_units_that_have_not_acknowledged_then_lists_the_overdue(
    skipping: WorkflowEnvironment, runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    app = runtime.app
    document_id = await signed_document(runtime, "bentre", RECIPIENTS)
    app.request_issue(actor(runtime, "bentre.vanthu"), document_id, now_vietnam() + timedelta(3))
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            workflow_id = await start_issuance(skipping.client, document_id, QUEUE)
            handle = skipping.client.get_workflow_handle_for(
                IssueAndDispatchWorkflow.run, workflow_id
            )
            waiting = await wait_for_phase(handle, "waiting")
            assert (waiting.delivered, waiting.finished) == (3, True)
            acknowledge(runtime, document_id, "bentre-tp")
        await skipping.sleep(timedelta(days=2, hours=12))  # past the reminder, before the list
        reminded = await wait_for_phase(handle, "reminded")
        assert (reminded.reminded, reminded.overdue) == (2, 0)
        acknowledge(runtime, document_id, "bentre-kcn")  # late for the reminder, in time
        await skipping.sleep(timedelta(days=2))
        result = await handle.result()
    assert (result.phase, result.reminded, result.overdue) == ("overdue", 2, 1)
    sender = actor(runtime, "bentre.vanthu")
    progress = app.dispatch_progress(sender, document_id)
    assert (progress["delivered"], progress["acknowledged"], progress["overdue"]) == (3, 2, 1)
    listed = app.overdue_list(sender, document_id)["units"]
    assert [row["unit_id"] for row in listed] == [str(unit_id_for("may-viettien"))]
    assert [row["id"] for row in app.overdue_dispatches(unit_id_for("bentre"))] == [
        str(document_id)
    ]
    history = await handle.fetch_history()
    assert len(history.events) < 80  # batches and two timers, not units
    if os.environ.get("EOFFICE_RECORD_HISTORIES"):  # fixtures for tests/workflow/test_replay.py
        (HISTORIES / "issue_with_deadline_3_units.json").write_text(history.to_json())


async def test_a_recall_stops_the_reminders(
    skipping: WorkflowEnvironment, runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    app = runtime.app
    document_id = await signed_document(runtime, "bentre", RECIPIENTS)
    app.request_issue(actor(runtime, "bentre.vanthu"), document_id, now_vietnam() + timedelta(9))
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            workflow_id = await start_issuance(skipping.client, document_id, QUEUE)
            handle = skipping.client.get_workflow_handle_for(
                IssueAndDispatchWorkflow.run, workflow_id
            )
            await wait_for_phase(handle, "waiting")
            app.recall(actor(runtime, "bentre.vanthu"), document_id, "Ban hành nhầm")
            assert app.notice_recall_everywhere(document_id) == 3
            assert await signal_recalled(skipping.client, document_id)
        result = await handle.result()
    assert (result.phase, result.reminded, result.overdue) == ("recalled", 0, 0)
    progress = app.dispatch_progress(actor(runtime, "bentre.vanthu"), document_id)
    assert (progress["reminded"], progress["overdue"]) == (0, 0)
    for code in RECIPIENTS:
        assert app.receipt_for(document_id, unit_id_for(code)).status == ReceiptStatus.RECALLED
    assert not await signal_recalled(skipping.client, document_id)  # finished: nothing to tell


async def test_forwarding_delivers_down_the_subtree_once(
    skipping: WorkflowEnvironment, runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    app = runtime.app
    document_id = await signed_document(runtime, "bentre", ("bentre-tp",))
    app.request_issue(actor(runtime, "bentre.vanthu"), document_id)
    below = app.tree().descendants(unit_id_for("bentre-tp"))
    assert below  # the demo tree has units under the city federation
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        await start_issuance(skipping.client, document_id, QUEUE)
        issue = skipping.client.get_workflow_handle_for(
            IssueAndDispatchWorkflow.run, f"issue-{document_id}"
        )
        assert (await issue.result()).phase == "done"  # no deadline: nothing to wait for
        clerk = actor(runtime, "bentre-tp.vanthu")
        receipt = app.receipt_for(document_id, unit_id_for("bentre-tp"))
        app.register_receipt(clerk, receipt.id, True, "hợp lệ")
        part = app.forward(clerk, receipt.id, below)
        results = []
        for _ in range(2):  # the same request twice: one workflow, nobody delivered twice
            workflow_id = await start_forwarding(
                skipping.client, document_id, part.from_unit_id, part.part, QUEUE
            )
            handle = skipping.client.get_workflow_handle_for(
                ForwardDocumentWorkflow.run, workflow_id
            )
            results.append(await handle.result())
    assert [(r.units, r.delivered) for r in results] == [(len(below), len(below))] * 2
    progress = app.dispatch_progress(actor(runtime, "bentre.vanthu"), document_id)
    assert (progress["delivered"], progress["forwarded"]) == (1, len(below))
    assert [f["unit_id"] for f in progress["forwarders"]] == [str(unit_id_for("bentre-tp"))]
    for unit in below:
        assert app.receipt_for(document_id, unit).via_unit_id == unit_id_for("bentre-tp")
