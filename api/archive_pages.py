"""The archive pages (kho hồ sơ): the folders of the reader's scope with filters (unit, year,
status), and one folder with its documents (links to each document's history and signature
check) and its export for the archive."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.actions import parse_unit_ref
from api.deps import Context
from api.errors import status_for
from api.pages import _base, render
from documents.clock import to_vietnam
from documents.errors import DomainError, InvalidInputError
from documents.folders import FOLDER_STATUS_LABELS, FolderStatus, retention_label
from documents.outgoing import STATUS_LABELS, DocumentStatus
from documents.reference import document_types

router = APIRouter(include_in_schema=False)


def _year(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit() or not 1945 <= int(text) <= 2200:
        raise InvalidInputError("Năm phải từ 1945 đến 2200.", "The year must be 1945 to 2200.")
    return int(text)


def _status(text: str) -> str | None:
    if not text:
        return None
    if text not in set(FolderStatus):
        raise InvalidInputError("Trạng thái hồ sơ không hợp lệ.", "Unknown file folder status.")
    return text


def _day(value: str | None) -> str:
    return to_vietnam(datetime.fromisoformat(value)).strftime("%d/%m/%Y") if value else ""


def _decorate(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "status_label": FOLDER_STATUS_LABELS[FolderStatus(row["status"])],
        "retention_label": retention_label(row["retention_years"]),
        "closed_day": _day(row["closed_at"]),
        "due_day": datetime.fromisoformat(row["transfer_due"]).strftime("%d/%m/%Y")
        if row["transfer_due"]
        else "",
    }


@router.get("/archive")
def archive_page(
    request: Request, context: Context, unit: str = "", year: str = "", status: str = ""
) -> Response:
    base = _base(request, context)
    filters = {"unit": unit, "year": year, "status": status}
    rows: list[dict[str, Any]] = []
    error: DomainError | None = None
    try:
        rows = context.services.app.archive_folders(
            base["actor"],
            unit_id=parse_unit_ref(unit) if unit.strip() else None,
            year=_year(year),
            status=_status(status),
        )
    except DomainError as failure:
        error = failure
    statuses = [(s.value, FOLDER_STATUS_LABELS[s]) for s in FolderStatus]
    return render(
        request,
        "archive.html",
        status_for(error) if error else 200,
        rows=[_decorate(row) for row in rows],
        error=error,
        filters=filters,
        statuses=statuses,
        **base,
    )


@router.get("/archive/folders/{folder_id}")
def folder_page(request: Request, context: Context, folder_id: UUID) -> Response:
    base = _base(request, context)
    folder = context.services.app.archive_folder(base["actor"], folder_id)
    types = document_types()
    documents = [
        {
            **row,
            "type_name": types[row["doc_type"]].name if row["doc_type"] in types else "",
            "issued_day": _day(row["issued_at"]),
            "status_label": STATUS_LABELS[DocumentStatus(row["status"])],
        }
        for row in folder.pop("document_rows")
    ]
    return render(
        request, "archive_folder.html", folder=_decorate(folder), documents=documents, **base
    )
