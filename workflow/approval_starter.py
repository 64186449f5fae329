"""The web side of ``DocumentApproval``: start it for a submitted document (once per
submission), send a person's command as an update, read its state. A refusal by a validator or
by the domain comes back as the same ``DomainError`` (403, 409 or 422 in the API)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from documents.application import OfficeApplication
from documents.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from documents.outgoing import DocumentStatus
from workflow.approval import DocumentApprovalWorkflow
from workflow.approval_messages import (
    DAY,
    ApprovalCommand,
    ApprovalRequest,
    ApprovalState,
    approval_workflow_id,
)

REFUSALS: dict[str, type[DomainError]] = {
    "ForbiddenError": ForbiddenError,
    "ConflictError": ConflictError,
    "InvalidInputError": InvalidInputError,
    "NotFoundError": NotFoundError,
}
UPDATES = {
    "approve": DocumentApprovalWorkflow.approve,
    "return_for_changes": DocumentApprovalWorkflow.return_for_changes,
    "withdraw": DocumentApprovalWorkflow.withdraw,
}


@dataclass(frozen=True)
class ApprovalDelays:
    """``EOFFICE_APPROVAL_REMIND_AFTER_SECONDS`` and ``…_ESCALATE_AFTER_SECONDS``."""

    remind_after_seconds: int = DAY
    escalate_after_seconds: int = 3 * DAY


def approval_request(
    app: OfficeApplication, document_id: UUID, delays: ApprovalDelays
) -> ApprovalRequest | None:
    """The chain of a submitted document as the event store has it; None if not submitted."""
    document = app.document(document_id)
    if document.status != DocumentStatus.SUBMITTED:
        return None
    return ApprovalRequest(
        document_id=str(document_id),
        submission=document.submissions,
        drafter_id=str(document.drafted_by),
        signer_id=str(document.signer_id),
        reviewers=[str(r) for r in document.reviewers],
        reviews_done=document.reviews_done,
        remind_after_seconds=delays.remind_after_seconds,
        escalate_after_seconds=delays.escalate_after_seconds,
    )


async def ensure_approval(
    client: Client,
    app: OfficeApplication,
    document_id: UUID,
    task_queue: str,
    delays: ApprovalDelays,
) -> WorkflowHandle[DocumentApprovalWorkflow, ApprovalState] | None:
    """The running approval of the document's current submission, started if there is none
    (at submit, or later if Temporal was down then). A retried start joins the running one; a
    run left from an earlier submission is replaced. None if the document is not submitted."""
    request = approval_request(app, document_id, delays)
    if request is None:
        return None
    workflow_id = approval_workflow_id(str(document_id))
    handle = await client.start_workflow(
        DocumentApprovalWorkflow.run,
        request,
        id=workflow_id,
        task_queue=task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    state = await handle.query(DocumentApprovalWorkflow.state)
    if state.submission == request.submission:
        return handle
    return await client.start_workflow(  # a stale run of an earlier submission
        DocumentApprovalWorkflow.run,
        request,
        id=workflow_id,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.TERMINATE_EXISTING,
    )


async def send_command(
    client: Client,
    app: OfficeApplication,
    document_id: UUID,
    task_queue: str,
    delays: ApprovalDelays,
    update: str,
    command: ApprovalCommand,
) -> ApprovalState:
    """One person's command (``approve``, ``return_for_changes``, ``withdraw``)."""
    handle = await ensure_approval(client, app, document_id, task_queue, delays)
    if handle is None:
        raise ConflictError(
            "Văn bản không ở trạng thái đang trình duyệt.", "The document is not submitted."
        )
    try:
        return await handle.execute_update(UPDATES[update], command)
    except WorkflowUpdateFailedError as failure:
        raise domain_error(failure.cause) from failure


async def notify_signed(client: Client, document_id: UUID, signer_id: UUID) -> ApprovalState:
    """Tells the approval that the signer signed (the signature is already in the event
    store); the workflow checks it there and ends."""
    handle = client.get_workflow_handle_for(
        DocumentApprovalWorkflow.run, approval_workflow_id(str(document_id))
    )
    try:
        return await handle.execute_update(
            DocumentApprovalWorkflow.signed, ApprovalCommand(str(signer_id))
        )
    except WorkflowUpdateFailedError as failure:
        raise domain_error(failure.cause) from failure


def domain_error(cause: BaseException | None) -> DomainError:
    if isinstance(cause, ApplicationError):
        english = str(cause.details[0]) if cause.details else cause.message
        return REFUSALS.get(cause.type or "", ConflictError)(cause.message, english)
    return ConflictError(
        "Không thực hiện được thao tác, hãy thử lại.", f"The command failed: {cause}"
    )


async def approval_state(client: Client, document_id: UUID) -> ApprovalState | None:
    """The approval's ``state`` query (the result once it ended); None if there is none."""
    handle = client.get_workflow_handle_for(
        DocumentApprovalWorkflow.run, approval_workflow_id(str(document_id))
    )
    try:
        description = await handle.describe()
        if description.status == WorkflowExecutionStatus.COMPLETED:
            result: ApprovalState = await handle.result()
            return result
        return await handle.query(DocumentApprovalWorkflow.state)
    except RPCError:
        return None
