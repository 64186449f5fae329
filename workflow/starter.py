"""Starting and querying workflows from the web side."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from uuid import UUID

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from workflow.forwarding import ForwardDocumentWorkflow
from workflow.issuance import IssueAndDispatchWorkflow
from workflow.messages import (
    DispatchProgress,
    ForwardRequest,
    IssueRequest,
    forwarding_workflow_id,
    issuance_workflow_id,
)


async def start_issuance(client: Client, document_id: UUID, task_queue: str) -> str:
    """Starts ``IssueAndDispatch`` for the document. A start while one runs (or after one
    succeeded) is a no-op; after a failed issue (see ``IssueFailed``) a new run starts."""
    workflow_id = issuance_workflow_id(str(document_id))
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            IssueAndDispatchWorkflow.run,
            IssueRequest(document_id=str(document_id)),
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        )
    return workflow_id


async def issuance_progress(client: Client, document_id: UUID) -> DispatchProgress | None:
    handle = client.get_workflow_handle_for(
        IssueAndDispatchWorkflow.run, issuance_workflow_id(str(document_id))
    )
    try:
        description = await handle.describe()
        if description.status == WorkflowExecutionStatus.COMPLETED:
            result: DispatchProgress = await handle.result()
            return result
        return await handle.query(IssueAndDispatchWorkflow.progress)
    except RPCError:
        return None


async def signal_recalled(client: Client, document_id: UUID) -> bool:
    """Tells a running ``IssueAndDispatch`` that its document was recalled (stops delivery
    batches, reminders and the overdue list). False if none runs (finished, or never started)."""
    handle = client.get_workflow_handle_for(
        IssueAndDispatchWorkflow.run, issuance_workflow_id(str(document_id))
    )
    try:
        await handle.signal(IssueAndDispatchWorkflow.recalled)
    except RPCError:
        return False
    return True


async def tell_recalled(connect: Callable[[], Awaitable[Client]], document_id: UUID) -> bool:
    """``signal_recalled`` when Temporal is reachable. The recall is already stored either way,
    and the follow-up activity refuses to chase a recalled document: the signal only ends the
    wait sooner."""
    try:
        client = await connect()
    except RuntimeError:
        return False
    return await signal_recalled(client, document_id)


async def start_forwarding(
    client: Client, document_id: UUID, from_unit_id: UUID, part: int, task_queue: str
) -> str:
    """Starts ``ForwardDocument`` for one forwarding request; a repeated start is a no-op."""
    workflow_id = forwarding_workflow_id(str(document_id), str(from_unit_id), part)
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            ForwardDocumentWorkflow.run,
            ForwardRequest(str(document_id), str(from_unit_id), part),
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        )
    return workflow_id
