"""The ``DocumentApproval`` workflow on Temporal's time-skipping test server (days of waiting in
a moment) with the real worker and a real embedded office: two reviewers approve, the leader
signs and the clerk issues; a return with a comment; a refused update leaves the state as it
was; the drafter's withdrawal; a reminder and an escalation after the configured delays."""

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

from documents.errors import ConflictError, ForbiddenError, InvalidInputError
from eoffice.bootstrap import Runtime
from tests.workflow.office import actor, demo_runtime
from workflow.approval import DocumentApprovalWorkflow
from workflow.approval_messages import ApprovalCommand, ApprovalState
from workflow.approval_starter import ApprovalDelays, ensure_approval, notify_signed, send_command
from workflow.composition import DraftRequest, draft
from workflow.signing_steps import sign_as_leader
from workflow.starter import start_issuance
from workflow.worker import build_worker

HISTORIES = Path(__file__).parent / "histories"
QUEUE = "approval-test"
DELAYS = ApprovalDelays(remind_after_seconds=24 * 3600, escalate_after_seconds=3 * 24 * 3600)
REVIEWERS = ("bentre.truongphong", "bentre.phochutich")


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    runtime = demo_runtime(tmp_path_factory.mktemp("office"))
    bentre = runtime.app.account("bentre.lanhdao").unit_id
    for username, role in zip(REVIEWERS, ("drafter", "leader"), strict=True):
        runtime.app.open_account(username, f"Người duyệt {username}", bentre, [role], "", "x", None)
    return runtime


def drafted(runtime: Runtime) -> UUID:
    request = DraftRequest(
        doc_type="ke_hoach",
        subject="Kế hoạch tập huấn kỹ năng số",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[runtime.app.account("bentre-tp.vanthu").unit_id],
        signer_id=runtime.app.account("bentre.lanhdao").id,
        signer_authority=None,
        typed_body="Tổ chức tập huấn kỹ năng số cho cán bộ công đoàn cơ sở.",
        uploaded_pdf=None,
    )
    return draft(runtime.services, actor(runtime, "bentre.chuyenvien"), request)


async def submitted(
    runtime: Runtime, env: WorkflowEnvironment, reviewers: tuple[str, ...] = REVIEWERS
) -> tuple[UUID, WorkflowHandle[DocumentApprovalWorkflow, ApprovalState]]:
    document_id = drafted(runtime)
    chain = [runtime.app.account(name).id for name in reviewers]
    runtime.app.submit(actor(runtime, "bentre.chuyenvien"), document_id, chain)
    handle = await ensure_approval(env.client, runtime.app, document_id, QUEUE, DELAYS)
    assert handle is not None
    return document_id, handle


async def command(
    runtime: Runtime,
    env: WorkflowEnvironment,
    document_id: UUID,
    update: str,
    who: str,
    text: str = "",
) -> ApprovalState:
    actor_id = str(runtime.app.account(who).id)
    return await send_command(
        env.client,
        runtime.app,
        document_id,
        QUEUE,
        DELAYS,
        update,
        ApprovalCommand(actor_id, text),
    )


def events(runtime: Runtime, document_id: UUID) -> list[str]:
    runtime.app.refresh_views()
    return [e.event.split(".")[1] for e in runtime.app.views.history(document_id)]


async def test_two_reviewers_approve_the_leader_signs_and_the_clerk_issues(
    skipping: WorkflowEnvironment, runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    app = runtime.app
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            document_id, handle = await submitted(runtime, skipping)
            again = await ensure_approval(skipping.client, app, document_id, QUEUE, DELAYS)
            assert again is not None and again.result_run_id == handle.result_run_id  # one run
            first = await command(runtime, skipping, document_id, "approve", REVIEWERS[0], "Ổn")
            assert (first.step, first.holder_id) == ("review", str(app.account(REVIEWERS[1]).id))
            second = await command(runtime, skipping, document_id, "approve", REVIEWERS[1])
            leader = app.account("bentre.lanhdao")
            assert (second.step, second.holder_id) == ("sign", str(leader.id))
            assert second.reviewers_done == second.reviewers and second.reviewers_pending == []
            await asyncio.to_thread(  # pyHanko runs its own event loop
                sign_as_leader, runtime.services, actor(runtime, "bentre.lanhdao"), document_id
            )
            await notify_signed(skipping.client, document_id, leader.id)
        result = await handle.result()
        assert (result.step, result.finished) == ("signed", True)
        app.request_issue(actor(runtime, "bentre.vanthu"), document_id)
        issue = await start_issuance(skipping.client, document_id, QUEUE)
        await skipping.client.get_workflow_handle(issue).result()
    assert events(runtime, document_id)[:5] == [
        "Drafted",
        "Submitted",
        "ReviewApproved",
        "ReviewApproved",
        "ApprovedAndSigned",
    ]
    assert app.document(document_id).status == "dispatched"
    history = await handle.fetch_history()
    assert len(history.events) < 60
    if os.environ.get("EOFFICE_RECORD_HISTORIES"):  # fixtures for tests/workflow/test_replay.py
        (HISTORIES / "approval_two_reviewers.json").write_text(history.to_json())


async def test_a_refused_update_leaves_the_state_as_it_was_and_a_return_ends_the_run(
    skipping: WorkflowEnvironment, runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    app = runtime.app
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            document_id, handle = await submitted(runtime, skipping)
            before = await handle.query(DocumentApprovalWorkflow.state)
            with pytest.raises(ForbiddenError, match="chỉ người đang giữ bước"):
                await command(runtime, skipping, document_id, "approve", REVIEWERS[1])
            with pytest.raises(ConflictError, match="không ở bước này"):
                await notify_signed(skipping.client, document_id, app.account("bentre.lanhdao").id)
            with pytest.raises(ForbiddenError, match="người soạn"):
                await command(runtime, skipping, document_id, "withdraw", REVIEWERS[0], "Thôi")
            with pytest.raises(InvalidInputError, match="ý kiến"):
                await command(runtime, skipping, document_id, "return_for_changes", REVIEWERS[0])
            assert await handle.query(DocumentApprovalWorkflow.state) == before
            assert events(runtime, document_id) == ["Drafted", "Submitted"]
            returned = await command(
                runtime,
                skipping,
                document_id,
                "return_for_changes",
                REVIEWERS[0],
                "Bổ sung kinh phí tập huấn",
            )
        assert returned.step == "returned" and (await handle.result()).finished
        assert app.document(document_id).status == "returned"
        assert app.views.history(document_id)[-1].detail == {"comment": "Bổ sung kinh phí tập huấn"}
        with pytest.raises(ConflictError, match="không ở trạng thái đang trình"):
            await command(runtime, skipping, document_id, "approve", REVIEWERS[0])
        # resubmitted without reviewers: a new run, straight to the signer
        with skipping.auto_time_skipping_disabled():
            app.submit(actor(runtime, "bentre.chuyenvien"), document_id)
            again = await ensure_approval(skipping.client, app, document_id, QUEUE, DELAYS)
            assert again is not None
            state = await again.query(DocumentApprovalWorkflow.state)
            assert (state.submission, state.step) == (2, "sign")
            await command(runtime, skipping, document_id, "withdraw", "bentre.chuyenvien", "Hoãn")


async def test_the_drafter_withdraws_a_submitted_draft(
    skipping: WorkflowEnvironment, runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    app = runtime.app
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            document_id, handle = await submitted(runtime, skipping)
            with pytest.raises(InvalidInputError, match="lý do"):
                await command(runtime, skipping, document_id, "withdraw", "bentre.chuyenvien")
            state = await command(
                runtime, skipping, document_id, "withdraw", "bentre.chuyenvien", "Đổi nơi nhận"
            )
        assert state.step == "withdrawn"
        assert (await handle.result()).step == "withdrawn"
    assert app.document(document_id).status == "draft"
    assert events(runtime, document_id)[-1] == "Withdrawn"


async def wait_for(
    handle: WorkflowHandle[DocumentApprovalWorkflow, ApprovalState], done: str
) -> ApprovalState:
    for _ in range(200):
        state = await handle.query(DocumentApprovalWorkflow.state)
        if (done == "reminded" and state.reminded) or (done == "escalated" and state.escalated_to):
            return state
        await asyncio.sleep(0.05)
    raise AssertionError(f"never {done}")


async def test_a_reminder_then_an_escalation_after_the_delays_restarting_when_the_step_moves(
    skipping: WorkflowEnvironment, runtime: Runtime, executor: ThreadPoolExecutor
) -> None:
    app = runtime.app
    leader = str(app.account("bentre.lanhdao").id)
    async with build_worker(skipping.client, runtime.services, QUEUE, executor):
        with skipping.auto_time_skipping_disabled():
            document_id, handle = await submitted(runtime, skipping)
            start = await handle.query(DocumentApprovalWorkflow.state)
            assert not start.reminded
            await skipping.sleep(timedelta(hours=20))  # not yet
            assert events(runtime, document_id) == ["Drafted", "Submitted"]
            await skipping.sleep(timedelta(hours=5))
            reminded = await wait_for(handle, "reminded")
            assert reminded.escalated_to == ""
            await skipping.sleep(timedelta(days=2))
            escalated = await wait_for(handle, "escalated")
            assert escalated.escalated_to == leader  # the signer, the unit's leader
            assert events(runtime, document_id)[-2:] == ["ReminderSent", "Escalated"]
            holder = str(app.account(REVIEWERS[0]).id)
            assert app.views.history(document_id)[-2].detail["holder_id"] == holder
            assert [d["id"] for d in app.views.documents_escalated_to(UUID(leader))] == [
                str(document_id)
            ]
            moved = await command(runtime, skipping, document_id, "approve", REVIEWERS[0])
            assert (moved.reminded, moved.escalated_to) == (False, "")  # timers restart
            assert moved.remind_at > escalated.remind_at
            await skipping.sleep(timedelta(hours=25))
            await wait_for(handle, "reminded")
            await command(runtime, skipping, document_id, "withdraw", "bentre.chuyenvien", "Hoãn")
        await handle.result()
    if os.environ.get("EOFFICE_RECORD_HISTORIES"):
        history = await handle.fetch_history()
        (HISTORIES / "approval_reminded_escalated_withdrawn.json").write_text(history.to_json())
    assert events(runtime, document_id).count("ReminderSent") == 2
    assert events(runtime, document_id).count("Escalated") == 1
