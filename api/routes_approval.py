"""JSON API of a document's approval (duyệt văn bản): a reviewer approves, the drafter
withdraws, anyone who may read the document reads the approval's state. Submitting with
reviewers is ``POST …/submit``; returning with a comment ``POST …/return``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import actions, approvals
from api.deps import Context, CurrentActor
from api.routes_v1 import Accepted

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])


class Approval(BaseModel):
    comment: str = Field(default="", max_length=2000)


class Withdrawal(BaseModel):
    reason: str = Field(max_length=2000)


@router.post("/{document_id}/approve", response_model=Accepted)
async def approve(
    document_id: UUID, actor: CurrentActor, context: Context, body: Approval | None = None
) -> Accepted:
    """The reviewer whose turn it is agrees (optional comment); the step passes to the next
    reviewer or to the signer. Anyone else: 403; not at a review step: 409."""
    comment = body.comment if body else ""
    await approvals.command(context, actor, document_id, "approve", comment)
    return Accepted(id=str(document_id))


@router.post("/{document_id}/withdraw", response_model=Accepted)
async def withdraw(
    document_id: UUID, body: Withdrawal, actor: CurrentActor, context: Context
) -> Accepted:
    """Rút lại: the drafter takes a submitted, unsigned document back to draft, with a reason."""
    await approvals.command(context, actor, document_id, "withdraw", body.reason)
    return Accepted(id=str(document_id))


@router.get("/{document_id}/approval")
async def approval(document_id: UUID, actor: CurrentActor, context: Context) -> dict[str, Any]:
    """The approval workflow's state: step (``review``, ``sign``, then ``signed``,
    ``returned``, ``withdrawn``), holder, reviewers done and pending, reminder and escalation
    times; ``{"started": false}`` if the document was never submitted."""
    actions.authorize_view(context, actor, document_id)
    return await approvals.state(context, document_id)
