"""JSON API: the later steps of an outgoing document — return, revise, recall, replace, file —
and its access history."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, Field

from api import actions, approvals
from api.deps import Context, CurrentActor
from api.routes_v1 import Accepted
from workflow.composition import revise

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])


class Comment(BaseModel):
    comment: str = Field(max_length=2000)


class Reason(BaseModel):
    reason: str = Field(max_length=2000)


class Replacement(BaseModel):
    replacement_id: UUID


class Filing(BaseModel):
    folder_id: UUID


@router.post("/{document_id}/return", response_model=Accepted)
async def return_for_revision(
    document_id: UUID, body: Comment, actor: CurrentActor, context: Context
) -> Accepted:
    """Trả lại with a comment, through the approval workflow: by the reviewer whose turn it is,
    or at the signing step by a leader of the issuing unit."""
    await approvals.command(context, actor, document_id, "return_for_changes", body.comment)
    return Accepted(id=str(document_id))


@router.post("/{document_id}/revise", response_model=Accepted)
async def revise_draft(
    document_id: UUID,
    actor: CurrentActor,
    context: Context,
    body_text: Annotated[str | None, Form()] = None,
    file: Annotated[UploadFile | None, File()] = None,
) -> Accepted:
    pdf = await actions.read_upload(context, file)
    typed = body_text if body_text and body_text.strip() and pdf is None else None
    await actions.in_thread(revise, context.services, actor, document_id, typed, pdf)
    return Accepted(id=str(document_id))


@router.post("/{document_id}/recall", response_model=Accepted)
async def recall(
    document_id: UUID, body: Reason, actor: CurrentActor, context: Context
) -> Accepted:
    """Thu hồi: the document is withdrawn and every copy frozen, forwarded ones too; pending
    reminders of its response deadline stop."""
    await actions.recall(context, actor, document_id, body.reason)
    return Accepted(id=str(document_id))


@router.post("/{document_id}/replace", response_model=Accepted)
def replace(
    document_id: UUID, body: Replacement, actor: CurrentActor, context: Context
) -> Accepted:
    """``document_id`` is replaced by the newer ``replacement_id``."""
    context.services.app.replace_document(actor, document_id, body.replacement_id)
    return Accepted(id=str(document_id))


@router.post("/{document_id}/file", response_model=Accepted)
def file_document(
    document_id: UUID, body: Filing, actor: CurrentActor, context: Context
) -> Accepted:
    context.services.app.file_document(actor, document_id, body.folder_id)
    return Accepted(id=str(document_id))


@router.get("/{document_id}/access-log")
def access_log(document_id: UUID, actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    """Who viewed or downloaded the document, when, from which unit (auditors only)."""
    return context.services.app.access_log(actor, document_id)
