"""The JSON API under ``/api/v1``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api import actions, presenters
from api.deps import Context, CurrentActor
from api.errors import wrong_credentials
from api.forms import DraftFormData
from api.passwords import verify_password
from documents.access import AccessKind
from documents.errors import NotFoundError
from documents.reference import document_types
from workflow.signing_steps import verify_file
from workflow.starter import issuance_progress

router = APIRouter(prefix="/api/v1")


class TokenRequest(BaseModel):
    username: str
    password: str


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Created(BaseModel):
    id: str


class Accepted(BaseModel):
    id: str
    workflow_id: str | None = None


def sign_in(context: Context, username: str, password: str) -> str:
    try:
        account = context.services.app.account(username.strip())
    except NotFoundError:
        account = None
    if account is None or not verify_password(account.password_hash, password):
        raise wrong_credentials()
    return context.sessions.issue(account.id)


@router.post("/auth/token", response_model=TokenResponse, tags=["auth"])
def token(body: TokenRequest, context: Context) -> TokenResponse:
    return TokenResponse(access_token=sign_in(context, body.username, body.password))


@router.get("/me", tags=["auth"])
def me(actor: CurrentActor, context: Context) -> dict[str, Any]:
    tree = context.services.app.tree()
    return {
        "username": actor.username,
        "full_name": actor.full_name,
        "unit": {"id": str(actor.unit_id), "name": tree.get(actor.unit_id).name},
        "roles": sorted(actor.roles),
    }


@router.get("/units", tags=["units"])
def units(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    return [
        {
            "id": str(unit.id),
            "code": unit.code,
            "name": unit.name,
            "abbreviation": unit.abbreviation,
            "level": unit.level,
            "parent_id": str(unit.parent_id) if unit.parent_id else None,
        }
        for unit in context.services.app.tree().all()
    ]


@router.get("/document-types", tags=["documents"])
def types() -> list[dict[str, str]]:
    return [
        {"code": t.code, "name": t.name, "abbreviation": t.abbreviation}
        for t in document_types().values()
    ]


@router.post("/documents", status_code=201, response_model=Created, tags=["documents"])
async def create_document(actor: CurrentActor, context: Context, form: DraftFormData) -> Created:
    document_id = await actions.create_draft(context, actor, form)
    return Created(id=str(document_id))


@router.get("/documents/{document_id}", tags=["documents"])
def get_document(document_id: UUID, actor: CurrentActor, context: Context) -> dict[str, Any]:
    context.services.app.record_access(actor, document_id, AccessKind.VIEW)
    return presenters.document_detail(context, actor, document_id)


PDF_FILE = {
    "description": "Tệp PDF / The PDF file",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get(
    "/documents/{document_id}/file",
    tags=["documents"],
    response_class=Response,  # no media type: errors stay documented as JSON
    responses={200: PDF_FILE},
)
def document_file(document_id: UUID, actor: CurrentActor, context: Context) -> Response:
    context.services.app.record_access(actor, document_id, AccessKind.DOWNLOAD)
    document = context.services.app.document(document_id)
    data = context.services.app.blobs.get(document.current_sha256)
    name = quote((document.number_symbol or "du-thao").replace("/", "-") + ".pdf")
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{name}"},
    )


@router.get("/documents/{document_id}/validation", tags=["documents"])
async def document_validation(
    document_id: UUID, actor: CurrentActor, context: Context
) -> dict[str, Any]:
    await actions.in_thread(
        context.services.app.record_access, actor, document_id, AccessKind.VALIDATION
    )
    document = context.services.app.document(document_id)
    report = await run_in_threadpool(verify_file, context.services, document.current_sha256)
    return report.to_dict()


@router.post("/documents/{document_id}/submit", response_model=Accepted, tags=["documents"])
async def submit(document_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    await actions.submit(context, actor, document_id)
    return Accepted(id=str(document_id))


@router.post("/documents/{document_id}/sign", response_model=Accepted, tags=["documents"])
async def sign(document_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    await actions.sign(context, actor, document_id)
    return Accepted(id=str(document_id))


@router.post(
    "/documents/{document_id}/issue", status_code=202, response_model=Accepted, tags=["documents"]
)
async def issue(document_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    workflow_id = await actions.issue(context, actor, document_id)
    return Accepted(id=str(document_id), workflow_id=workflow_id)


@router.get("/documents/{document_id}/dispatch", tags=["documents"])
async def dispatch_progress(
    document_id: UUID, actor: CurrentActor, context: Context
) -> dict[str, Any]:
    actions.authorize_view(context, actor, document_id)
    progress = await issuance_progress(await context.temporal.client(), document_id)
    return {"started": progress is not None, **(progress.__dict__ if progress else {})}


@router.get("/outbox", tags=["registers"])
def outbox(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    return presenters.outbox_rows(context, actor)


@router.get("/inbox", tags=["registers"])
def inbox(actor: CurrentActor, context: Context) -> list[dict[str, Any]]:
    return presenters.inbox_rows(context, actor)


@router.post("/receipts/{receipt_id}/register", tags=["receipts"])
async def register(receipt_id: UUID, actor: CurrentActor, context: Context) -> dict[str, Any]:
    number = await actions.register(context, actor, receipt_id)
    return {"id": str(receipt_id), "arrival_number": number}


@router.post("/receipts/{receipt_id}/acknowledge", response_model=Accepted, tags=["receipts"])
async def acknowledge(receipt_id: UUID, actor: CurrentActor, context: Context) -> Accepted:
    await actions.acknowledge(context, actor, receipt_id)
    return Accepted(id=str(receipt_id))
