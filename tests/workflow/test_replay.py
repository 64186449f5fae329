"""Recorded histories must replay on today's workflow code: a change that breaks determinism for
workflows already running in production fails here (record new histories with
``python -m tests.workflow.record_histories`` and
``EOFFICE_RECORD_HISTORIES=1 pytest tests/workflow/test_report_round.py
tests/workflow/test_approval.py``, ``tests/workflow/test_deadlines.py`` or
``tests/workflow/test_remote_signing.py`` after a compatible
change; keep the old ones)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflow.approval import DocumentApprovalWorkflow
from workflow.forwarding import ForwardDocumentWorkflow
from workflow.issuance import IssueAndDispatchWorkflow
from workflow.remote_signing import RemoteSigningWorkflow
from workflow.report_round import ReportRoundWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_there_are_recorded_histories() -> None:
    assert {path.stem for path in HISTORIES} >= {
        "issue_and_dispatch_3_units",
        "issue_refused_seal",
        "issue_with_deadline_3_units",
        "report_round_4_units",
        "approval_two_reviewers",
        "approval_reminded_escalated_withdrawn",
        "remote_signing_confirmed",
        "remote_signing_timed_out",
    }


@pytest.mark.parametrize("path", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_a_recorded_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(f"replay-{path.stem}", json.loads(path.read_text()))
    replayer = Replayer(
        workflows=[
            IssueAndDispatchWorkflow,
            ReportRoundWorkflow,
            DocumentApprovalWorkflow,
            ForwardDocumentWorkflow,
            RemoteSigningWorkflow,
        ]
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


async def test_a_changed_workflow_fails_the_replay() -> None:
    """The check can fail: a workflow that schedules a different first activity does not replay."""
    from tests.workflow.changed_workflow import ChangedIssueAndDispatch

    path = next(p for p in HISTORIES if p.stem == "issue_and_dispatch_3_units")
    history = WorkflowHistory.from_json("replay-changed", json.loads(path.read_text()))
    result = await Replayer(workflows=[ChangedIssueAndDispatch]).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert result.replay_failure is not None


async def test_a_changed_approval_workflow_fails_the_replay() -> None:
    """An approval that records a reviewer's decision with another activity does not replay."""
    from tests.workflow.changed_workflow import ChangedDocumentApproval

    path = next(p for p in HISTORIES if p.stem == "approval_two_reviewers")
    history = WorkflowHistory.from_json("replay-changed-approval", json.loads(path.read_text()))
    result = await Replayer(workflows=[ChangedDocumentApproval]).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert result.replay_failure is not None


async def test_a_changed_remote_signing_workflow_fails_the_replay() -> None:
    """A remote signing that no longer waits for the confirmation does not replay."""
    from tests.workflow.changed_workflow import ChangedRemoteSigning

    path = next(p for p in HISTORIES if p.stem == "remote_signing_confirmed")
    history = WorkflowHistory.from_json("replay-changed-remote", json.loads(path.read_text()))
    result = await Replayer(workflows=[ChangedRemoteSigning]).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
