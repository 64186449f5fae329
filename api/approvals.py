"""The approval commands shared by the JSON API and the pages: submit with reviewers (starts
the ``DocumentApproval`` workflow), approve, return and withdraw (the workflow's updates), the
signed notice, and the approval's state for a reader."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from temporalio.service import RPCError

from api.context import WebContext
from documents.accounts import account_id_for
from documents.errors import DomainError
from documents.policy import Actor
from workflow.approval_messages import ApprovalCommand
from workflow.approval_starter import approval_state, ensure_approval, notify_signed, send_command

log = logging.getLogger(__name__)


def parse_account_ref(ref: str) -> UUID:
    """A person named by account id or username."""
    ref = ref.strip()
    try:
        return UUID(ref)
    except ValueError:
        return account_id_for(ref)


def reviewer_refs(refs: Sequence[str]) -> list[UUID]:
    """Reviewers in order, named by id or username (comma-separated or repeated)."""
    return [parse_account_ref(p) for ref in refs for p in ref.split(",") if p.strip()]


async def start(context: WebContext, document_id: UUID) -> None:
    """Starts the approval of a just submitted document. If Temporal cannot be reached the
    submission stands; the first command on the document starts the approval then."""
    try:
        client = await context.temporal.client()
        await ensure_approval(
            client,
            context.services.app,
            document_id,
            context.temporal.task_queue,
            context.approval_delays,
        )
    except (RPCError, RuntimeError):
        log.warning("could not start the approval of %s yet", document_id, exc_info=True)


async def submit(
    context: WebContext, actor: Actor, document_id: UUID, reviewers: Sequence[str] = ()
) -> None:
    ids = reviewer_refs(reviewers)
    await run_in_threadpool(context.services.app.submit, actor, document_id, ids)
    await start(context, document_id)


async def command(
    context: WebContext, actor: Actor, document_id: UUID, update: str, text: str = ""
) -> dict[str, Any]:
    """``approve``, ``return_for_changes`` or ``withdraw`` as the workflow's update; a refusal
    is the domain error it carries (the state is unchanged)."""
    app = context.services.app
    app.document(document_id)  # 404 for an unknown document
    client = await context.temporal.client()
    state = await send_command(
        client,
        app,
        document_id,
        context.temporal.task_queue,
        context.approval_delays,
        update,
        ApprovalCommand(str(actor.account_id), text),
    )
    return dict(state.__dict__)


async def signed(context: WebContext, actor: Actor, document_id: UUID) -> None:
    """Tells the approval the leader signed; the signature is recorded already, so a missing
    or refusing workflow is logged, not an error for the signer."""
    try:
        await notify_signed(await context.temporal.client(), document_id, actor.account_id)
    except (DomainError, RPCError, RuntimeError):
        log.warning("the approval of %s was not told of the signature", document_id)


async def state(context: WebContext, document_id: UUID) -> dict[str, Any]:
    """The approval workflow's state with the names of the people in it."""
    found = await approval_state(await context.temporal.client(), document_id)
    if found is None:
        return {"started": False}
    names = {row["id"]: row for row in context.services.app.views.accounts()}

    def person(account_id: str) -> dict[str, str] | None:
        row = names.get(account_id)
        return (
            {"id": account_id, "username": row["username"], "full_name": row["full_name"]}
            if row
            else None
        )

    body = dict(found.__dict__)
    body["started"] = True
    body["holder"] = person(found.holder_id)
    body["chain"] = [
        {**(person(r) or {"id": r}), "done": r in found.reviewers_done} for r in found.reviewers
    ]
    return body
