"""JSON API: dispatch follow-up — progress of a dispatch (delivered, acknowledged, overdue, how far
forwarded copies travelled), the overdue list, and forwarding a received document down the
unit's subtree."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api import actions
from api.deps import Context, CurrentActor
from api.recipient_status import MAX_NAME, RecipientFilter, recipient_page
from api.routes_v1 import Accepted
from documents.receipts import ReceiptStatus
from documents.service.dispatch import MAX_RECIPIENTS_PER_PAGE, RECIPIENTS_PER_PAGE

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


@router.get("/documents/{document_id}/recipients")
def recipients(
    document_id: UUID,
    actor: CurrentActor,
    context: Context,
    status: Annotated[ReceiptStatus | None, Query(description="only receipts in this status")] = (
        None
    ),
    name: Annotated[
        str, Query(max_length=MAX_NAME, description="words of the unit's name or code")
    ] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_RECIPIENTS_PER_PAGE)] = RECIPIENTS_PER_PAGE,
) -> dict[str, Any]:
    """Tình trạng nơi nhận: a page of the per-recipient status in delivery order (``total``
    matching, ``pages``), filtered by status and by the unit's name with or without
    diacritics; for the issuing unit and its auditors. A page past the end is empty."""
    wanted = RecipientFilter(status=status, name=name.strip(), page=page, per_page=per_page)
    return recipient_page(context, actor, document_id, wanted)


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
