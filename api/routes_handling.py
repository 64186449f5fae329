"""JSON API: handling an incoming document after registration — direction, assignment with a
deadline, progress, completion, return to sender, destruction after a recall."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import Context, CurrentActor
from api.routes_v1 import Accepted
from documents.clock import now_vietnam

router = APIRouter(prefix="/api/v1", tags=["receipts"])


class Direction(BaseModel):
    direction: str = Field(max_length=2000)


class Assignment(BaseModel):
    handler: str = Field(description="username of the handler, in the receiving unit")
    deadline: date


class Note(BaseModel):
    note: str = Field(default="", max_length=2000)


class Reason(BaseModel):
    reason: str = Field(max_length=2000)


@router.post("/receipts/{receipt_id}/direct", response_model=Accepted)
def direct(receipt_id: UUID, body: Direction, actor: CurrentActor, context: Context) -> Accepted:
    context.services.app.direct(actor, receipt_id, body.direction)
    return Accepted(id=str(receipt_id))


@router.post("/receipts/{receipt_id}/assign", response_model=Accepted)
def assign(receipt_id: UUID, body: Assignment, actor: CurrentActor, context: Context) -> Accepted:
    context.services.app.assign(actor, receipt_id, body.handler, body.deadline)
    return Accepted(id=str(receipt_id))


@router.post("/receipts/{receipt_id}/progress", response_model=Accepted)
def progress(receipt_id: UUID, body: Note, actor: CurrentActor, context: Context) -> Accepted:
    context.services.app.report_progress(actor, receipt_id, body.note)
    return Accepted(id=str(receipt_id))


@router.post("/receipts/{receipt_id}/complete", response_model=Accepted)
def complete(receipt_id: UUID, body: Note, actor: CurrentActor, context: Context) -> Accepted:
    context.services.app.complete(actor, receipt_id, body.note)
    return Accepted(id=str(receipt_id))


@router.post("/receipts/{receipt_id}/return", response_model=Accepted)
def return_to_sender(
    receipt_id: UUID, body: Reason, actor: CurrentActor, context: Context
) -> Accepted:
    context.services.app.return_to_sender(actor, receipt_id, body.reason)
    return Accepted(id=str(receipt_id))


@router.post("/receipts/{receipt_id}/confirm-destruction", response_model=Accepted)
def confirm_destruction(receipt_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    context.services.app.confirm_destruction(actor, receipt_id)
    return Accepted(id=str(receipt_id))


@router.get("/overdue")
def overdue(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    """The unit's incoming documents past their handling deadline and not done."""
    app = context.services.app
    app.refresh_views()
    return app.views.overdue(actor.unit_id, now_vietnam().date().isoformat())
