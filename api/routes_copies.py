"""The JSON API of the incoming stamp's file (dấu đến) and of electronic copies (bản sao điện
tử): make a copy of a document the unit issued or received (the same document id either way),
list the unit's copies, download a copy or the stamped incoming file."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api import actions
from api.deps import Context, CurrentActor
from api.routes_v1 import PDF_FILE
from documents.access import AccessKind
from documents.copies import DocumentCopy
from documents.errors import NotFoundError
from documents.policy import Action
from workflow.copying import make_document_copy

router = APIRouter(prefix="/api/v1")


class CopyRequest(BaseModel):
    form: str = Field(description="sao_y, sao_luc or trich_sao", max_length=32)
    pages: list[int] | None = Field(
        default=None, max_length=500, description="TRÍCH SAO only: page numbers, from 1"
    )


def copy_row(copy: DocumentCopy | dict[str, Any]) -> dict[str, Any]:
    data = copy if isinstance(copy, dict) else {**copy.__dict__, "id": copy.id}
    copied_at = data["copied_at"]
    return {
        "id": str(data["id"]),
        "document_id": str(data["document_id"]),
        "form": data["form"],
        "pages": data["pages"],
        "number_symbol": data["number_symbol"],
        "sha256": data["sha256"],
        "copied_at": copied_at if isinstance(copied_at, str) else copied_at.isoformat(),
        "file": f"/api/v1/copies/{data['id']}/file",
    }


def _pdf(data: bytes, name: str) -> Response:
    filename = quote(name.replace("/", "-") + ".pdf")
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{filename}"},
    )


@router.post("/documents/{document_id}/copies", status_code=201, tags=["copies"])
async def create_copy(
    document_id: UUID, body: CopyRequest, actor: CurrentActor, context: Context
) -> dict[str, Any]:
    """Bản sao điện tử: SAO Y, SAO LỤC or TRÍCH SAO of a document the clerk's unit issued or
    registered as incoming, signed by the unit alone."""
    copy = await actions.in_thread(
        make_document_copy, context.services, actor, document_id, body.form, body.pages
    )
    return copy_row(copy)


@router.get("/documents/{document_id}/copies", tags=["copies"])
def list_copies(document_id: UUID, actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    """The copies the reader's unit made of the document."""
    actions.authorize_view(context, actor, document_id)
    return [copy_row(row) for row in context.services.app.copies_of(actor, document_id)]


@router.get(
    "/copies/{copy_id}/file", tags=["copies"], response_class=Response, responses={200: PDF_FILE}
)
def copy_file(copy_id: UUID, actor: CurrentActor, context: Context) -> Response:
    app = context.services.app
    copy = app.document_copy(actor, copy_id)
    app.record_access(actor, copy.document_id, AccessKind.DOWNLOAD)
    return _pdf(app.blobs.get(copy.sha256), f"ban-sao-{copy.number_symbol}")


@router.get(
    "/receipts/{receipt_id}/stamped-file",
    tags=["receipts"],
    response_class=Response,
    responses={200: PDF_FILE},
)
def stamped_file(receipt_id: UUID, actor: CurrentActor, context: Context) -> Response:
    """The incoming document with the receiving unit's incoming stamp (dấu đến); the file as it
    arrived stays at ``/api/v1/documents/{id}/file``."""
    app = context.services.app
    receipt = app.receipt(receipt_id)
    app.authorize_receipt(actor, receipt, Action.VIEW)
    if receipt.stamped_sha256 is None:
        raise NotFoundError(
            "Văn bản đến này chưa có bản đóng dấu đến.",
            "This incoming document has no stamped copy.",
        )
    app.record_access(actor, receipt.document_id, AccessKind.DOWNLOAD)
    return _pdf(app.blobs.get(receipt.stamped_sha256), f"den-{receipt.arrival_number}")
