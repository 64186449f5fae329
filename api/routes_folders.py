"""JSON API: the unit's file folders (hồ sơ), the archive of a subtree's folders, a folder's
export for the archive (ZIP) and its transfer to the unit's archive (nộp lưu)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import Context, CurrentActor
from api.presenters import EVENT_LABELS
from api.routes_v1 import Accepted, Created
from documents.clock import now_vietnam
from documents.folders import FolderStatus
from workflow.archive_export import export_folder

router = APIRouter(prefix="/api/v1/folders", tags=["folders"])
archive_router = APIRouter(prefix="/api/v1/archive", tags=["folders"])


class NewFolder(BaseModel):
    year: int = Field(ge=1945, le=2200)
    code: str = Field(max_length=64)
    title: str = Field(max_length=500)
    retention_years: int | None = Field(
        default=None, description="years to keep; empty = permanent (vĩnh viễn)"
    )


@router.get("")
def folders(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    app = context.services.app
    app.refresh_views()
    return app.views.folders(actor.unit_id)


@router.post("", status_code=201, response_model=Created)
def open_folder(body: NewFolder, actor: CurrentActor, context: Context) -> Created:
    folder_id = context.services.app.open_folder(
        actor, body.year, body.code, body.title, body.retention_years
    )
    return Created(id=str(folder_id))


@router.get("/{folder_id}")
def folder(folder_id: UUID, actor: CurrentActor, context: Context) -> dict[str, Any]:
    """A folder of the reader's archive scope, with its documents (``documents``)."""
    found = context.services.app.archive_folder(actor, folder_id)
    rows = found.pop("document_rows")
    found["documents"] = [
        {
            key: row[key]
            for key in ("id", "number_symbol", "doc_type", "subject", "status", "issued_at")
        }
        for row in rows
    ]
    return found


ZIP_FILE = {
    "description": "ZIP: văn bản đã ký, kết quả kiểm tra chữ ký, lịch sử, bản kê / signed PDFs, "
    "validation reports, histories, manifest (JSON, CSV, XML) and verify_manifest.py",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get("/{folder_id}/export.zip", response_class=StreamingResponse, responses={200: ZIP_FILE})
async def export(folder_id: UUID, actor: CurrentActor, context: Context) -> StreamingResponse:
    """The whole folder for the archive, written while it is sent. Auditors of the folder's
    unit or above, and the unit's clerks and leaders; each document's access history records
    the export."""
    found = await run_in_threadpool(export_folder, context.services, actor, folder_id, EVENT_LABELS)
    return StreamingResponse(
        found.chunks,
        media_type="application/zip",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}"},
    )


@router.post("/{folder_id}/close", response_model=Accepted)
def close_folder(folder_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    context.services.app.close_folder(actor, folder_id)
    return Accepted(id=str(folder_id))


@router.post("/{folder_id}/transfer", response_model=Accepted)
def transfer_folder(folder_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    """The clerk hands the closed folder to the unit's archive (nộp lưu)."""
    context.services.app.transfer_folder(actor, folder_id)
    return Accepted(id=str(folder_id))


@archive_router.get("/folders")
def archive_folders(
    actor: CurrentActor,
    context: Context,
    unit: UUID | None = None,
    year: int | None = Query(default=None, ge=1945, le=2200),
    status: FolderStatus | None = None,
) -> list[dict[str, Any]]:
    """Folders of the reader's scope: an auditor's subtree, a clerk's or leader's own unit."""
    return context.services.app.archive_folders(actor, unit, year, status.value if status else None)


@archive_router.get("/transfer-due")
def transfer_due(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    """The clerk's folders due for transfer to the archive within 30 days, or overdue."""
    return context.services.app.folders_due_for_transfer(actor, now_vietnam().date())
