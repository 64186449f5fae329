"""The archive pages (kho hồ sơ): the folders of the reader's scope with filters (unit, year,
status), and one folder with its documents (links to each document's history and signature
check), its export for the archive and — for the unit's clerks, as the API allows — the forms
that close it (đóng hồ sơ) and hand it to the unit's archive (nộp lưu)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.actions import in_thread, parse_unit_ref
from api.deps import Context, check_csrf
from api.errors import status_for
from api.pages import _base, page_actor, render, render_error
from documents.clock import to_vietnam
from documents.errors import DomainError, InvalidInputError
from documents.folders import FOLDER_STATUS_LABELS, FolderStatus, retention_label
from documents.outgoing import STATUS_LABELS, DocumentStatus
from documents.policy import Actor
from documents.reference import document_types

router = APIRouter(include_in_schema=False)

# What the folder page says after each of its commands (the page's ``done`` parameter).
DONE = {
    "close": (
        "Đã đóng hồ sơ. Hồ sơ không nhận thêm văn bản; hạn nộp lưu tính từ hôm nay.",
        "The folder was closed. It takes no more documents; the transfer is due one year on.",
    ),
    "transfer": (
        "Đã nộp lưu hồ sơ vào lưu trữ của đơn vị.",
        "The folder was transferred to the unit's archive.",
    ),
}


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
def folder_page(request: Request, context: Context, folder_id: UUID, done: str = "") -> Response:
    return _folder_page(request, context, folder_id, done=DONE.get(done))


def _folder_page(
    request: Request, context: Context, folder_id: UUID, status: int = 200, **values: Any
) -> Response:
    base = _base(request, context)
    app = context.services.app
    folder = app.archive_folder(base["actor"], folder_id)
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
        request,
        "archive_folder.html",
        status,
        folder=_decorate(folder),
        documents=documents,
        can=app.folder_commands(base["actor"], folder_id),
        **values,
        **base,
    )


@router.post("/archive/folders/{folder_id}/{command}")
async def folder_command(
    request: Request,
    context: Context,
    folder_id: UUID,
    command: str,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """The folder page's forms: ``close`` (đóng hồ sơ) and ``transfer`` (nộp lưu), with the
    page's CSRF token; the same use cases, and so the same policy, as the JSON API. A refusal
    shows the folder again with the reason. Transferring cannot be undone: its form carries a
    ticked confirmation (``confirm=yes``)."""
    actor = page_actor(request, context)
    check_csrf(request, context, csrf_token)
    app = context.services.app
    commands: dict[str, Callable[[Actor, UUID], None]] = {
        "close": app.close_folder,
        "transfer": app.transfer_folder,
    }
    if command not in commands:
        return render_error(request, 404, "Không có thao tác này.", "No such action.")
    try:
        if command == "transfer" and confirm != "yes":
            raise InvalidInputError(
                "Hãy đánh dấu ô xác nhận trước khi nộp lưu (nộp lưu không hoàn tác được).",
                "Tick the confirmation before transferring (a transfer cannot be undone).",
            )
        await in_thread(commands[command], actor, folder_id)
    except DomainError as error:
        return _folder_page(request, context, folder_id, status_for(error), error=error)
    return RedirectResponse(f"/archive/folders/{folder_id}?done={command}", status_code=303)
