"""JSON API: dispatch follow-up — progress of a dispatch (delivered, acknowledged, overdue, how far
forwarded copies travelled), the overdue list, and forwarding a received document down the
unit's subtree."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import actions
from api.deps import Context, CurrentActor
from api.routes_v1 import Accepted

router = APIRouter(prefix="/api/v1", tags=["dispatch"])


class Forwarding(BaseModel):
    units: list[str] = Field(
        default_factory=list,
        max_length=10_000,
        description="units below yours by id or code, or children:<unit> / subtree:<unit>",
    )
    level: str | None = Field(
        default=None, description="every unit at this level below yours (e.g. grassroots)"
    )


class Forwarded(Accepted):
    units: int


@router.get("/documents/{document_id}/progress")
def progress(document_id: UUID, actor: CurrentActor, context: Context) -> dict[str, Any]:
    """Delivered / acknowledged / overdue of the issuer's recipients out of ``total``, whether
    the dispatch still runs, and forwarded copies per level and per forwarding unit. Counts kept
    by the read model: cheap at 126,000 recipients, for a progress bar to poll."""
    return context.services.app.dispatch_progress(actor, document_id)


@router.get("/documents/{document_id}/overdue")
def overdue(document_id: UUID, actor: CurrentActor, context: Context) -> dict[str, Any]:
    """The units listed overdue after the response deadline (the first 500), with their
    status now, and how many there are."""
    return context.services.app.overdue_list(actor, document_id)


@router.post("/receipts/{receipt_id}/forward", status_code=202, response_model=Forwarded)
async def forward(
    receipt_id: UUID, body: Forwarding, actor: CurrentActor, context: Context
) -> Forwarded:
    """Chuyển tiếp: the receiving unit's clerk passes the document to units below it; a
    workflow delivers it, skipping units that have it already."""
    workflow_id, count = await actions.forward(context, actor, receipt_id, body.units, body.level)
    return Forwarded(id=str(receipt_id), workflow_id=workflow_id, units=count)
