"""Remote signatures (ký từ xa) run off the request: the service waits for the leader to confirm
on their phone, which may take minutes, so the sign request checks what can be refused at
once (4xx), starts the Temporal workflow ``RemoteSigning`` and answers; the page and API
clients read its state with the workflow's query. Any web process — also one started after the
request — therefore shows the same state; with no workflow for the document, the event store
says whether it is signed."""

from __future__ import annotations

from uuid import UUID

from starlette.concurrency import run_in_threadpool
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.context import WebContext
from documents.errors import ConflictError
from documents.policy import Actor
from signing.signers import SignerKind
from workflow.remote_signing import RemoteSigningWorkflow
from workflow.remote_signing_messages import (
    SIGNED_EN,
    SIGNED_VI,
    RemoteSigningRequest,
    RemoteSigningState,
    remote_signing_workflow_id,
)
from workflow.signing_steps import check_can_sign_with

__all__ = ["start", "state"]


async def start(context: WebContext, actor: Actor, document_id: UUID) -> None:
    """Checks the policy and the person's remote signer now, then starts the workflow; a
    document already waiting for a confirmation is a conflict (409)."""
    services = context.services
    await run_in_threadpool(check_can_sign_with, services, actor, document_id, SignerKind.REMOTE)
    client = await context.temporal.client()
    try:
        await client.start_workflow(
            RemoteSigningWorkflow.run,
            RemoteSigningRequest(str(document_id), str(actor.account_id)),
            id=remote_signing_workflow_id(str(document_id)),
            task_queue=context.temporal.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        raise ConflictError(
            "Văn bản đang chờ người ký xác nhận trên điện thoại.",
            "This document is already waiting for the signer's confirmation.",
        ) from None


async def state(context: WebContext, document_id: UUID) -> RemoteSigningState:
    """The latest attempt's state (the workflow's query, also once it ended); with none, what
    the document says."""
    client = await context.temporal.client()
    handle = client.get_workflow_handle_for(
        RemoteSigningWorkflow.run, remote_signing_workflow_id(str(document_id))
    )
    try:
        return await handle.query(RemoteSigningWorkflow.state)
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
    document = await run_in_threadpool(context.services.app.document, document_id)
    if document.signed_sha256 is not None:
        return RemoteSigningState("signed", SIGNED_VI, SIGNED_EN)
    return RemoteSigningState("none", "Chưa có yêu cầu ký từ xa.", "No remote signing requested.")
